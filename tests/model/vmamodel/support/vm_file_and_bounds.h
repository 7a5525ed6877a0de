/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/vm_file_and_bounds.c: an iterator on a buffer that exists */
struct msc {
	void *mbuf;
};

struct msc_iter {
	struct msc *msc;
};

static void msc_setup(struct file *file)
{
	struct msc_iter *iter = vmm_dev_alloc(sizeof(*iter));

	iter->msc = vmm_dev_alloc(sizeof(*iter->msc));
	iter->msc->mbuf = vmm_dev_alloc(PAGE_SIZE);
	file->private_data = iter;
}
#define VMM_SETUP		msc_setup
