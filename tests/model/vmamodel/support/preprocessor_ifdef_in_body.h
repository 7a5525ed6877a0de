/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/preprocessor_ifdef_in_body.c: one page of registers */
struct regs_dev {
	phys_addr_t phys;
};

VMM_DEVICE(struct regs_dev, .phys = 0xfe000000)
#define VMM_SETUP		vmm_device_setup
