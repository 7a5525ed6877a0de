/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/split_and_prepare_same_file.c: I/O memory at pfn 0xc0000 */
#define IO_PFN			0xc0000UL
