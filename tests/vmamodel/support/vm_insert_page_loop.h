/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/vm_insert_page_loop.c: a four-page vmalloc ring */
struct ring {
	unsigned long size;
	void *area;
};

static void ring_setup(struct file *file)
{
	struct ring *ring = vmm_dev_alloc(sizeof(*ring));

	ring->size = 4 * PAGE_SIZE;
	ring->area = vmalloc(ring->size);
	file->private_data = ring;
}
#define VMM_SETUP		ring_setup
