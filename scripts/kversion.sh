#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Print VERSION.PATCHLEVEL of the kernel tree in $1, read from its Makefile
# (never run: the tree is not ours).
set -eu
sed -n -e 's/^VERSION = \([0-9]*\)$/\1/p' -e 's/^PATCHLEVEL = \([0-9]*\)$/\1/p' \
	"${1:?usage: kversion.sh KDIR}/Makefile" | head -n 2 | paste -sd. -
