/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/desc_name_taken_split.c: four uncached pages at pfn 0x90000 */
struct rbuf_desc {
	unsigned long size;
	bool cached;
	unsigned long pfn;
};

static inline unsigned long rbuf_pfn(struct rbuf_desc *desc)
{
	return desc->pfn;
}

VMM_DEVICE(struct rbuf_desc, .size = 4 * PAGE_SIZE, .pfn = 0x90000)
#define VMM_SETUP		vmm_device_setup
