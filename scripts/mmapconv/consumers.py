"""Code that tests or calls f_op->mmap (or proc_ops->proc_mmap) itself.

A converted file_operations has .mmap_prepare and no .mmap, so every such
test refuses it and every such call jumps through a NULL pointer: ecryptfs
refusing a lower file that has no .mmap, binfmt_elf refusing an
interpreter, ipc/shm.c calling shmem through call_mmap().  Upstream added
can_mmap_file() and vfs_mmap() for these before converting anything.  The
audit lists each one with what reaches it, so that a series is not sent
while one of them still waits (docs/audit.md, "consumers").
"""

import dataclasses
import os
import re

from . import comments
from . import tree

# What a text search may find: an f_op or proc_ops member read through an
# expression, or call_mmap(), whose 6.12 body is f_op->mmap(file, vma).
SEARCH = r'->(f_op->mmap|proc_mmap|mmap)\b|\bcall_mmap\s*\('
# EXPR->f_op->mmap, EXPR being a chain of names, members, indexes and calls
F_OP_MMAP = re.compile(r'((?:[A-Za-z_]\w*(?:\([^()]*\))?(?:\[[^\]]*\])?(?:->|\.))*'
                       r'[A-Za-z_]\w*(?:\([^()]*\))?)->f_op->mmap\b')
PROC_MMAP = re.compile(r'([A-Za-z_][\w>.-]*?)->proc_mmap\b')
OPS_MMAP = re.compile(r'\b([A-Za-z_]\w*)->mmap\b')
CALL_MMAP = re.compile(r'\bcall_mmap\s*\(')
FUNCTION_START = re.compile(r'^\{', re.M)


@dataclasses.dataclass
class Consumer:
    file: str
    line: int
    function: str       # the enclosing function, '' at file scope
    kind: str           # 'test', 'call', or 'read' (a value: printed, stored)
    member: str         # 'mmap' or 'proc_mmap'
    text: str           # what was found, as written
    handles_prepare: str    # 'function' or 'file' when that also looks at
                            # mmap_prepare (a core already adapted), else ''
    fixed_by: str = None    # 'conversion' or 'overlay' when this run fixes it
    reach: int = 0          # converted handlers of that member that reach it

    def to_json(self):
        return dataclasses.asdict(self)


def function_at(text, pos):
    """(name, body) of the function whose body holds pos: the last '{' at
    column 0 before pos, not closed by a '}' at column 0 before pos."""
    start = None
    for m in FUNCTION_START.finditer(text, 0, pos):
        start = m.start()
    if start is None or re.search(r'^\}', text[start:pos], re.M):
        return '', ''
    end = re.compile(r'^\}', re.M).search(text, pos)
    body = text[start:end.end() if end else len(text)]
    head = text[max(0, start - 400):start]
    names = re.findall(r'\b([A-Za-z_]\w*)\s*\(', head)
    return (names[-1] if names else ''), body


def ops_pointers(text):
    """Names declared in the file as pointers to file_operations."""
    return set(re.findall(r'\bstruct\s+file_operations\s*\*\s*(?:const\s+)?([A-Za-z_]\w*)',
                          text))


def call_mmap_is_direct(kdir):
    """Does the tree's call_mmap() call f_op->mmap with no look at
    mmap_prepare (Linux 6.12), so that each of its callers is a consumer?"""
    try:
        with open(os.path.join(kdir, 'include', 'linux', 'fs.h'), errors='replace') as src:
            text = src.read()
    except OSError:
        return False
    m = re.search(r'\bint\s+call_mmap\s*\([^)]*\)\s*\{(.*?)^\}', text, re.S | re.M)
    return bool(m) and 'mmap_prepare' not in m.group(1) and 'f_op->mmap' in m.group(1)


def scan_text(name, text, direct_call_mmap=False):
    """The consumers of one file, its text given."""
    text = comments.blank_comments(text)
    found = []

    def add(pos, kind, member, what):
        function, body = function_at(text, pos)
        if function == 'call_mmap' and not direct_call_mmap:
            return
        found.append(Consumer(
            file=name, line=text.count('\n', 0, pos) + 1, function=function,
            kind=kind, member=member, text=what,
            handles_prepare=('function' if 'mmap_prepare' in body else
                             'file' if 'mmap_prepare' in text else '')))

    def kind_after(start, end):
        if re.match(r'\s*\(', text[end:]):
            return 'call'
        before = text[max(0, start - 12):start].rstrip()
        if before.endswith(('!', '&&', '||', 'if (', 'if(', 'while (')) or \
           re.match(r'\s*(&&|\|\||\?|==|!=|\))', text[end:]):
            return 'test'
        return 'read'

    for m in F_OP_MMAP.finditer(text):
        add(m.start(), kind_after(m.start(), m.end()), 'mmap', m.group(0))
    for m in PROC_MMAP.finditer(text):
        add(m.start(), kind_after(m.start(), m.end()), 'proc_mmap', m.group(0))
    pointers = ops_pointers(text)
    for m in OPS_MMAP.finditer(text):
        if m.group(1) in pointers and m.group(1) != 'f_op':
            add(m.start(), kind_after(m.start(), m.end()), 'mmap', m.group(0))
    if direct_call_mmap:
        for m in CALL_MMAP.finditer(text):
            function, _ = function_at(text, m.start())
            if function != 'call_mmap' and not re.search(r'\bint\s+$', text[:m.start()]):
                add(m.start(), 'call', 'mmap', 'call_mmap()')
    found.sort(key=lambda c: c.line)
    return found


def scan(kdir, paths=()):
    """Every consumer in the C files and headers under PATHs of KDIR."""
    scope = tree.relative_paths(kdir, paths) if paths else ['.']
    direct = call_mmap_is_direct(kdir)
    found = []
    for name in tree.files_matching(kdir, SEARCH, scope):
        if name.startswith(('tools/', 'Documentation/')):
            continue    # user-space copies of the kernel's headers
        with open(os.path.join(kdir, name), errors='replace') as src:
            found += scan_text(name, src.read(), direct)
    return found


def settle(found, entries, members, diffs, overlay):
    """Fill in what reaches each consumer and what fixes it.  entries are
    the audit's handlers, members its census; diffs maps a file to the
    conversion's diff of it; overlay is the text of the API overlay when
    builds add it, else None."""
    proc = {(m.file, m.detail) for m in members
            if m.account == 'handler' and m.struct == 'proc_ops'}
    converted = [e for e in entries if e.family.startswith('converted:')]
    reach = {
        'proc_mmap': sum((e.file, e.handler) in proc for e in converted),
        'mmap': sum((e.file, e.handler) not in proc for e in converted),
    }
    mended = overlay_files(overlay) if overlay else set()
    for c in found:
        c.reach = reach[c.member]
        removed, added = changed_lines(diffs.get(c.file, ''))
        if c.line in removed and c.text not in added:
            c.fixed_by = 'conversion'
        elif c.file in mended or (c.text == 'call_mmap()' and overlay
                                  and 'call_mmap' in overlay):
            c.fixed_by = 'overlay'
    return found


def overlay_files(patch):
    return set(re.findall(r'^diff --git a/(\S+) ', patch, re.M))


def changed_lines(diff):
    """(numbers of the lines a unified diff removes, the text it adds)."""
    removed, added = set(), []
    line = 0
    for row in diff.split('\n'):
        hunk = re.match(r'@@ -(\d+)', row)
        if hunk:
            line = int(hunk.group(1))
        elif not line:
            continue    # the file header, before the first hunk
        elif row.startswith('-'):
            removed.add(line)
            line += 1
        elif row.startswith('+'):
            added.append(row[1:])
        elif line:
            line += 1
    return removed, '\n'.join(added)
