/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/scoped_guard_checks.c: an enabled device behind a mutex */
struct gdev {
	struct mutex lock;
	bool enabled;
};

static void gdev_setup(struct file *file)
{
	struct gdev *gd = vmm_dev_alloc(sizeof(*gd));

	mutex_init(&gd->lock);
	gd->enabled = true;
	file->private_data = gd;
}
#define VMM_SETUP		gdev_setup
