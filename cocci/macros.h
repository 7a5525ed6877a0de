/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Macros spatch cannot parse from their use alone, given to it with
 * --macro-file (convert.py and the audit do; make coccicheck users pass
 * SPFLAGS="--macro-file cocci/macros.h").  A function that uses one is
 * otherwise skipped as a parse error, and its handler left alone.
 *
 * The guards of include/linux/cleanup.h run their block once, holding a
 * lock: as a loop header spatch parses the block as a statement, and the
 * split treats it as the loop it is written as (no populate call moves
 * out of it).
 */
#define scoped_guard(_name, args...) for (;;)
#define scoped_cond_guard(_name, _fail, args...) for (;;)
#define scoped_class(_name, var, args...) for (;;)
