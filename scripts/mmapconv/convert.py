"""The convert subcommand: run the semantic patches, write one diff."""

import os
import re
import shutil
import tempfile

from . import COCCI_DIR, UserError
from . import classify
from . import spatch as sp
from . import target as tgt
from . import tools
from . import tree

# In the order they run: split_prefault.cocci runs on what
# mmap_to_prepare.cocci made of the files where it left a handler that
# populates page tables (needs-complete), and only there.
SEMANTIC_PATCHES = ['mmap_to_prepare.cocci', 'split_prefault.cocci']


def semantic_patches():
    return [os.path.join(COCCI_DIR, name) for name in SEMANTIC_PATCHES
            if os.path.exists(os.path.join(COCCI_DIR, name))]


def split_diff(lines):
    """Unified diff lines -> {path: text} (path relative to the tree)."""
    files, current = {}, None
    for line in lines:
        m = re.match(r'^diff -u -p a/(\S+) b/\S+', line)
        if m:
            current = m.group(1)
            files[current] = []
        if current is not None:
            files[current].append(line)
    return {path: ''.join(text) for path, text in files.items()}


def used_elsewhere(kdir, handler, path):
    """Other files that mention a non-static handler by name."""
    return [f for f in tree.files_matching(kdir, re.escape(handler), word=True) if f != path]


def check_global_handlers(kdir, handlers, diffs):
    """The semantic patch sees one file at a time; a converted handler that
    is not static may be used from another file, and renaming it there would
    break the build.  Such a file is left alone and the handler reported."""
    for h in handlers:
        # a generic_file_mmap swap renames nothing of the file's own
        if not h.converted or h.status == 'converted:generic' or h.file not in diffs:
            continue
        with open(os.path.join(kdir, h.file), errors='replace') as src:
            if classify.is_static(src.read(), h.handler):
                continue
        users = used_elsewhere(kdir, h.handler, h.file)
        if not users:
            continue
        del diffs[h.file]
        h.status = 'blocked:called-elsewhere'
        h.reason = ('%s is not static and is used in %s; convert those users '
                    'together with it' % (h.handler, ', '.join(users[:3])))
        for other in handlers:
            if other.file == h.file and other.converted and other is not h:
                other.status = 'blocked:called-elsewhere'
                other.reason = ('left alone with %s, in the same file, which is '
                                'used from other files' % h.handler)


def convert(kdir, paths=(), jobs=2, timeout=120, cache_dir=None, target=None):
    """Run every semantic patch; return (handlers, {path: diff}, errors, nfiles).
    With cache_dir, spatch's results are kept there per file (spatch.Cache)
    and only the files not seen before go to spatch.  target (target.Target)
    is the API the output is written for; by default the tree's own."""
    tree.check_kernel_tree(kdir)
    if target is None:
        target = tgt.detect(kdir)
    version = tools.spatch_version()
    cache = sp.Cache(cache_dir, version) if cache_dir else None
    prepare, split = semantic_patches()
    files = tree.candidate_files(kdir, paths)
    modes = ['patch', 'report'] + target.modes()
    result = sp.run_spatch(kdir, prepare, files, modes, jobs=jobs,
                           timeout=timeout, label=os.path.basename(prepare), cache=cache)
    reports = [[classify.from_report(m) for m in result.reports]]
    diffs = split_diff(result.diff)
    errors = dict(result.errors)
    populating = sorted({h.file for h in reports[0] if h.family == 'needs-complete'}
                        - set(errors))
    if populating:
        with tempfile.TemporaryDirectory(prefix='mmap-convert-') as work:
            for path in populating:
                os.makedirs(os.path.join(work, os.path.dirname(path)), exist_ok=True)
                shutil.copy(os.path.join(kdir, path), os.path.join(work, path))
                if path in diffs:
                    tools.run(['patch', '-p1', '-s'], cwd=work, input=diffs[path])
            # the cache keys the split by the content it runs on: the file
            # as mmap_to_prepare.cocci left it
            result = sp.run_spatch(work, split, populating, modes,
                                   jobs=jobs, timeout=timeout,
                                   label=os.path.basename(split), cache=cache)
            reports.append([classify.from_report(m) for m in result.reports])
            errors.update(result.errors)
            for path, text in split_diff(result.diff).items():
                tools.run(['patch', '-p1', '-s'], cwd=work, input=text)
                diffs[path] = file_diff(kdir, work, path)
    if cache is not None and tools.VERBOSE:
        tools.log('spatch cache: %d of %d files found in %s'
                  % (cache.hits, cache.hits + cache.misses, cache_dir))
    handlers = classify.merge(classify.combine(reports))
    check_global_handlers(kdir, handlers, diffs)
    for path in errors:
        diffs.pop(path, None)
    return handlers, diffs, errors, len(files)


def file_diff(kdir, work, path):
    """diff -u -p of KDIR/path against its converted copy in work, with
    the headers make coccicheck prints."""
    proc = tools.run(['diff', '-u', '-p', '--label', 'a/' + path, '--label', 'b/' + path,
                      os.path.join(kdir, path), os.path.join(work, path)], check=False)
    return 'diff -u -p a/%s b/%s\n' % (path, path) + proc.stdout


def apply_in_place(kdir, text, paths):
    """Apply the diff to KDIR, all or nothing: patch checks every hunk with
    --dry-run first, so a failure leaves the tree as it was.  In a git tree,
    files with uncommitted changes are refused: the conversion would be
    mixed into work that is not committed."""
    if not text:
        return
    if tools.is_git_tree(kdir):
        dirty = tools.run(['git', 'status', '--porcelain', '--'] + sorted(paths),
                          cwd=kdir, check=False).stdout.splitlines()
        if dirty:
            raise UserError('%s has uncommitted changes in %s; commit or stash them '
                            'first, or write the diff with -o' % (
                                kdir, ', '.join(line[3:] for line in dirty[:3])))
    for check in (['--dry-run'], []):
        proc = tools.run(['patch', '-p1', '-N', '-s'] + check, cwd=kdir, input=text,
                         check=False)
        if proc.returncode != 0:
            raise UserError('the conversion does not apply to %s, which is left '
                            'unchanged: %s' % (kdir, (proc.stdout + proc.stderr).strip()
                                                .splitlines()[0]))
