/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures/remap_pgoff_context.c: four pages of device memory.  The fixture's
 * PHYS_PFN is a constant, but linux/pfn.h (which mm.h includes) defines
 * PHYS_PFN(x) as a macro, so in a kernel build this name would not compile
 * either; the model gives it the fixture's meaning.
 */
#undef PHYS_PFN
#define PHYS_PFN		0x80000UL
#define PHYS_PAGES		4
