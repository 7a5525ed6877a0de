"""The kernel tree: is it one, and which of its files can hold a handler."""

import os
import re

from . import UserError
from . import tools

KERNEL_MARKERS = ('Makefile', 'MAINTAINERS', os.path.join('include', 'linux', 'fs.h'))

# A file can only hold a handler the semantic patches change if it has an
# .mmap/.proc_mmap initializer member and names the structure it belongs to.
MEMBER = r'\.(proc_)?mmap(_prepare)?\s*='
STRUCTURE = re.compile(r'\b(file_operations|proc_ops)\b')


def check_kernel_tree(kdir):
    if not os.path.isdir(kdir):
        raise UserError('%s: no such directory' % kdir)
    missing = [m for m in KERNEL_MARKERS if not os.path.isfile(os.path.join(kdir, m))]
    if missing:
        raise UserError('%s is not a kernel tree (no %s)' % (kdir, ', '.join(missing)))


def relative_paths(kdir, paths):
    """PATH arguments as paths relative to KDIR, checked to exist inside it."""
    out = []
    top = os.path.realpath(kdir)
    for path in paths:
        full = path if os.path.isabs(path) else os.path.join(kdir, path)
        if not os.path.exists(full) and os.path.exists(path):
            full = path
        real = os.path.realpath(full)
        if not os.path.exists(real):
            raise UserError('%s: no such file or directory in %s' % (path, kdir))
        if real != top and not real.startswith(top + os.sep):
            raise UserError('%s is outside the kernel tree %s' % (path, kdir))
        out.append(os.path.relpath(real, top))
    return out


# What the tree's searches answered, per process: the audit's census asks
# what the candidate scan asked, and a whole-tree grep costs seconds.
_matching = {}


def sources_committed(kdir):
    """Is KDIR a git work tree with its sources committed?  Then git grep is
    both fast and complete; a tarball tree, or one where the Debian
    .gitignore kept everything out of git, is searched with grep."""
    key = ('committed', os.path.realpath(kdir))
    if key not in _matching:
        proc = tools.run(['git', 'ls-files', '--error-unmatch'] + list(KERNEL_MARKERS),
                         cwd=kdir, check=False)
        _matching[key] = proc.returncode == 0
    return _matching[key]


def files_matching(kdir, pattern, scope=('.',), word=False):
    """C files and headers under scope (paths relative to KDIR) whose text
    matches the extended regular expression pattern."""
    key = (os.path.realpath(kdir), pattern, tuple(scope), word)
    if key not in _matching:
        _matching[key] = _files_matching(kdir, pattern, scope, word)
    return list(_matching[key])


def _files_matching(kdir, pattern, scope, word):
    if sources_committed(kdir):
        cmd = ['git', 'grep', '-l', '-P'] + (['-w'] if word else []) + [pattern, '--'] + \
              [os.path.join(p, '*.c') if os.path.isdir(os.path.join(kdir, p)) else p
               for p in scope] + \
              [os.path.join(p, '*.h') for p in scope if os.path.isdir(os.path.join(kdir, p))]
    else:
        cmd = ['grep', '-rlE'] + (['-w'] if word else []) + \
              ['--include=*.c', '--include=*.h', pattern] + list(scope)
    proc = tools.run(cmd, cwd=kdir, check=False)
    if proc.returncode not in (0, 1) and cmd[:2] == ['git', 'grep']:
        # -P (PCRE) halves the time git grep takes; not every git has it
        cmd[cmd.index('-P')] = '-E'
        proc = tools.run(cmd, cwd=kdir, check=False)
    if proc.returncode not in (0, 1):
        raise UserError('searching %s failed: %s' % (kdir, proc.stderr.strip()))
    return sorted({os.path.normpath(name) for name in proc.stdout.split()
                   if name.endswith(('.c', '.h'))})


def candidate_files(kdir, paths=()):
    """C files and headers under PATHs (default: the whole tree) that may hold
    a handler, sorted; a cheap text filter ahead of spatch."""
    scope = relative_paths(kdir, paths) if paths else ['.']
    found = []
    for name in files_matching(kdir, MEMBER, scope):
        with open(os.path.join(kdir, name), errors='replace') as src:
            if STRUCTURE.search(src.read()):
                found.append(name)
    return found
