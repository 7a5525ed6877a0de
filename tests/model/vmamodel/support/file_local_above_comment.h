/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/file_local_above_comment.c: the harness of Linux 7.2 has no fmode bits */
#ifndef FMODE_WRITE
#define FMODE_WRITE		((__force fmode_t)(1 << 1))
#endif
