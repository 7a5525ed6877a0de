/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/size_checked_ioremap.c: one page of clock registers */
struct clk_state {
	phys_addr_t res_start;
};

VMM_DEVICE(struct clk_state, .res_start = 0xfed00000)
#define VMM_SETUP		vmm_device_setup
