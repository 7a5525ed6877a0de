/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/takes_reference.c: lck_mmap (converted) gets a live device */
struct msc {
	atomic_t user_count;
};

struct lck {
	struct mutex lock;
	bool dead;
};

static void lck_setup(struct file *file)
{
	struct lck *l = vmm_dev_alloc(sizeof(*l));

	mutex_init(&l->lock);
	file->private_data = l;
}
#define VMM_SETUP		lck_setup
