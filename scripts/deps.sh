#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install, with apt, what the toolkit and its tests need and the machine
# lacks: Coccinelle, the kernel build prerequisites, the reference tree, and
# distcc (check-verify compiles through a local distccd), the headless
# browser that tests the audit's HTML page, and liburcu (the kernel's
# tools/testing/vma, which check-vmaharness builds, links with it).
# Idempotent: installs nothing when everything is there.
set -eu

PACKAGES="coccinelle linux-source-6.12 python3 git make gcc libc6-dev patch flex bison bc \
libelf-dev libssl-dev xz-utils perl distcc \
chromium chromium-driver python3-selenium liburcu-dev $*"

missing=""
for pkg in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $pkg" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "deps: everything is installed"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing; run make deps as root (or install them with apt-get)" >&2
	exit 1
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; refresh them once if apt cannot
# find a package.
if ! apt-get install -y --no-install-recommends $missing; then
	apt-get update
	apt-get install -y --no-install-recommends $missing
fi
