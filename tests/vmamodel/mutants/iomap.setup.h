/* SPDX-License-Identifier: GPL-2.0-only */
/* mutants/iomap.c: four pages of registers at 0xfe000000 */
static void regs_setup(struct file *file)
{
	struct regs *r = vmm_dev_alloc(sizeof(*r));

	r->base = 0xfe000000;
	r->len = 4 * PAGE_SIZE;
	file->private_data = r;
}
#define VMM_SETUP		regs_setup
