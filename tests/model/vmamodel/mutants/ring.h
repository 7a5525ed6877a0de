/* SPDX-License-Identifier: GPL-2.0-only */
/* mutants/ring.c: a device with a four-page vmalloc_user ring */
struct ring_dev {
	struct mutex lock;
	void *buf;
};

static void ring_setup(struct file *file)
{
	struct ring_dev *d = vmm_dev_alloc(sizeof(*d));

	mutex_init(&d->lock);
	d->buf = vmalloc_user(4 * PAGE_SIZE);
	file->private_data = d;
}
#define VMM_SETUP		ring_setup
