/* SPDX-License-Identifier: GPL-2.0-only */
/* pairs/simple_ioremap: four pages of registers at 0xfe000000 */
struct bar {
	phys_addr_t phys;
	unsigned long len;
};

VMM_DEVICE(struct bar, .phys = 0xfe000000, .len = 4 * PAGE_SIZE)
#define VMM_SETUP		vmm_device_setup
