/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/lock_error_label.c: a four-page vmalloc coverage area */
struct cov {
	spinlock_t lock;
	unsigned long size;		/* in unsigned longs */
	void *area;
};

static void cov_setup(struct file *file)
{
	struct cov *cov = vmm_dev_alloc(sizeof(*cov));

	spin_lock_init(&cov->lock);
	cov->size = 4 * PAGE_SIZE / sizeof(unsigned long);
	cov->area = vmalloc_user(4 * PAGE_SIZE);
	file->private_data = cov;
}
#define VMM_SETUP		cov_setup
