"""Whitespace spatch cannot keep: the column of designated initializers.

spatch prints a member it adds as `.mmap_prepare = foo_prepare,`, one
space each side of the `=`, while most file_operations initializers align
their `=` with tabs.  A reviewer asks for the neighbours' column first, so
convert.py re-spaces each such added line of its diffs to the column the
hunk's other members use, with tabs as the kernel does.  Only whitespace
changes, and only on added lines, so every hunk still applies; `make
coccicheck` gives spatch's spacing, which is the one difference between
the two (tests/tree/check_kernel.py compares them after this step).
"""

import re

TAB = 8
# an initializer member as spatch adds it, and as the file already has them
ADDED_MEMBER = re.compile(r'^\+(\t+)(\.\w+) = (.*)$')
MEMBER = re.compile(r'^[ +-](\t+)(\.\w+)([ \t]+)=')


def width(text):
    """Display width of text with tabs every 8 columns."""
    col = 0
    for c in text:
        col = (col // TAB + 1) * TAB if c == '\t' else col + 1
    return col


def aligned_column(rows, indent):
    """The column of `=` the hunk's aligned members at that indentation use,
    or None when they use a single space (or there are none)."""
    columns = []
    for row in rows:
        m = MEMBER.match(row)
        if not m or m.group(1) != indent or ADDED_MEMBER.match(row):
            continue
        if m.group(3) == ' ':
            return None     # the file writes `.name = value`: keep spatch's form
        columns.append(width(m.group(1) + m.group(2) + m.group(3)))
    if not columns:
        return None
    return max(set(columns), key=columns.count)


def respace(row, column):
    m = ADDED_MEMBER.match(row)
    indent, name, value = m.groups()
    head = indent + name
    if width(head) >= column:
        return row      # longer than the column: one space, as the kernel does
    pad = ''
    while width(head + pad) < column:
        pad += '\t'
    if width(head + pad) != column:
        return row      # the column is not on a tab stop: leave it
    return '+%s%s= %s' % (head, pad, value)


def initializer_around(rows, i):
    """The rows of the hunk in the same braces as rows[i]: its neighbours
    in this initializer, not in the next one the hunk shows."""
    start = i
    while start > 0 and '{' not in rows[start - 1] and '}' not in rows[start - 1]:
        start -= 1
    end = i
    while end + 1 < len(rows) and '}' not in rows[end + 1] and '{' not in rows[end + 1]:
        end += 1
    return rows[start:end + 1]


def align_hunk(rows):
    out = list(rows)
    for i, row in enumerate(rows):
        m = ADDED_MEMBER.match(row)
        if not m:
            continue
        column = aligned_column(initializer_around(rows, i), m.group(1))
        if column is not None:
            out[i] = respace(row, column)
    return out


def align_members(diff):
    """diff (unified, one or more files) with its added initializer members
    at their neighbours' column."""
    out, hunk = [], None
    for row in diff.split('\n'):
        if row.startswith('@@') or row.startswith('diff '):
            out += align_hunk(hunk or [])
            hunk = [] if row.startswith('@@') else None
            out.append(row)
        elif hunk is None:
            out.append(row)     # a file header, before its first hunk
        else:
            hunk.append(row)
    out += align_hunk(hunk or [])
    return '\n'.join(out)
