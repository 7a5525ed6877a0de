/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/remap_pgoff_context.c: four pages of device memory */
#define PHYS_BASE_PFN		0x80000UL
#define PHYS_PAGES		4
