/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/split_forward_decl.c: one page of device memory */
#define EARLY_PFN	0xfe000UL
