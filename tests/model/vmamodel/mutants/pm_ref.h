/* SPDX-License-Identifier: GPL-2.0-only */
/* mutants/pm_ref.c: the device of fixtures/needs_abort_refcount.c */
#include "../support/needs_abort_refcount.h"
