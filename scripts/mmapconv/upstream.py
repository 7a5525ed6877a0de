"""The conversion of a tree against how upstream converted the same
handlers by hand in a later tree (the `compare` subcommand).

A handler is found in the later tree through its initializer: the same
ops variable, in the same file or, when it moved, wherever the later tree
defines it.  Its prepare hook there is compared with ours token by token,
comments and layout aside, so what differs is what a reviewer would see.
The later tree also changed the code around the conversion; the diff
shows that too, which is why the verdict is a similarity, not a score.
"""

import difflib
import os
import re

from . import comments
from . import csource
from . import convert as conv
from . import target as tgt
from . import tree
from .statuses import converted

TOKEN = re.compile(r'\w+|\S')
PREPARE_MEMBER = re.compile(r'\.(?:proc_)?mmap_prepare\s*=\s*(\w+)')
MMAP_MEMBER = re.compile(r'\.(?:proc_)?mmap\s*=\s*(\w+)')

# verdicts, in the order the report lists them
SAME = 'same'
DIFFERS = 'differs'
UPSTREAM_ONLY = 'upstream only'
OURS_ONLY = 'ours only'
NEITHER = 'neither'
GONE = 'gone'
VERDICTS = (SAME, DIFFERS, UPSTREAM_ONLY, OURS_ONLY, NEITHER, GONE)


def initializer(source, variable):
    """The body of the initializer of the ops variable, or None."""
    m = re.search(r'\b%s\s*(?:\[[^\]]*\])?\s*=\s*\{' % re.escape(variable), source)
    end = m and csource.block_end(source, m.end())
    return source[m.end():end - 1] if end else None


def tokens(text):
    return TOKEN.findall(comments.blank_comments(text))


def hooks(source, variable):
    """(prepare hook, mmap hook) the initializer of variable installs;
    None for either it lacks, and (None, None) without an initializer."""
    body = initializer(source, variable) if source is not None else None
    if body is None:
        return None, None
    body = comments.blank_comments(body)
    prepare, mmap = PREPARE_MEMBER.search(body), MMAP_MEMBER.search(body)
    return prepare and prepare.group(1), mmap and mmap.group(1)


def read(path):
    try:
        with open(path, errors='replace') as src:
            return src.read()
    except OSError:
        return None


class Row:
    """One handler of the earlier tree, beside the later tree."""

    def __init__(self, handler, verdict, ours=None, theirs=None, where=None):
        self.handler = handler
        self.verdict = verdict
        self.ours, self.theirs = ours, theirs      # prepare definitions
        self.where = where                          # the later tree's file
        self.similarity = None
        if ours is not None and theirs is not None:
            self.similarity = difflib.SequenceMatcher(
                None, tokens(ours), tokens(theirs), autojunk=False).ratio()

    def diff(self):
        return ''.join(difflib.unified_diff(
            self.ours.splitlines(True), self.theirs.splitlines(True),
            'ours/' + self.handler.file, 'upstream/' + self.where))


def later_file(later, paths, variable):
    """The later tree's file that initializes the ops variable: one of
    paths, or the one C file that initializes a variable of that name."""
    for path in paths:
        if initializer(read(os.path.join(later, path)) or '', variable) is not None:
            return path
    found = [p for p in tree.files_matching(later, r'\b%s\s*(\[[^]]*\])?\s*=\s*\{'
                                            % re.escape(variable))
             if p.endswith('.c')]
    return found[0] if len(found) == 1 else None


def hook_definition(texts, variable):
    """(prepare hook, its definition or None) of the ops variable across
    texts ({path: text}: the files of a handler)."""
    for text in texts.values():
        prepare, _ = hooks(text, variable)
        if prepare:
            return prepare, next((d.text for d in (csource.definition(t, prepare)
                                                   for t in texts.values()) if d), None)
    return None, None


def compare_handler(h, texts, kdir, later):
    """The Row of handler h, given our converted texts ({path: text} of
    the files the conversion changed) and the later tree."""
    variable = next((f.rstrip('[]') for f in h.fops if re.match(r'^\w+(\[\])?$', f)), None)
    paths = [h.file] + list(h.together)
    where = variable and later_file(later, paths, variable)
    if not where:
        return Row(h, GONE)
    theirs_texts = {p: t for p, t in ((p, read(os.path.join(later, p)))
                                      for p in dict.fromkeys([where] + paths)) if t}
    their_prepare, theirs = hook_definition(theirs_texts, variable)
    our_prepare = ours = None
    if converted(h.status):
        ours_texts = {p: texts.get(p) or read(os.path.join(kdir, p)) or '' for p in paths}
        our_prepare, ours = hook_definition(ours_texts, variable)
    if our_prepare and their_prepare:
        if ours is None or theirs is None:
            # a hook defined elsewhere (generic_file_mmap_prepare): its name
            # is what there is to compare
            ours = ours or installs(our_prepare)
            theirs = theirs or installs(their_prepare)
        return Row(h, SAME if tokens(ours) == tokens(theirs) else DIFFERS, ours, theirs, where)
    if their_prepare:
        return Row(h, UPSTREAM_ONLY, where=where)
    return Row(h, OURS_ONLY if our_prepare else NEITHER, where=where)


def installs(hook):
    return '.mmap_prepare = %s (defined in another file)\n' % hook


def compare(kdir, later, jobs=2, timeout=120, cache_dir=None, target=None):
    """Convert kdir for the API of the later tree (or target) and compare
    each handler with the later tree: (rows, target)."""
    tree.check_kernel_tree(later)
    target = target or tgt.detect(later)
    handlers, diffs, _, _ = conv.convert(kdir, jobs=jobs, timeout=timeout,
                                         cache_dir=cache_dir, target=target)
    texts = {path: data.decode('utf-8', 'surrogateescape') for path, data in
             conv.new_contents(kdir, ''.join(diffs[p] for p in sorted(diffs))).items()}
    rows = [compare_handler(h, texts, kdir, later)
            for h in sorted(handlers, key=lambda h: (h.file, h.line))]
    return rows, target


def markdown(rows, kdir, later, target):
    """The comparison as a Markdown page."""
    count = {v: sum(r.verdict == v for r in rows) for v in VERDICTS}
    out = ['# %s converted, against %s by hand' % (os.path.basename(kdir.rstrip('/')),
                                                   os.path.basename(later.rstrip('/'))), '',
           'Target: %s. Each handler of the earlier tree is found in the later one by '
           'its ops initializer; "same" means the prepare hooks are token for token '
           'equal (comments and layout aside), "differs" gives the similarity of '
           'their tokens and the diff from ours to upstream\'s, which also shows what '
           'upstream changed around the conversion.' % target.describe(), '',
           '| verdict | handlers |', '|---|---:|']
    out += ['| %s | %d |' % (v, count[v]) for v in VERDICTS]
    out += ['| total | %d |' % len(rows), '']
    both = [r for r in rows if r.verdict in (SAME, DIFFERS)]
    if both:
        out += ['## Converted by both', '', '| file | handler | verdict | similarity |',
                '|---|---|---|---:|']
        out += ['| %s | %s | %s | %s |' % (r.handler.file, r.handler.handler, r.verdict,
                                           '-' if r.similarity is None else
                                           '%d%%' % round(100 * r.similarity)) for r in both]
        out.append('')
    missed = [r for r in rows if r.verdict == UPSTREAM_ONLY]
    if missed:
        out += ['## Converted upstream only', '',
                'What upstream did by hand that the toolkit left alone, and why it did.',
                '', '| file | handler | our status | why |', '|---|---|---|---|']
        out += ['| %s | %s | %s | %s |' % (r.handler.file, r.handler.handler, r.handler.status,
                                           r.handler.reason.replace('|', '\\|'))
                for r in missed]
        out.append('')
    ahead = [r for r in rows if r.verdict == OURS_ONLY]
    if ahead:
        out += ['## Converted by the toolkit only', '', '| file | handler | status |',
                '|---|---|---|']
        out += ['| %s | %s | %s |' % (r.handler.file, r.handler.handler, r.handler.status)
                for r in ahead]
        out.append('')
    gone = [r for r in rows if r.verdict == GONE]
    if gone:
        out += ['## Not found upstream', '',
                'The later tree initializes no ops variable of the name (removed, '
                'renamed or defined by a macro).', '', '| file | handler | ops |',
                '|---|---|---|']
        out += ['| %s | %s | %s |' % (r.handler.file, r.handler.handler,
                                      ', '.join(r.handler.fops)) for r in gone]
        out.append('')
    differs = [r for r in rows if r.verdict == DIFFERS]
    if differs:
        out += ['## Differences', '']
        for r in sorted(differs, key=lambda r: -r.similarity):
            out += ['### %s: %s (%d%%)' % (r.handler.file, r.handler.handler,
                                           round(100 * r.similarity)), '',
                    '```diff', r.diff().rstrip('\n'), '```', '']
    return '\n'.join(out)
