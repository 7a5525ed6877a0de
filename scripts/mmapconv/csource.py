# SPDX-License-Identifier: GPL-2.0-only
"""Finding a function's definition, or the block a brace opens, in C source
by brace matching.  No parsing: kernel definitions start their line, and
this module imports nothing of the package so that any part of it (the
report, the comparison, the whole-tree checks) can use it."""

import collections
import re

# a definition's header: what precedes the name on its line is a return
# type (no ';', '#' or '=': not a statement, a directive or an initializer)
HEADER = r'^[^\n;#=]*\b%s\s*\(([^;{]*)\)\s*\{'


def block_end(source, i):
    """The offset just past the brace that closes the block whose opening
    brace ends just before offset i, or None when the source ends first."""
    depth = 1
    while depth and i < len(source):
        depth += {'{': 1, '}': -1}.get(source[i], 0)
        i += 1
    return None if depth else i


class Definition(collections.namedtuple('Definition', 'text params body')):
    """A function definition: its text from the start of its header line to
    its closing brace, its parameter list and the text between its braces."""


def definition(source, name):
    """The first Definition of function name in C source, or None."""
    m = re.search(HEADER % re.escape(name), source, re.M)
    end = m and block_end(source, m.end())
    if not end:
        return None
    return Definition(source[m.start():end], m.group(1), source[m.end():end - 1])
