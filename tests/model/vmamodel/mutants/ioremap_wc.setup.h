/* SPDX-License-Identifier: GPL-2.0-only */
/* mutants/ioremap_wc.c: four pages of registers at 0xfd000000 */
VMM_DEVICE(struct wc_regs, .base = 0xfd000000, .len = 4 * PAGE_SIZE)
#define VMM_SETUP		vmm_device_setup
