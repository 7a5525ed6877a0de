/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/preprocessor_define_blocked.c: register windows of a device */
struct regs_dev {
	phys_addr_t phys;
	phys_addr_t log_phys;
	phys_addr_t trace_phys;
	phys_addr_t win_phys;
};

VMM_DEVICE(struct regs_dev, .phys = 0xfe000000, .log_phys = 0xfe010000,
	   .trace_phys = 0xfe020000, .win_phys = 0xfe040000)
#define VMM_SETUP		vmm_device_setup
