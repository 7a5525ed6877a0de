/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/vma_null_test_acquire.c: the device of needs_abort_refcount.c */
#include "needs_abort_refcount.h"
