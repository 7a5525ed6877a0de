/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures/macro_alias_generic.c: inodes with S_DAX (as the model's
 * i_flags) take the DAX branch, the others generic_file_mmap.
 */
#define S_DAX		(1 << 13)
#define IS_DAX(inode)	((inode)->i_flags & S_DAX)
