"""The convert subcommand: run the semantic patches, write one diff."""

import os
import re
import shutil
import tempfile

from . import COCCI_DIR, UserError
from . import verdicts
from . import branches
from . import comments
from . import crossfile
from . import guard
from . import layout
from . import spatch as sp
from . import statuses
from . import target as tgt
from . import processes
from . import tree

# In the order they run: split_prefault.cocci runs on what
# mmap_to_prepare.cocci made of the files where it left a handler that
# populates page tables (needs-complete), and only there.
SEMANTIC_PATCHES = ['mmap_to_prepare.cocci', 'split_prefault.cocci']


def semantic_patches():
    return [os.path.join(COCCI_DIR, name) for name in SEMANTIC_PATCHES
            if os.path.exists(os.path.join(COCCI_DIR, name))]


# diff -u -p a/PATH b/PATH, or with both names C-quoted (guard.diff_name)
DIFF_HEADER = re.compile(r'^diff -u -p (?:a/(?P<path>.*?) b/(?P=path)|'
                         r'(?P<quoted>"a/(?:[^"\\]|\\.)*") "b/(?:[^"\\]|\\.)*")\n?$')


def split_diff(lines):
    """Unified diff lines -> {path: text} (path relative to the tree)."""
    files, current = {}, None
    for line in lines:
        m = DIFF_HEADER.match(line)
        if m:
            current = m.group('path')
            if current is None:
                current = guard.unquote(m.group('quoted'))[2:]
            files[current] = []
        if current is not None:
            files[current].append(line)
    return {path: ''.join(text) for path, text in files.items()}


def used_elsewhere(kdir, handler, path):
    """Other files that mention a non-static handler by name."""
    return [f for f in tree.files_matching(kdir, re.escape(handler), word=True) if f != path]


def check_global_handlers(kdir, handlers, diffs, together=()):
    """The semantic patch sees one file at a time; a converted handler that
    is not static may be used from another file, and renaming it there would
    break the build.  Such a file is left alone and the handler reported,
    unless crossfile converted its users with it (together)."""
    for h in handlers:
        # a generic_file_mmap swap renames nothing of the file's own
        if not h.converted or h.status == statuses.GENERIC or h.file not in diffs \
           or h.handler in together:
            continue
        with open(os.path.join(kdir, h.file), errors='replace') as src:
            if verdicts.is_static(src.read(), h.handler):
                continue
        users = used_elsewhere(kdir, h.handler, h.file)
        if not users:
            continue
        del diffs[h.file]
        h.status = statuses.CALLED_ELSEWHERE
        h.reason = ('%s is not static and is used in %s; convert those users '
                    'together with it' % (h.handler, ', '.join(users[:3])))
        for other in handlers:
            if other.file == h.file and other.converted and other is not h:
                other.status = statuses.CALLED_ELSEWHERE
                other.reason = ('left alone with %s, in the same file, which is '
                                'used from other files' % h.handler)


def convert(kdir, paths=(), jobs=2, timeout=120, cache_dir=None, target=None):
    """Run every semantic patch; return (handlers, {path: diff}, errors, nfiles).
    With cache_dir, spatch's results are kept there per file (spatch.Cache)
    and only the files not seen before go to spatch.  spatch works on
    copies of the files in a scratch folder (guard.stage).  target
    (target.Target) is the API the output is written for; by default the
    tree's own."""
    tree.check_kernel_tree(kdir)
    if target is None:
        target = tgt.detect(kdir)
    version = processes.spatch_version()
    cache = sp.Cache(cache_dir, version) if cache_dir else None
    files = tree.candidate_files(kdir, paths)
    for line in ignored_settings(kdir):
        processes.log(line)
    errors = crlf_files(kdir, files)
    with tempfile.TemporaryDirectory(prefix='mmap-convert-') as scratch:
        src = os.path.join(scratch, 'src')
        names = guard.stage(kdir, [f for f in files if f not in errors], src)
        handlers, diffs, spatch_errors = convert_staged(src, sorted(names), jobs, timeout,
                                                        cache, target.modes())
    handlers, diffs, spatch_errors = unstage(names, handlers, diffs, spatch_errors)
    errors.update(spatch_errors)

    def run(folder, names):
        return convert_staged(folder, names, jobs, timeout, cache, target.modes())

    def diff_of(path, text):
        return text_diff(kdir, path, text)

    def grouped():
        # the files converted with other files so far: each pass leaves them be
        return {p for h in handlers for p in h.together}
    together = crossfile.convert_all(kdir, handlers, diffs, run, diff_of)
    crossfile.convert_helpers(kdir, handlers, diffs, run, diff_of, grouped())
    branches.convert_all(kdir, handlers, diffs, run, diff_of, grouped())
    check_global_handlers(kdir, handlers, diffs, together)
    for path in errors:
        diffs.pop(path, None)
    drop_broken_groups(handlers, diffs)
    return handlers, finish(kdir, diffs), errors, len(files)


def drop_broken_groups(handlers, diffs):
    """A handler converted with other files (crossfile: a header, another
    file's initializer or helper) is all or nothing: when one file of its
    group lost its diff afterwards (check_global_handlers, a spatch error
    on that file), the rest of the group goes too, or the tree would not
    build; so do the other conversions in the files dropped."""
    dropped = True
    while dropped:
        dropped = False
        for h in handlers:
            group = set(h.together) | {h.file}
            lost = sorted(p for p in group if p not in diffs)
            if not h.converted or not h.together or not lost:
                continue
            for path in group:
                diffs.pop(path, None)
            dropped = True
            h.status = statuses.CALLED_ELSEWHERE
            h.reason = ('%s converts only together with %s, and %s is left alone'
                        % (h.handler, ', '.join(sorted(group - {h.file})), ', '.join(lost)))
            for other in handlers:
                if other is not h and other.converted and other.file in group and \
                   not other.together:
                    other.status = statuses.CALLED_ELSEWHERE
                    other.reason = ('left alone with %s, in the same file, which converts '
                                    'only together with other files' % h.handler)


def finish(kdir, diffs):
    """What convert.py adds to spatch's diffs, the whitespace and comments
    a semantic patch cannot write: comments follow the functions the
    conversion renamed (comments.py), then added initializer members take
    their neighbours' column (layout.py)."""
    out = {}
    for path, diff in diffs.items():
        found = comments.renames(diff)
        if found:
            diff = with_comments(kdir, path, diff, found)
        out[path] = layout.align_members(diff)
    return out


def with_comments(kdir, path, diff, found):
    new = new_contents(kdir, diff)[path].decode('utf-8', 'surrogateescape')
    fixed = comments.follow_renames(new, found)
    return diff if fixed == new else text_diff(kdir, path, fixed)


def text_diff(kdir, path, text):
    """diff -u -p of KDIR/path to text, with make coccicheck's headers."""
    with tempfile.TemporaryDirectory(prefix='mmap-convert-') as work:
        name = guard.staged_name(path)
        for side in ('a', 'b'):
            guard.stage(kdir, [path], os.path.join(work, side))
        with open(os.path.join(work, 'b', name), 'w', encoding='utf-8',
                  errors='surrogateescape') as out:
            out.write(text)
        return unified_diff(os.path.join(work, 'a', name), os.path.join(work, 'b', name), path)


# The kernel's own .cocciconfig: nothing to warn about when spatch skips it.
COCCICONFIG_USUAL = {'--timeout', '--use-gitgrep', '--use-idutils', '--jobs', '-j'}


def ignored_settings(kdir):
    """Lines that say which of KDIR's settings that run programs are not
    used: spatch never reads its .cocciconfig, and git overrides what its
    git configuration would run (processes.git_env)."""
    lines = []
    config = os.path.join(kdir, '.cocciconfig')
    try:
        with open(config, errors='replace') as src:
            words = [w for line in src if '=' in line and line.split('=')[0].strip() == 'options'
                     for w in line.split('=', 1)[1].split()]
    except OSError:
        words = []
    if processes.VERBOSE and os.path.exists(config) or \
       any(w.startswith('-') and w not in COCCICONFIG_USUAL for w in words):
        lines.append('%s: not read: spatch runs in a scratch folder with this '
                     "toolkit's options only" % config)
    if processes.is_git_tree(kdir):
        ignored = processes.git_ignored(kdir)
        if ignored:
            lines.append('%s: git runs without the programs its git configuration '
                         'names (%s)' % (kdir, ', '.join(ignored)))
    return lines


def crlf_files(kdir, files):
    """{path: why} for the files with CRLF line ends: spatch's diff of
    them would not apply, so they are named and left alone."""
    found = {}
    for path in files:
        with open(os.path.join(kdir, path), 'rb') as src:
            if b'\r\n' in src.read():
                found[path] = ('CRLF line ends: convert the file to LF line ends '
                               '(dos2unix) to have it analysed')
    return found


def convert_staged(kdir, files, jobs, timeout, cache, target_modes):
    """convert() on KDIR's files as they are: (handlers, diffs, errors)."""
    prepare, split = semantic_patches()
    modes = ['patch', 'report'] + target_modes
    result = sp.run_spatch(kdir, prepare, files, modes, jobs=jobs,
                           timeout=timeout, label=os.path.basename(prepare), cache=cache)
    reports = [[verdicts.from_report(m) for m in result.reports]]
    diffs = split_diff(result.diff)
    errors = dict(result.errors)
    populating = sorted({h.file for h in reports[0] if h.family == statuses.NEEDS_COMPLETE}
                        - set(errors))
    if populating:
        with tempfile.TemporaryDirectory(prefix='mmap-convert-') as work:
            for path in populating:
                os.makedirs(os.path.join(work, os.path.dirname(path)), exist_ok=True)
                shutil.copy(os.path.join(kdir, path), os.path.join(work, path))
                if path in diffs:
                    processes.run(['patch', '-p1', '-s'], cwd=work, input=diffs[path])
            # the cache keys the split by the content it runs on: the file
            # as mmap_to_prepare.cocci left it
            result = sp.run_spatch(work, split, populating, modes,
                                   jobs=jobs, timeout=timeout,
                                   label=os.path.basename(split), cache=cache)
            reports.append([verdicts.from_report(m) for m in result.reports])
            errors.update(result.errors)
            for path, text in split_diff(result.diff).items():
                processes.run(['patch', '-p1', '-s'], cwd=work, input=text)
                diffs[path] = file_diff(kdir, work, path)
    if cache is not None and processes.VERBOSE:
        processes.log('spatch cache: %d of %d files found in %s'
                  % (cache.hits, cache.hits + cache.misses, cache.folder))
    return verdicts.merge(verdicts.combine(reports)), diffs, errors


def unstage(names, handlers, diffs, errors):
    """Results on staged names ({staged: path}) -> results on the tree's."""
    renamed = {k: v for k, v in names.items() if k != v}
    if not renamed:
        return handlers, diffs, errors
    for h in handlers:
        if h.file in renamed:
            h.reason = h.reason.replace(h.file, renamed[h.file])
            h.file = renamed[h.file]
    handlers.sort(key=lambda h: (h.file, h.line, h.handler))
    diffs = {renamed.get(p, p): guard.retarget(text, renamed[p]) if p in renamed else text
             for p, text in diffs.items()}
    errors = {renamed.get(p, p): why for p, why in errors.items()}
    return handlers, diffs, errors


def file_diff(kdir, work, path):
    """diff -u -p of KDIR/path against its converted copy in work, with
    the headers make coccicheck prints."""
    return unified_diff(os.path.join(kdir, path), os.path.join(work, path), path)


def unified_diff(old, new, path):
    """diff -u -p of the files old and new, labelled and headed as
    make coccicheck prints path's diff."""
    proc = processes.run(['diff', '-u', '-p', '--label', 'a/' + path, '--label', 'b/' + path,
                          old, new], check=False)
    return 'diff -u -p a/%s b/%s\n' % (path, path) + proc.stdout


def apply_in_place(kdir, text, paths):
    """Apply the diff to KDIR, all or nothing: the new content of every
    file is made first (new_contents), then guard.write_all replaces them
    all or, on any error or signal, none.  In a git tree, files with
    uncommitted changes are refused: the conversion would be mixed into
    work that is not committed."""
    if not text:
        return
    if processes.is_git_tree(kdir):
        out = processes.run(['git', '--literal-pathspecs', 'status', '--porcelain', '-z', '--']
                        + sorted(paths), cwd=kdir, check=False).stdout
        dirty = [entry[3:] for entry in out.split('\0') if len(entry) > 3]
        if dirty:
            raise UserError('%s has uncommitted changes in %s; commit or stash them '
                            'first, or write the diff with -o' % (kdir, ', '.join(dirty[:3])))
    guard.write_all(kdir, new_contents(kdir, text))


def new_contents(kdir, text):
    """{path: bytes}: each file the diff text changes, with its changes
    applied, worked out in a scratch folder; a file whose diff does not
    apply is refused by name."""
    diffs, path = {}, None
    for line in text.splitlines(keepends=True):
        if DIFF_HEADER.match(line):
            path = next(iter(split_diff([line])))
            diffs.setdefault(path, []).append([])
        if path is not None:
            diffs[path][-1].append(line)
    out = {}
    with tempfile.TemporaryDirectory(prefix='mmap-convert-') as work:
        for path in sorted(diffs):
            name = guard.staged_name(path)
            try:
                guard.stage(kdir, [path], work)
            except OSError as err:
                raise UserError('cannot read %s: %s; %s is left unchanged'
                                % (path, err.strerror, kdir))
            proc = processes.run(['patch', '-p1', '-N', '-s', '--no-backup-if-mismatch',
                              '-r', os.devnull], cwd=work, check=False,
                             input=''.join(guard.retarget(''.join(lines), name)
                                           for lines in diffs[path]))
            if proc.returncode != 0:
                raise UserError('the conversion of %s does not apply to %s, which is left '
                                'unchanged: %s' % (path, kdir, ((proc.stdout + proc.stderr)
                                                   .strip().splitlines() or ['?'])[0]))
            with open(os.path.join(work, name), 'rb') as src:
                out[path] = src.read()
    return out
