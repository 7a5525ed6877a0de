/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures/can_mmap_file_test.c: the lower file is of a filesystem that
 * still has .mmap, so that the original and the conversion both accept it
 * (with one that has only .mmap_prepare, the original refuses it: the
 * behaviour the conversion mends).
 */
static int lower_mmap(struct file *file, struct vm_area_struct *vma)
{
	return 0;
}

static const struct file_operations lower_fops = {
	.mmap = lower_mmap,
};

static struct file lower_file = {
	.f_op = &lower_fops,
};

static inline struct file *stackfs_file_to_lower(struct file *file)
{
	return &lower_file;
}
