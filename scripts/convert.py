#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Convert f_op->mmap handlers to mmap_prepare: see convert.py --help."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    from mmapconv.cli import main  # noqa: E402
except KeyboardInterrupt:
    # Ctrl-C before main() can catch it: nothing was read or written yet
    print('convert.py: interrupted', file=sys.stderr)
    sys.exit(130)

if __name__ == '__main__':
    sys.exit(main())
