#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Unpack a Debian linux-source tarball into DEST and commit it as one base
# commit, so that git-based tools (make coccicheck's --use-gitgrep,
# worktrees, series) see the sources.  Does nothing when DEST already holds
# that commit.  TARBALL names the tarball (default: linux-source-6.12's),
# PKGVERSION the package version recorded in the commit's subject.
set -eu

TARBALL=${TARBALL:-/usr/src/linux-source-6.12.tar.xz}
DEST=${1:?usage: mktree.sh DEST}
PACKAGE=$(basename "$TARBALL" .tar.xz)
PKGVERSION=${PKGVERSION:-$(dpkg-query -W -f='${Version}' "$PACKAGE" 2>/dev/null || true)}
SUBJECT="Debian $PACKAGE $PKGVERSION"

if git -C "$DEST" rev-parse --verify -q HEAD >/dev/null 2>&1 &&
   git -C "$DEST" ls-files --error-unmatch MAINTAINERS >/dev/null 2>&1; then
	echo "tree: $DEST is ready ($(git -C "$DEST" log -1 --format='%h %s' HEAD))"
	exit 0
fi
# Never replace what this script did not make.
if [ -e "$DEST" ]; then
	echo "tree: $DEST exists but is not a committed kernel tree; move it away first" >&2
	exit 1
fi
if [ ! -f "$TARBALL" ]; then
	echo "tree: $TARBALL is missing; run make deps first" >&2
	exit 1
fi

# Unpack beside DEST and move it into place at the end, so that an
# interrupted run never leaves a half-made tree that looks ready.
parent=$(dirname "$DEST")
mkdir -p "$parent"
work=$(mktemp -d "$parent/.tree.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "tree: unpacking $TARBALL"
tar -xf "$TARBALL" -C "$work"
src=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n 1)
echo "tree: committing the sources (one to two minutes)"
cd "$src"
git init -q
# Debian's top-level .gitignore ends with '/*', which hides every source
# from 'git add -A'; -f adds them anyway.
git add -A -f
GIT_AUTHOR_DATE='2024-11-17T00:00:00Z' GIT_COMMITTER_DATE='2024-11-17T00:00:00Z' \
git -c user.name='mmap-convert' -c user.email='mmap-convert@localhost' \
	commit -q -m "$SUBJECT"
cd - >/dev/null
mv "$src" "$DEST"
echo "tree: $DEST is ready ($(git -C "$DEST" log -1 --format='%h %s' HEAD))"
