/* SPDX-License-Identifier: GPL-2.0-only */
/* A driver's <linux/pm_runtime.h>: what the harness and the fixture's support provide */
#include "vmaharness.h"
