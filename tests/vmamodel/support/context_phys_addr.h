/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/context_phys_addr.c: a BAR at 0xfd000000 */
struct bar_dev {
	phys_addr_t start;
};

static inline phys_addr_t bar_resource_start(struct bar_dev *bd)
{
	return bd->start;
}

static void bar_setup(struct file *file)
{
	struct bar_dev *bd = vmm_dev_alloc(sizeof(*bd));

	bd->start = 0xfd000000;
	file->private_data = bd;
}
#define VMM_SETUP		bar_setup
