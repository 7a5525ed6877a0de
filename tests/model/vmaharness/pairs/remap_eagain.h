/* SPDX-License-Identifier: GPL-2.0-only */
/* pairs/remap_eagain: four pages of SRAM at pfn 0xb0000 */
#define SRAM_PAGES		4
#define SRAM_PFN		0xb0000UL
