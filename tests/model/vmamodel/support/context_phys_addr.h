/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/context_phys_addr.c: a four-page BAR at 0xfd000000 */
#define BAR_START		0xfd000000UL
#define BAR_END			(BAR_START + 4 * PAGE_SIZE)

struct bar_dev {
	phys_addr_t start;
};

static inline phys_addr_t bar_resource_start(struct bar_dev *bd)
{
	return bd->start;
}

VMM_DEVICE(struct bar_dev, .start = BAR_START)
#define VMM_SETUP		vmm_device_setup
