/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/vm_iomap_memory_blocked.c: a reserved region of three pages */
struct dice_rmem {
	phys_addr_t base;
	unsigned long size;
};

static struct dice_rmem dice_rmem = { .base = 0xfb000000, .size = 3 * PAGE_SIZE };

struct dice {
	struct dice_rmem *rmem;
};

VMM_DEVICE(struct dice, .rmem = &dice_rmem)
#define VMM_SETUP		vmm_device_setup
