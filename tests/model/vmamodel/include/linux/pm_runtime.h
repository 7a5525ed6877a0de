/* SPDX-License-Identifier: GPL-2.0-only */
/* Stub: the whole modelled API is in vma_internal.h */
#include "../vma_internal.h"
