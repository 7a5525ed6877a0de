/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/ifdef_variants_action.c: one page of timer registers */
struct hpet_dev {
	phys_addr_t phys;
};

VMM_DEVICE(struct hpet_dev, .phys = 0xfed00000)
#define VMM_SETUP		vmm_device_setup
