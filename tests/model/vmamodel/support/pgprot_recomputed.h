/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/pgprot_recomputed.c: physical addresses below four pages are valid */
static inline bool pgp_range_is_valid(size_t addr, size_t size)
{
	return addr < 4 * PAGE_SIZE && size <= 4 * PAGE_SIZE - addr;
}
