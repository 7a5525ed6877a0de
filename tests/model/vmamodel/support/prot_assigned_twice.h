/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/prot_assigned_twice.c: four pages of bridge memory at 256 MiB */
struct bridge_ctrl {
	unsigned long base_pfn;
	unsigned long nr_pages;
};

static void bridge_setup(struct file *file)
{
	struct bridge_ctrl *ctrl = vmm_dev_alloc(sizeof(*ctrl));

	ctrl->base_pfn = 0x10000;
	ctrl->nr_pages = 4;
	file->private_data = ctrl;
}
#define VMM_SETUP		bridge_setup
