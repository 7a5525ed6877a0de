/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/remap_range_returned.c: a two-page window, smaller than some requests */
struct win {
	unsigned long size;
	phys_addr_t phys;
};

VMM_DEVICE(struct win, .size = 2 * PAGE_SIZE, .phys = 0xfd000000)
#define VMM_SETUP		vmm_device_setup
