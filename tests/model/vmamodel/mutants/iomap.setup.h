/* SPDX-License-Identifier: GPL-2.0-only */
/* mutants/iomap.c: four pages of registers at 0xfe000000 */
VMM_DEVICE(struct regs, .base = 0xfe000000, .len = 4 * PAGE_SIZE)
#define VMM_SETUP		vmm_device_setup
