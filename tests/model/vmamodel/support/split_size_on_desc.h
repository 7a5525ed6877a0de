/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/split_size_on_desc.c: a window of four pages at pfn 0x1000 */
#define WIN_SIZE	(4 * PAGE_SIZE)
#define WIN_PFN		0x1000UL
