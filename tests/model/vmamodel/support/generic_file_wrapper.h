/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures/generic_file_wrapper.c: a read-only block device, so that the
 * generic_file_readonly_mmap branch (and its -EINVAL) is the one exercised;
 * static_forward_decl covers generic_file_mmap.
 */
static inline bool read_only(const struct inode *inode)
{
	return !(inode->i_mode & 0200);
}

static void blk_setup(struct file *file)
{
	file->f_inode->i_mode &= ~0222;
}
#define VMM_SETUP		blk_setup
