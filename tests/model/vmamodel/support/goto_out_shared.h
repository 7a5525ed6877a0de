/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/goto_out_shared.c: the driver's globals, a four-page buffer */
static unsigned long mmapper_size = 4 * PAGE_SIZE;
static phys_addr_t p_buf = 0xfb000000;
