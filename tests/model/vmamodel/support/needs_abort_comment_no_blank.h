/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/needs_abort_comment_no_blank.c: the device of needs_abort_refcount.c */
#include "needs_abort_refcount.h"
