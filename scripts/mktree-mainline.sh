#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Fetch the newest linux-source-7.* from Debian unstable and commit it into
# DEST as one base commit (mktree.sh).  The machine's apt state is left
# alone: a private sources file naming sid on the machine's own mirror and
# keyring, with private lists and cache folders under APTDIR; nothing is
# installed, the .deb is only unpacked with dpkg -x.
set -eu

DEST=${1:?usage: mktree-mainline.sh DEST [APTDIR]}
APTDIR=${2:-$(dirname "$DEST")/apt-sid}
here=$(cd "$(dirname "$0")" && pwd)

if git -C "$DEST" rev-parse --verify -q HEAD >/dev/null 2>&1 &&
   git -C "$DEST" ls-files --error-unmatch MAINTAINERS >/dev/null 2>&1; then
	echo "tree: $DEST is ready ($(git -C "$DEST" log -1 --format='%h %s' HEAD))"
	exit 0
fi

# The mirror and keyring of the machine's own Debian entry, else Debian's.
mirror=http://deb.debian.org/debian
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	uri=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/\{0,1\}$/\1/p' "$f" | head -n 1)
	key=$(sed -n 's/^Signed-By:[[:space:]]*\(\/[^[:space:]]*\)$/\1/p' "$f" | head -n 1)
	if [ -n "$uri" ]; then
		mirror=$uri
		[ -n "$key" ] && keyring=$key
		break
	fi
done

mkdir -p "$APTDIR/sources" "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" \
	"$APTDIR/deb"
cat >"$APTDIR/sources/sid.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: sid
Components: main
Signed-By: $keyring
SOURCES
set -- -o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts="$APTDIR/sources" \
	-o Dir::State::Lists="$APTDIR/lists" -o Dir::Cache="$APTDIR/cache" -o APT::Sandbox::User=root

echo "tree: looking up linux-source-7.* in Debian unstable ($mirror)"
apt-get -qq "$@" update
package=$(apt-cache "$@" pkgnames linux-source-7. | sort -V | tail -n 1)
if [ -z "$package" ]; then
	echo "tree: Debian unstable has no linux-source-7.* package" >&2
	exit 1
fi
version=$(apt-cache "$@" show "$package" | sed -n 's/^Version: //p' | sort -V | tail -n 1)
echo "tree: $package $version"

# apt-get download writes into the current folder, escaping an epoch's ':'.
deb=$(ls "$APTDIR/deb/${package}_"*"${version#*:}_all.deb" 2>/dev/null | head -n 1)
if [ -z "$deb" ]; then
	(cd "$APTDIR/deb" && apt-get -qq "$@" download "$package=$version")
	deb=$(ls "$APTDIR/deb/${package}_"*"${version#*:}_all.deb" | head -n 1)
fi
unpacked="$APTDIR/deb/$package-$version"
if [ ! -d "$unpacked" ]; then
	rm -rf "$unpacked.tmp"
	dpkg -x "$deb" "$unpacked.tmp"
	mv "$unpacked.tmp" "$unpacked"
fi
TARBALL="$unpacked/usr/src/$package.tar.xz" PKGVERSION=$version \
	sh "$here/mktree.sh" "$DEST"
# The tarball has served; keep the .deb so that a rebuilt tree needs no
# download.
rm -rf "$unpacked"
