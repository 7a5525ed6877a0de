/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/cast_before_field.c: offsets up to one page map, beyond fail */
#define NT_MAX			PAGE_SIZE
