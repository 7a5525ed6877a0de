/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/complete_drops_dead_init.c: two pages at pfn 0x3000 */
struct sbuf {
	unsigned long pfn;
	unsigned long size;
};

static void sbuf_setup(struct file *file)
{
	struct sbuf *buf = vmm_dev_alloc(sizeof(*buf));

	buf->pfn = 0x3000;
	buf->size = 2 * PAGE_SIZE;
	file->private_data = buf;
}
#define VMM_SETUP		sbuf_setup
