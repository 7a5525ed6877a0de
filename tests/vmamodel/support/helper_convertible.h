/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/helper_convertible.c: a device of two pages */
struct gsc_dev {
	unsigned long npages;
};

static void gsc_setup(struct file *file)
{
	struct gsc_dev *gsc = vmm_dev_alloc(sizeof(*gsc));

	gsc->npages = 2;
	file->private_data = gsc;
}
#define VMM_SETUP		gsc_setup
#define VMM_DEV_SIZE		(2 * PAGE_SIZE)
