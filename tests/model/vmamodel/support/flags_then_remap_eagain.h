/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/flags_then_remap_eagain.c: four pages of registers */
struct regs_dev {
	unsigned long len;
	phys_addr_t phys;
};

VMM_DEVICE(struct regs_dev, .len = 4 * PAGE_SIZE, .phys = 0xfe000000)
#define VMM_SETUP		vmm_device_setup
