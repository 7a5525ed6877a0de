/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/preprocessor_nested_ifdef.c: four pages of memory, mappable */
#define O_DSYNC		00010000

struct mem_dev {
	phys_addr_t phys;
	unsigned long size;
	bool mappable;
};

VMM_DEVICE(struct mem_dev, .phys = 0xfd000000, .size = 4 * PAGE_SIZE, .mappable = true)
#define VMM_SETUP		vmm_device_setup
