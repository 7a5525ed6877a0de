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
from . import csource
from . import guard
from . import statuses
from . import tree
from . import verdicts

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


def run_with(kdir, files, appendix, run, cut=True):
    """run(folder, files) on scratch copies of KDIR's files with
    appendix[path] appended; its (handlers, {path: new text}, errors), the
    stand-ins cut from the texts (unless not cut: helpers are read from
    after their marks) and the handlers on the tree's paths."""
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
                new = new.decode('utf-8', 'surrogateescape')
                texts[path] = cut_stand_ins(new) if cut else new
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


# ---------------------------------------------------------------------------
# VMA helpers defined in another file.  ext4 and xfs pass their VMA to
# daxdev_mapping_supported(), a static inline of include/linux/dax.h with
# one definition per configuration; the semantic patches, seeing one file,
# cannot follow it.  Were it in the handler's file, the helper rules would
# convert it in place to take the desc.  So each caller's file is run with
# the helper's definitions appended, and the converted definitions are put
# back where they stand; a header that declares a non-static helper gets
# the definitions and a stand-in handler calling it, so that the same
# rules rewrite its prototype.  Upstream converted dax.h with ext4 and xfs
# in one patch: all of it, or none.

HELPER_MARK = '/* mmap-convert: helper %s, definition %d */'
# the reasons of use_blocker() that name a function the VMA is passed to
HELPER_USE = re.compile(r'^blocked:(?:unknown-vma-use|delegates)\((\w+)\)$')
DEFINITION = r'^((?:[A-Za-z_][^;{}()\n#]*)?)\b%s\s*\(([^;{)]*)\)\s*\{'


class Helper:
    """A function of another file that converted handlers pass their VMA to."""

    def __init__(self, name, entries):
        self.name = name
        self.entries = entries          # the handlers blocked on it
        self.definition = None          # the file that defines it
        self.spans = []                 # (start, end) of each definition there
        self.vma_index = 0              # which argument is the VMA
        self.callers = []               # the handlers' files
        self.headers = []               # files that only declare it

    def refuse(self, reason):
        for e in self.entries:
            e.reason = reason


def helper_groups(handlers):
    """Handlers blocked because they pass their VMA to a function of no
    file of theirs, by that function."""
    found = {}
    for h in handlers:
        m = HELPER_USE.match(h.status)
        if m and re.search(r'(passes|hands) the VMA to %s\(\)' % m.group(1), h.reason):
            found.setdefault(m.group(1), Helper(m.group(1), [])).entries.append(h)
    return list(found.values())


def code_text(text):
    """text with comments, strings and preprocessor lines blanked (offsets
    kept), and where the preprocessor lines were."""
    code = comments.blank_comments(text)
    code = re.sub(r'"(?:\\.|[^"\\\n])*"', lambda m: ' ' * len(m.group(0)), code)
    directives = []
    for m in re.finditer(r'^[ \t]*#(?:[^\n]*\\\n)*[^\n]*', code, re.M):
        directives.append((m.start(), m.end()))
    for start, end in directives:
        code = code[:start] + re.sub(r'[^\n]', ' ', code[start:end]) + code[end:]
    return code, directives


def function_spans(code, name):
    """(start, end, parameters) of each definition of name in code: from
    the start of the line with its return type (the line above when the
    name starts its line, as in xfs) to its closing brace."""
    spans = []
    for m in re.finditer(DEFINITION % re.escape(name), code, re.M):
        start = m.start()
        if not m.group(1).strip():
            start = code.rfind('\n', 0, max(m.start() - 1, 0)) + 1
        end = csource.block_end(code, m.end())
        if end is None:
            return []
        head = code[start:m.start()] + m.group(0)
        spans.append((start, end, m.group(2), bool(re.search(r'\bstatic\b', head))))
    return spans


def enclosing(code, offset):
    """The function whose body holds offset, '' at the top level, None in
    an initializer or anything else that is not a function body."""
    depth, top = 0, None
    for i in range(offset):
        if code[i] == '{':
            if depth == 0:
                top = i
            depth += 1
        elif code[i] == '}':
            depth -= 1
    if depth == 0:
        return ''
    head = code[:top].rstrip()
    k = max(head.rfind(';'), head.rfind('}')) + 1
    m = re.search(r'\b([A-Za-z_]\w*)\s*\([^;{}=]*\)\s*$', head[k:])
    return m.group(1) if m and '=' not in head[k:m.start() + k] else None


def uses(code, name):
    """The offsets at which code names name."""
    return [m.start() for m in re.finditer(r'\b%s\b' % re.escape(name), code)]


def vma_index(params):
    parts = [p.strip() for p in params.split(',')]
    found = [i for i, p in enumerate(parts) if re.search(r'\bstruct\s+vm_area_struct\s*\*', p)]
    return found[0] if len(found) == 1 else None


def plan_helper(kdir, helper, texts):
    """Find the definitions, callers and declarations of a helper; False
    with the reason said when its handlers cannot convert with it, None
    when it is not a helper of this kind (defined nowhere in the tree, or
    called from more folders than a driver's: its blocked status stands)."""
    name = helper.name
    files = [p for p in sorted(texts) if name in texts[p][2]]
    defs = {p: function_spans(texts[p][0], name) for p in files}
    defs = {p: s for p, s in defs.items() if s}
    if not defs:
        return None
    mine = {e.file for e in helper.entries}
    if any(p in mine for p in defs):
        return None             # a helper of the handler's own file
    callers = [p for p in files if p not in defs and p.endswith('.c')]
    if len({os.path.dirname(p) for p in callers}) > MAX_FOLDERS:
        return None
    where = ', '.join(sorted(defs))
    if len(defs) > 1:
        statics = [p for p in defs if all(s[3] for s in defs[p])]
        helper.refuse('%s() is defined in %s%s; convert it by hand, with every caller'
                      % (name, where, ' (%s: a static namesake)' % ', '.join(statics)
                         if statics else ''))
        return False
    path, spans = next(iter(defs.items()))
    header = path.endswith('.h')
    if header and not all(s[3] for s in spans) or not header and \
       (len(spans) != 1 or spans[0][3]):
        helper.refuse('%s() is defined in %s in a way the conversion does not follow '
                      '(a header\'s static inline, or one non-static definition); convert '
                      'it by hand, with every caller' % (name, path))
        return False
    indexes = {vma_index(s[2]) for s in spans}
    if len(indexes) != 1 or None in indexes:
        helper.refuse('%s() of %s takes its VMA at different places in its definitions; '
                      'convert it by hand, with every caller' % (name, path))
        return False
    helper.definition, helper.spans, helper.vma_index = path, spans, indexes.pop()
    # its own helpers are not appended with it: one that takes the VMA on
    # stops it here, where the reason can name it
    code = texts[path][0]
    for start, end, params, _ in spans:
        vma = re.search(r'\*\s*(\w+)\s*$', params.split(',')[helper.vma_index]).group(1)
        for m in re.finditer(r'\b(\w+)\s*\(([^;]*?)\)\s*[;)]', code[start:end]):
            if m.group(1) != name and re.search(r'\b%s\b' % vma, m.group(2)) and \
               function_spans(code, m.group(1)):
                helper.refuse('%s() of %s passes the VMA to %s() of the same file, which '
                              'the conversion does not follow across files; convert them '
                              'by hand, with every caller' % (name, path, m.group(1)))
                return False
    # a handler other files name would be renamed under them
    for e in helper.entries:
        if not verdicts.is_static(texts[e.file][3], e.handler):
            users = [p for p in named_in(kdir, e.handler) if p != e.file]
            if users:
                helper.refuse('%s() of %s could take the desc with %s, but %s is not static '
                              'and is used in %s; convert those users together with it'
                              % (name, path, e.handler, e.handler, ', '.join(users[:3])))
                return False
    # every other use: a prototype, its export, or a call in a handler
    # blocked on it; anything else keeps a VMA the helper no longer takes
    for p in files:
        code, directives = texts[p][:2]
        inside = [(s[0], s[1]) for s in defs.get(p, [])]
        # the handlers, and the same-file helpers that hand their VMA on
        # (the reason names the function that does)
        handlers = {w for e in helper.entries if e.file == p
                    for w in (e.handler, e.reason.split(' ', 1)[0])}
        declares = False
        for k in uses(code, name):
            if any(a <= k < b for a, b in inside):
                continue
            if any(a <= k < b for a, b in directives):
                what = 'a preprocessor line'
            else:
                fn = enclosing(code, k)
                line = code[code.rfind('\n', 0, k) + 1:code.find('\n', k)]
                if fn == '' and re.match(r'\s*EXPORT_SYMBOL(_GPL)?\s*\(', line) and p == path:
                    continue
                if fn == '' and re.match(r'%s\s*\([^;{}]*\)\s*;' % re.escape(name), code[k:]):
                    declares = True
                    continue
                if fn in handlers:
                    continue
                what = '%s()' % fn if fn else 'code outside a function'
            line = code.count('\n', 0, k) + 1
            helper.refuse('%s() of %s is also used by %s (%s:%d), which does not convert '
                          'with the mmap handlers that call it; give that user a desc, or '
                          'give %s() a desc form beside the VMA one, by hand'
                          % (name, path, what, p, line, name))
            return False
        if p != path and p.endswith('.h') and declares and not handlers:
            helper.headers.append(p)
        elif p != path and handlers:
            helper.callers.append(p)
    return True


def helper_appendix(kdir, helper, texts, stand_in):
    """The definitions of helper, each after a mark, and with stand_in a
    handler that passes its VMA to it (for a header that declares it)."""
    text = texts[helper.definition][3]
    out = ''
    for i, (start, end, _, _) in enumerate(helper.spans):
        out += HELPER_MARK % (helper.name, i) + '\n' + text[start:end] + '\n'
    if stand_in:
        n = len(helper.spans[0][2].split(','))
        args = ['vma' if i == helper.vma_index else '0' for i in range(n)]
        out += ('int mmap_convert_stand_in_%s(struct file *file, struct vm_area_struct *vma)\n'
                '{\n\treturn %s(%s);\n}\n' % (helper.name, helper.name, ', '.join(args)))
        out += stand_in_initializer('mmap_convert_stand_in_' + helper.name, 'mmap') \
            .replace('\n' + MARK + '\n', '', 1)
    return out


def converted_definitions(text, helper):
    """The definitions of helper as a staged file's conversion left them
    after the marks, or None when a mark is gone."""
    out = []
    for i in range(len(helper.spans)):
        mark = HELPER_MARK % (helper.name, i)
        k = text.find(mark)
        if k < 0:
            return None
        k += len(mark) + 1
        ends = [text.find(HELPER_MARK % (helper.name, i + 1), k)] + \
            [text.find(m, k) for m in ('int mmap_convert_stand_in_',
                                       '/* mmap-convert: helper ')]
        end = min([e for e in ends if e >= 0] or [len(text)])
        out.append(text[k:end].rstrip('\n'))
    return out


def new_name(definitions, name):
    m = re.search(r'\b(\w+)\s*\(', definitions[0])
    return m.group(1) if m else name


def convert_helpers(kdir, handlers, diffs, run, text_diff, busy=()):
    """Convert the handlers that pass their VMA to a helper of another file
    with it, each helper a group: all its callers, its definitions, its
    prototypes.  handlers and diffs are updated in place; busy holds files
    other groups changed, left alone here.  Returns the handlers
    converted."""
    helpers = [g for g in helper_groups(handlers)]
    if not helpers:
        return set()
    names = sorted({g.name for g in helpers})
    texts = {}
    # one search for all of them: a grep per name would cost seconds each
    for p in sorted(p for p in tree.files_matching(kdir, '|'.join(names), word=True)
                    if not p.startswith(('tools/', 'Documentation/'))):
        with open(os.path.join(kdir, p), errors='surrogateescape') as src:
            raw = src.read()
        code, directives = code_text(raw)
        texts[p] = (code, directives, set(re.findall(r'[A-Za-z_]\w*', code)), raw)
    todo = []
    for g in helpers:
        if plan_helper(kdir, g, texts) and not {g.definition, *g.callers, *g.headers} & set(busy):
            todo.append(g)
    done = set()
    while todo:
        appendix = {}
        for g in todo:
            for p in g.callers + g.headers:
                appendix[p] = appendix.get(p, '\n' + MARK + '\n') + \
                    helper_appendix(kdir, g, texts, p in g.headers)
        found, staged, errors = run_with(kdir, sorted(appendix), appendix, run, cut=False)
        keep, out = [], {}
        for g in todo:
            why = None
            versions = set()
            for p in g.callers + g.headers:
                if p in errors or p not in staged:
                    why = '%s could not be analysed with %s() in it' % (p, g.name)
                    break
                defs = converted_definitions(staged[p], g)
                versions.add(tuple(defs) if defs else None)
            bad = [h for h in found if any(h.file == e.file and h.handler == e.handler
                                           for e in g.entries) and not h.converted]
            if bad:
                why = '%s; %s() is defined in %s' % (bad[0].reason, g.name, g.definition)
                g.refuse(why)
                for e in g.entries:
                    if e.file == bad[0].file and e.handler == bad[0].handler:
                        e.status = bad[0].status
                continue
            if why is None and (len(versions) != 1 or None in versions):
                why = ('%s() of %s converts differently in its callers\' files; convert it '
                       'by hand, with every caller' % (g.name, g.definition))
            if why is None and versions.pop() == tuple(
                    texts[g.definition][3][s[0]:s[1]] for s in g.spans):
                why = '%s() of %s is left unchanged by the conversion' % (g.name, g.definition)
            if why:
                g.refuse(why)
                continue
            keep.append(g)
        if len(keep) < len(todo):
            todo = keep
            continue
        for g in todo:
            defs = converted_definitions(staged[g.callers[0]], g)
            new = new_name(defs, g.name)
            text = texts[g.definition][3]
            for (start, end, _, _), body in reversed(list(zip(g.spans, defs))):
                text = text[:start] + body + text[end:]
            if new != g.name:
                text = re.sub(r'\b(EXPORT_SYMBOL(?:_GPL)?\s*\(\s*)%s(\s*\))' % re.escape(g.name),
                              r'\g<1>%s\g<2>' % new, text)
            out[g.definition] = text
            for p in g.callers + g.headers:
                out[p] = cut_stand_ins(staged[p])
        left = [g for g in todo for p in [g.definition] + g.callers + g.headers
                if g.name != new_name(converted_definitions(staged[g.callers[0]], g), g.name)
                and g.name in comments.code_names(out[p])]
        if left:
            for g in left:
                g.refuse('%s() is named in a way the conversion cannot rename with it; '
                         'convert it by hand, with every caller' % g.name)
            todo = [g for g in todo if g not in left]
            continue
        files = set(out)
        mine = {(e.file, e.handler) for g in todo for e in g.entries}
        handlers[:] = [h for h in handlers if h.file not in files]
        for h in found:
            if h.file in files and not h.handler.startswith('mmap_convert_stand_in_'):
                if (h.file, h.handler) in mine:
                    g = next(g for g in todo if any(e.file == h.file and e.handler == h.handler
                                                   for e in g.entries))
                    h.reason += '; with %s() of %s' % (g.name, g.definition)
                    h.together = sorted({g.definition, *g.callers, *g.headers})
                    done.add(h.handler)
                handlers.append(h)
        for path in files:
            diffs[path] = text_diff(path, out[path])
        break
    handlers.sort(key=lambda h: (h.file, h.line, h.handler))
    return done

