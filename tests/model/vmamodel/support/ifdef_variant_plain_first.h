/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/ifdef_variant_plain_first.c: the window of context_object.c */
#include "support/context_object.h"
