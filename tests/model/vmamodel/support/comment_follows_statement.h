/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/comment_follows_statement.c: a ring of two pages */
#define RING_SIZE	(2 * PAGE_SIZE)

struct ring_dev {
	void *buf;
};

static void ring_setup(struct file *file)
{
	struct ring_dev *ring = vmm_dev_alloc(sizeof(*ring));

	ring->buf = (void *)__get_free_pages(GFP_KERNEL, 1);
	file->private_data = ring;
}
#define VMM_SETUP		ring_setup
