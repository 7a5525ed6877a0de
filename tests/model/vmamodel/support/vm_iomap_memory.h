/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures/vm_iomap_memory.c: a reserved region of three pages and a
 * bit, at an address that is not page aligned (vm_iomap_memory() rounds it)
 */
struct dice_rmem {
	phys_addr_t base;
	unsigned long size;
};

struct dice {
	struct dice_rmem *rmem;
};

static void dice_setup(struct file *file)
{
	struct dice *d = vmm_dev_alloc(sizeof(*d));

	d->rmem = vmm_dev_alloc(sizeof(*d->rmem));
	d->rmem->base = 0xfe000100;
	d->rmem->size = 3 * PAGE_SIZE;
	file->private_data = d;
}
#define VMM_SETUP		dice_setup
