"""Handlers defined in one file and installed from others.

The semantic patches see one file at a time, so nfs_file_mmap, defined in
fs/nfs/file.c, declared in fs/nfs/internal.h and installed from
fs/nfs/nfs4file.c, is blocked:external where it is installed.  Upstream
converts such a handler with everything that names it, in one patch.  So
does convert.py, in two more runs of the semantic patches:

1. the file that defines the handler, with an initializer appended to a
   scratch copy, so that the semantic patches see it as the handler it is
   and say what it becomes;
2. when it becomes a single mmap_prepare (converted:prepare, or an action
   in mainline), every other file that names it (initializers, prototypes
   in headers), with a stand-in definition appended, so that the same rules
   rename its prototypes and rewire its initializers.

What was appended is cut from the results.  The group is converted only if
afterwards no code of those files names the old function; otherwise, or
when the handler needs more than one hook, every file of the group stays as
it was and the handler is reported with the reason.  A handler installed
from files of several folders is a subsystem helper (drm_gem_mmap):
blocked:delegates, to be given a prepare form by its owners.
"""

import os
import re
import tempfile

from . import comments
from . import guard
from . import statuses
from . import tree

MARK = '/* mmap-convert: stand-ins for the files of a cross-file handler */'
# an external handler installed from more folders than this is a subsystem
# helper that its maintainers give a prepare form first
MAX_FOLDERS = 2
SINGLE_HOOK = (statuses.PREPARE, statuses.ACTION)


def named_in(kdir, name):
    """The kernel's files that name name: tools/ holds user-space programs
    (their own io_uring_mmap, say), which no kernel function reaches."""
    return sorted(p for p in tree.files_matching(kdir, re.escape(name), word=True)
                  if not p.startswith(('tools/', 'Documentation/')))


def definitions(kdir, name, linkage='external'):
    """Files of KDIR that define name with external linkage (the return
    type may stand on the line above, as in fs/nfs/file.c), or with
    linkage='static', a static function of that name."""
    pattern = re.compile(r'^((?:[A-Za-z_][^;{}()\n]*)?)\b%s\s*\([^;{)]*\)\s*\{'
                         % re.escape(name), re.M)
    found = []
    for path in named_in(kdir, name):
        if linkage == 'external' and not path.endswith('.c'):
            continue
        with open(os.path.join(kdir, path), errors='replace') as src:
            text = src.read()
        for m in pattern.finditer(text):
            line_above = text[:m.start()].rstrip('\n').rsplit('\n', 1)[-1]
            head = m.group(1) if m.group(1).strip() else line_above
            if bool(re.search(r'\bstatic\b', head)) == (linkage == 'static'):
                found.append(path)
                break
    return found


def stand_in_initializer(name, kind):
    struct, member = ('proc_ops', 'proc_mmap') if kind == 'proc_mmap' else \
        ('file_operations', 'mmap')
    return ('\n%s\nstatic const struct %s mmap_convert_stand_in_%s = {\n\t.%s = %s,\n};\n'
            % (MARK, struct, name, member, name))


def stand_in_definition(name, kind):
    """A definition and an initializer: a header has no initializer of
    its own for the semantic patches to start from."""
    return ('\n%s\nint %s(struct file *file, struct vm_area_struct *vma)\n{\n\treturn 0;\n}\n'
            % (MARK, name) + stand_in_initializer(name, kind).replace('\n' + MARK, '', 1))


def cut_stand_ins(text):
    k = text.find('\n' + MARK)
    return text if k < 0 else text[:k] + ('\n' if not text[:k].endswith('\n') else '')


class Group:
    """One external handler, its definition and the files that name it."""

    def __init__(self, name, entries):
        self.name = name
        self.entries = entries          # the blocked:external handlers, one per file
        self.definition = None
        self.users = []
        self.kind = 'proc_mmap' if any('proc_mmap' in e.reason for e in entries) else 'mmap'

    @property
    def fops(self):
        return sorted({f for e in self.entries for f in e.fops})


def groups(handlers):
    """External handlers by name, from the first run's verdicts."""
    found = {}
    for h in handlers:
        if h.status == statuses.EXTERNAL and 'defined in another file' in h.reason:
            found.setdefault(h.handler, Group(h.handler, []))
            found[h.handler].entries.append(h)
    return list(found.values())


def refuse(group, status, reason):
    for e in group.entries:
        e.status, e.reason = status, reason


def plan(kdir, group):
    """Find the definition and the users; False (with the entries' reason
    said) when the group cannot be converted together."""
    folders = {os.path.dirname(e.file) for e in group.entries}
    if len(folders) > MAX_FOLDERS:
        refuse(group, '%s(%s)' % (statuses.DELEGATES, group.name),
               '%s, installed from %d folders (%s, ...), is a subsystem helper: give it '
               'a prepare form first' % (group.name, len(folders), sorted(folders)[0]))
        return False
    defs = definitions(kdir, group.name)
    if len(defs) != 1:
        reason = ('%s is defined in %s; convert them by hand, with every initializer '
                  'that installs it' % (group.name, ', '.join(defs)) if defs else
                  '%s is defined in another file, which the tree does not show; convert '
                  'it there, with every initializer that installs it' % group.name)
        refuse(group, statuses.EXTERNAL, reason)
        return False
    group.definition = defs[0]
    group.users = [p for p in named_in(kdir, group.name) if p != group.definition]
    # a file with a static function of that name means another function:
    # the stand-in definition would rename it too
    own = [p for p in definitions(kdir, group.name, 'static') if p in group.users]
    if own:
        refuse(group, statuses.EXTERNAL,
               '%s is defined in %s, and %s has a static function of the same name; '
               'convert them by hand' % (group.name, group.definition, ', '.join(own)))
        return False
    return True


def run_with(kdir, files, appendix, run):
    """run(folder, files) on scratch copies of KDIR's files with
    appendix[path] appended; its (handlers, {path: new text}, errors), the
    stand-ins cut from the texts and the handlers on the tree's paths."""
    from . import convert as conv
    with tempfile.TemporaryDirectory(prefix='mmap-convert-') as scratch:
        names = guard.stage(kdir, files, scratch)
        staged = {path: name for name, path in names.items()}
        for path, text in appendix.items():
            with open(os.path.join(scratch, staged[path]), 'a') as out:
                out.write(text)
        handlers, diffs, errors = run(scratch, sorted(names))
        texts = {}
        for name, path in names.items():
            if name in diffs:
                new = conv.new_contents(scratch, diffs[name])[name]
                texts[path] = cut_stand_ins(new.decode('utf-8', 'surrogateescape'))
    for h in handlers:
        h.file = names.get(h.file, h.file)
    return handlers, texts, {names.get(p, p): why for p, why in errors.items()}


def clusters(groups):
    """Groups that share a file convert in one run, or the second would
    start from files the first changed."""
    out = []
    for g in groups:
        files = {g.definition} | set(g.users)
        joined = [c for c in out if c[1] & files]
        for c in joined:
            out.remove(c)
        out.append(([g] + [x for c in joined for x in c[0]],
                    files.union(*(c[1] for c in joined))))
    return [c[0] for c in out]


def first_pass(kdir, groups, run):
    """The definitions with a stand-in initializer for each handler: the
    verdict of each, and the texts of the definition files."""
    appendix = {}
    for g in groups:
        appendix[g.definition] = appendix.get(g.definition, '') + \
            stand_in_initializer(g.name, g.kind)
    handlers, texts, errors = run_with(kdir, sorted(appendix), appendix, run)
    verdicts = {}
    for g in groups:
        mine = [h for h in handlers if h.file == g.definition and h.handler == g.name]
        if g.definition in errors or not mine:
            verdict = g.entries[0]
            verdict.reason = ('%s is defined in %s, which spatch could not analyse; '
                              'convert it there by hand' % (g.name, g.definition))
        else:
            verdict = mine[0]
            verdict.fops = g.fops
        verdicts[g.name] = verdict
    return verdicts, texts, handlers


def second_pass(kdir, groups, run):
    """Every other file that names the handlers, with a stand-in definition
    of each: the texts, and the handlers the files have of their own."""
    appendix = {}
    for g in groups:
        for path in g.users:
            appendix[path] = appendix.get(path, '') + stand_in_definition(g.name, g.kind)
    handlers, texts, errors = run_with(kdir, sorted(appendix), appendix, run)
    names = {g.name for g in groups}
    left = {}
    for g in groups:
        for path in g.users:
            if path in errors or path not in texts or \
               g.name in comments.code_names(texts[path]):
                left[g.name] = path
    return texts, [h for h in handlers if h.handler not in names], left


def convert_cluster(kdir, groups, run):
    """Convert the handlers of a cluster that can be: ({name: verdict},
    {path: new text}, other handlers of the files, the groups converted).
    A handler that cannot is taken out and the rest run again, so that no
    file keeps half of it."""
    names = {g.name for g in groups}
    verdicts = {}
    todo = list(groups)
    while todo:
        found, texts, handlers = first_pass(kdir, todo, run)
        keep = []
        for g in todo:
            v = found[g.name]
            where = ', '.join(sorted({e.file for e in g.entries}))
            if not v.converted:
                v.reason += ' (%s is installed from %s)' % (g.name, where)
            elif v.status not in SINGLE_HOOK:
                v.status = statuses.EXTERNAL
                v.reason = ('%s, installed from %s, would be split into hooks those '
                            'files must name; convert them together by hand' % (g.name, where))
            else:
                keep.append(g)
            verdicts[g.name] = v
        if len(keep) < len(todo):
            todo = keep
            continue
        user_texts, others, left = second_pass(kdir, todo, run)
        if left:
            for name, path in left.items():
                v = verdicts[name]
                v.status = statuses.EXTERNAL
                v.reason = ('%s is named in %s in a way the conversion cannot rename with '
                            'it; convert them together by hand' % (name, path))
            todo = [g for g in todo if g.name not in left]
            continue
        texts.update(user_texts)
        others = [h for h in others + handlers if h.handler not in names]
        for g in todo:
            verdicts[g.name].reason += '; with %s' % ', '.join(g.users)
        return verdicts, texts, others, todo
    return verdicts, {}, [], []


def convert_all(kdir, handlers, diffs, run, text_diff):
    """Convert every external handler of the first run's verdicts with the
    files that name it.  handlers and diffs are updated in place;
    text_diff(path, text) is the diff of KDIR/path to text.  Returns the
    names converted this way, whose users are converted with them."""
    together = set()
    planned = [g for g in groups(handlers) if plan(kdir, g)]
    for cluster in clusters(planned):
        verdicts, texts, others, done = convert_cluster(kdir, cluster, run)
        files = set(texts)
        stale = {id(e) for g in cluster for e in g.entries}
        mine = {(g.definition, g.name) for g in cluster}
        handlers[:] = [h for h in handlers if id(h) not in stale and
                       (h.file, h.handler) not in mine and h.file not in files]
        handlers.extend(verdicts.values())
        handlers.extend(others)
        for path in files:
            diffs[path] = text_diff(path, texts[path])
        for g in done:
            verdicts[g.name].together = sorted({g.definition} | set(g.users))
            together.add(g.name)
    handlers.sort(key=lambda h: (h.file, h.line, h.handler))
    return together
