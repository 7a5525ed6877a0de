/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/lock_checks_only.c: an enabled control block at pfn 0xa8000 */
struct ctl {
	struct mutex lock;
	bool enabled;
	unsigned long pfn;
};

static void ctl_setup(struct file *file)
{
	struct ctl *c = vmm_dev_alloc(sizeof(*c));

	mutex_init(&c->lock);
	c->enabled = true;
	c->pfn = 0xa8000;
	file->private_data = c;
}
#define VMM_SETUP		ctl_setup
