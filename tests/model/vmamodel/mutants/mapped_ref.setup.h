/* SPDX-License-Identifier: GPL-2.0-only */
/* mutants/mapped_ref.c: a four-page buffer, with the device's reference */
static void shbuf_setup(struct file *file)
{
	struct shbuf *buf = kzalloc(sizeof(*buf), GFP_KERNEL);

	kref_init(&buf->ref);
	buf->len = 4 * PAGE_SIZE;
	file->private_data = buf;
}
#define VMM_SETUP		shbuf_setup
