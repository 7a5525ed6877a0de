/* SPDX-License-Identifier: GPL-2.0-only */
/* pairs/map_pages: a ring of four kernel pages */
#define RING_PAGES		4

struct ring {
	struct page *pages[RING_PAGES];
};

static void ring_setup(struct file *file)
{
	struct ring *ring = vmm_dev_alloc(sizeof(*ring));

	vmm_dev_pages(ring->pages, RING_PAGES);
	file->private_data = ring;
}
#define VMM_SETUP		ring_setup
