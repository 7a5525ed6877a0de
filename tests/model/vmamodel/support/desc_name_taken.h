/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/desc_name_taken.c: a descriptor of four pages */
struct dsc_desc {
	unsigned long size;
};

VMM_DEVICE(struct dsc_desc, .size = 4 * PAGE_SIZE)
#define VMM_SETUP		vmm_device_setup
