/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/ifdef_variant_enosys.c: one page of timer registers */
struct timer_dev {
	phys_addr_t phys;
};

VMM_DEVICE(struct timer_dev, .phys = 0xfed00000)
#define VMM_SETUP		vmm_device_setup
