"""The kernel tree: is it one, and which of its files can hold a handler."""

import os
import re

from . import UserError
from . import processes

KERNEL_MARKERS = ('Makefile', 'MAINTAINERS', os.path.join('include', 'linux', 'fs.h'))

# A file can only hold a handler the semantic patches change if it has an
# .mmap/.proc_mmap initializer member and names the structure it belongs to.
MEMBER = r'\.(proc_)?mmap(_prepare)?\s*='
STRUCTURE = re.compile(r'\b(file_operations|proc_ops)\b')


def check_kernel_tree(kdir):
    if not kdir:
        raise UserError('KDIR is an empty argument')
    if not os.path.isdir(kdir):
        raise UserError('%s: no such directory' % kdir)
    missing = [m for m in KERNEL_MARKERS if not os.path.isfile(os.path.join(kdir, m))]
    if missing:
        raise UserError('%s is not a kernel tree (no %s)' % (kdir, ', '.join(missing)))


def relative_paths(kdir, paths):
    """PATH arguments as paths relative to KDIR, checked to exist inside it.
    A relative PATH is looked for in the current folder first, as every
    command line tool does, then in KDIR (convert ~/linux drivers/char)."""
    out = []
    top = os.path.realpath(kdir)
    for path in paths:
        if not path:
            raise UserError('an empty PATH argument; give . for the whole tree')
        places = [path] if os.path.isabs(path) else [path, os.path.join(kdir, path)]
        found = [os.path.realpath(p) for p in places if os.path.exists(p)]
        inside = [real for real in found if real == top or real.startswith(top + os.sep)]
        if not found:
            raise UserError('%s: no such file or directory in %s' % (path, kdir))
        if not inside:
            raise UserError('%s is outside the kernel tree %s' % (path, kdir))
        out.append(os.path.relpath(inside[0], top))
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
        proc = processes.run(['git', 'ls-files', '--error-unmatch'] + list(KERNEL_MARKERS),
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
    # files named on the command line are read whether git has them or not
    named = [p for p in scope if not os.path.isdir(os.path.join(kdir, p))]
    found = [p for p in named if p.endswith(('.c', '.h')) and
             _file_matches(os.path.join(kdir, p), pattern, word)]
    scope = [p for p in scope if p not in named]
    if not scope:
        return sorted(found)
    if sources_committed(kdir):
        cmd = ['git', 'grep', '-l', '-z', '-P'] + (['-w'] if word else []) + \
              ['-e', pattern, '--'] + \
              [os.path.join(glob_escape(p), '*.c') for p in scope] + \
              [os.path.join(glob_escape(p), '*.h') for p in scope]
    else:
        cmd = ['grep', '-rlZE'] + (['-w'] if word else []) + \
              ['--include=*.c', '--include=*.h', '-e', pattern, '--'] + list(scope)
    proc = processes.run(cmd, cwd=kdir, check=False)
    if proc.returncode not in (0, 1) and cmd[:2] == ['git', 'grep']:
        # -P (PCRE) halves the time git grep takes; not every git has it
        cmd[cmd.index('-P')] = '-E'
        proc = processes.run(cmd, cwd=kdir, check=False)
    if proc.returncode not in (0, 1):
        raise UserError('searching %s failed: %s' % (kdir, proc.stderr.strip()))
    return sorted({os.path.normpath(name) for name in proc.stdout.split('\0')
                   if name.endswith(('.c', '.h'))} | set(found))


def glob_escape(path):
    """A folder as a git pathspec matches it literally before the /*.c."""
    return re.sub(r'([*?[\\])', r'\\\1', path)


def _file_matches(path, pattern, word):
    try:
        with open(path, errors='replace') as src:
            text = src.read()
    except OSError:
        return False
    return re.search(r'\b(?:%s)\b' % pattern if word else pattern, text) is not None


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
