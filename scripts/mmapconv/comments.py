"""Comments that follow a converted function, which spatch cannot rewrite.

A semantic patch matches comments but does not change them, so after the
conversion the kernel-doc above `foo_mmap_prepare(struct vm_area_desc
*desc)` still says `foo_mmap` and documents `@file` and `@vma`: W=1 warns
about both, and a reviewer sends it back.  convert.py therefore finishes
each converted file here: in the comment right above a renamed function,
the old name becomes the new one (`file_operations::mmap` too), the
removed parameters' entries go, and the VMA's becomes `@desc: describing
what to map` (upstream's words; the name is the one the new header gives
the desc, `vma_desc` where the function already used `desc`); elsewhere
in the file, a comment that names the old function with `()` names the
new one, once no code uses the old name.
"""

import re

# the parameter a converted function names its desc with
DESC_PARAM = re.compile(r'\bstruct\s+vm_area_desc\s*\*\s*(\w+)')

# the first line of a function header the conversion added or removed
ADDED_NAME = re.compile(r'^\+.*?\b([A-Za-z_]\w*)\s*\(')
REMOVED_NAME = re.compile(r'^-.*?\b([A-Za-z_]\w*)\s*\(')
COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)


def blank_comments(text):
    """Comments replaced by spaces, newlines kept: offsets and lines stay."""
    return COMMENT.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text)


class Rename:
    """One function the diff renamed to take a desc: its old and new names,
    the parameters it lost and the name of the desc."""

    def __init__(self, old, new, lost, vma, desc):
        self.old, self.new, self.lost, self.vma, self.desc = old, new, lost, vma, desc

    def __repr__(self):
        return 'Rename(%s -> %s, lost %s, vma %s)' % (self.old, self.new, self.lost, self.vma)


def renames(diff):
    """The functions a file's diff made take a desc: a removed header line
    naming OLD( and an added one naming NEW(..., struct vm_area_desc *, NEW
    being OLD (a helper) or OLD with _prepare added (at the end, or after
    its mmap)."""
    removed, found = [], {}
    rows = diff.split('\n')
    for i, row in enumerate(rows):
        if row.startswith('-') and not row.startswith('---'):
            removed.append(i)
        m = ADDED_NAME.match(row)
        if not m:
            continue
        desc = DESC_PARAM.search(header_text(rows, i, '+'))
        if not desc:
            continue
        new = m.group(1)
        for j in reversed(removed):
            old = REMOVED_NAME.match(rows[j])
            if old and (new in prepare_names(old.group(1)) or new == old.group(1)):
                params = header_text(rows, j, '-')
                vma = re.search(r'struct\s+vm_area_struct\s*\*\s*(\w+)', params)
                lost = re.findall(r'struct\s+file\s*\*\s*(\w+)', params)
                if vma and new not in found:
                    found[new] = Rename(old.group(1), new, lost, vma.group(1), desc.group(1))
                break
    return list(found.values())


def prepare_names(old):
    """The names the conversion may give old: NAME_prepare for a handler;
    for a helper, what mmap_to_prepare.cocci's helper_prepare_name gives."""
    parts = old.split('_')
    names = {old + '_prepare'}
    if 'mmap' in parts:
        names.add('_'.join(parts[:parts.index('mmap') + 1] + ['prepare'] +
                           parts[parts.index('mmap') + 1:]))
    if 'vma' in parts:
        names.add('_'.join('desc' if p == 'vma' else p for p in parts))
    return names


def header_text(rows, start, sign):
    """The lines marked sign of a function header, rows[start] to its ')'."""
    text = ''
    for row in rows[start:start + 6]:
        if not row.startswith(sign):
            break
        text += row[1:] + '\n'
        if ')' in row:
            break
    return text


def code_names(text):
    """Identifiers used in text outside comments and strings."""
    code = COMMENT.sub(' ', text)
    code = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', code)
    return set(re.findall(r'[A-Za-z_]\w*', code))


def comment_above(text, new):
    """(start, end) of the comment that ends on the line right above the
    definition of new, or None."""
    m = re.search(r'^[^\n;{}]*\b%s\s*\([^;{]*?\bstruct\s+vm_area_desc\b[^;{]*\{' % re.escape(new),
                  text, re.M)
    if not m:
        return None
    above = text.rfind('\n', 0, m.start())
    before = text[:above if above >= 0 else 0].rstrip(' \t')
    if before.endswith('\n') or re.search(r'\*/[ \t]*\n[ \t]*$', before):
        before = before.rstrip(' \t\n')   # one blank line between (gfs2, opal-prd)
        if text[len(before):m.start()].count('\n') > 2:
            return None
    if not before.endswith('*/'):
        return None
    start = before.rfind('/*')
    if start < 0 or '\n\n' in before[start:]:
        return None
    return start, len(before)


ENTRY = re.compile(r'^(\s*\*\s*)@(\w+)\s*:')
# a line that continues the entry above it: indented past the "* "
CONTINUATION = re.compile(r'^\s*\*(\t|\s{2,})\s*[^\s@]')


def rewrite_doc(block, r):
    """The comment block above r.new, following the rename."""
    block = re.sub(r'\b%s\b' % re.escape(r.old), r.new, block)
    block = re.sub(r'\bfile_operations::mmap\b(?!_)', 'file_operations::mmap_prepare', block)
    out, dropping = [], False
    for line in block.split('\n'):
        entry = ENTRY.match(line)
        if entry and entry.group(2) in r.lost:
            dropping = True
        elif entry and entry.group(2) == r.vma:
            out.append('%s@%s: describing what to map' % (entry.group(1), r.desc))
            dropping = True
        elif dropping and not entry and CONTINUATION.match(line):
            pass
        else:
            dropping = False
            out.append(line)
    return '\n'.join(out)


def follow_renames(text, found):
    """text (a converted file) with its comments following the renames."""
    for r in found:
        span = comment_above(text, r.new)
        if span:
            start, end = span
            text = text[:start] + rewrite_doc(text[start:end], r) + text[end:]
        if r.old in code_names(text):
            continue
        text = COMMENT.sub(lambda m: re.sub(r'\b%s\(\)' % re.escape(r.old), r.new + '()',
                                            m.group(0)), text)
    return text
