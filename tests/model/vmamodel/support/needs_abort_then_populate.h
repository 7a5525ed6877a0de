/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/needs_abort_then_populate.c: the device of needs_abort_refcount.c */
#include "needs_abort_refcount.h"
