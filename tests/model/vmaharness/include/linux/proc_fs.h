/* SPDX-License-Identifier: GPL-2.0-only */
/* A driver's <linux/proc_fs.h>: what the harness and kernel_api.h provide */
#include "vmaharness.h"
