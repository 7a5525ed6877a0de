/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/remap_full_range.c: four pages of SRAM at pfn 0xb0000 */
#define SRAM_SIZE		(4 * PAGE_SIZE)
#define SRAM_PFN		0xb0000UL
