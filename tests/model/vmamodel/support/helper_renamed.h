/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures/helper_renamed.c: a relay buffer of one page, so that other
 * sizes get -EINVAL; dsk_mmap reads the same private data as its device.
 */
struct rchan {
	size_t alloc_size;
};

struct rchan_buf {
	struct rchan *chan;
	bool ready;
};

struct dsk_dev {
	struct rchan *chan;
	bool ready;
};

static void relay_setup(struct file *file)
{
	struct rchan *chan = vmm_dev_alloc(sizeof(*chan));
	struct rchan_buf *buf = vmm_dev_alloc(sizeof(*buf));

	chan->alloc_size = PAGE_SIZE;
	buf->chan = chan;
	file->private_data = buf;
}
#define VMM_SETUP		relay_setup
