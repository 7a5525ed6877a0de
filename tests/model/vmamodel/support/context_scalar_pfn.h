/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/context_scalar_pfn.c: queue 0 has four pages, queue 1 one */
struct cmdq_dev {
	int nr_queues;
	void *buf[2];
	size_t size[2];
};

static inline size_t cmdq_buf_size(struct cmdq_dev *cd, int q)
{
	return cd->size[q];
}

static inline void *cmdq_buf(struct cmdq_dev *cd, int q)
{
	return cd->buf[q];
}

static void cmdq_setup(struct file *file)
{
	struct cmdq_dev *cd = vmm_dev_alloc(sizeof(*cd));

	cd->nr_queues = 2;
	cd->size[0] = 4 * PAGE_SIZE;
	cd->buf[0] = (void *)__get_free_pages(GFP_KERNEL, 2);
	cd->size[1] = PAGE_SIZE;
	cd->buf[1] = (void *)__get_free_pages(GFP_KERNEL, 0);
	file->private_data = cd;
}
#define VMM_SETUP		cmdq_setup
