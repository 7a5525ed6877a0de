/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/flags_then_remap_eagain.c: four pages of registers */
struct regs_dev {
	unsigned long len;
	phys_addr_t phys;
};

static void regs_setup(struct file *file)
{
	struct regs_dev *rd = vmm_dev_alloc(sizeof(*rd));

	rd->len = 4 * PAGE_SIZE;
	rd->phys = 0xfe000000;
	file->private_data = rd;
}
#define VMM_SETUP		regs_setup
