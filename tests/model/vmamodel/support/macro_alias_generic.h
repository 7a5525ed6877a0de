/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures/macro_alias_generic.c: no inode is DAX, so both variants map
 * through generic_file_mmap (the harness of Linux 7.2 and this model share
 * this file; the model has IS_DAX() and inode flags, all clear).
 */
#ifndef IS_DAX
#define IS_DAX(inode)	((void)(inode), false)
#endif
