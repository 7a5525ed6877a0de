/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * struct address_space, struct file and struct file_operations, replacing
 * the partial ones of the harness's include/dup.h (run.py swaps them in its copy, after checking
 * that the harness still declares exactly the members kept first here, so
 * that mm/vma.c sees the layout it was written for).  Drivers need the rest:
 * file->private_data, .owner, .open, mapping->a_ops and so on.
 */
#ifndef VMAHARNESS_FS_H
#define VMAHARNESS_FS_H

#include <sys/types.h>	/* loff_t */

struct folio;
struct inode;
struct kiocb;
struct iov_iter;
struct module;
struct poll_table_struct;
typedef unsigned int __poll_t;
typedef unsigned int fmode_t;
typedef void *fl_owner_t;

struct address_space_operations {
	int (*read_folio)(struct file *, struct folio *);
};

struct address_space {
	/* The harness's members, first and in its order */
	struct rb_root_cached	i_mmap;
	unsigned long		flags;
	atomic_t		i_mmap_writable;
	/* What generic_file_mmap() reads besides */
	const struct address_space_operations *a_ops;
};

struct file_operations {
	/* The harness's members, first and in its order */
	int (*mmap)(struct file *, struct vm_area_struct *);
	int (*mmap_prepare)(struct vm_area_desc *);
	/* What drivers initialize besides */
	struct module *owner;
	loff_t (*llseek)(struct file *, loff_t, int);
	ssize_t (*read)(struct file *, char *, size_t, loff_t *);
	ssize_t (*write)(struct file *, const char *, size_t, loff_t *);
	ssize_t (*read_iter)(struct kiocb *, struct iov_iter *);
	ssize_t (*write_iter)(struct kiocb *, struct iov_iter *);
	__poll_t (*poll)(struct file *, struct poll_table_struct *);
	long (*unlocked_ioctl)(struct file *, unsigned int, unsigned long);
	long (*compat_ioctl)(struct file *, unsigned int, unsigned long);
	int (*open)(struct inode *, struct file *);
	int (*flush)(struct file *, fl_owner_t id);
	int (*release)(struct inode *, struct file *);
	int (*fsync)(struct file *, loff_t, loff_t, int datasync);
	int (*fasync)(int, struct file *, int);
	unsigned long (*get_unmapped_area)(struct file *, unsigned long,
			unsigned long, unsigned long, unsigned long);
	unsigned long mmap_supported_flags;
};

struct file {
	/* The harness's members, first and in its order */
	struct address_space	*f_mapping;
	const struct file_operations	*f_op;
	/* What drivers read besides */
	void			*private_data;
	struct inode		*f_inode;
	unsigned int		f_flags;
	fmode_t			f_mode;
	loff_t			f_pos;
};

#endif /* VMAHARNESS_FS_H */
