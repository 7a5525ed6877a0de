"""Every external program is started from here, so -v can show it."""

import functools
import re
import shutil
import subprocess
import sys

from . import UserError

VERBOSE = False
SPATCH_MIN = (1, 1, 1)


def log(message):
    print(message, file=sys.stderr, flush=True)


def show(cmd, cwd=None):
    if VERBOSE:
        where = ' (in %s)' % cwd if cwd else ''
        log('+ %s%s' % (' '.join(cmd), where))


def run(cmd, cwd=None, check=True, **kwargs):
    """Run a program to completion and capture its output as text."""
    show(cmd, cwd)
    try:
        proc = subprocess.run(cmd, cwd=cwd, text=True, capture_output=True, **kwargs)
    except FileNotFoundError:
        raise UserError('%s: command not found' % cmd[0])
    if check and proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or [''])[-1]
        raise UserError('%s failed (exit %d): %s' % (' '.join(cmd[:3]), proc.returncode, last))
    return proc


def start(cmd, cwd=None, **kwargs):
    """Start a program in the background (spatch workers)."""
    show(cmd, cwd)
    return subprocess.Popen(cmd, cwd=cwd, text=True, **kwargs)


def parse_version(text):
    m = re.search(r'(\d+)\.(\d+)\.(\d+)', text)
    return tuple(int(x) for x in m.groups()) if m else None


@functools.lru_cache(maxsize=None)
def spatch_version(spatch='spatch'):
    """The version of spatch, after checking it is there and recent enough."""
    if not shutil.which(spatch):
        raise UserError('spatch not found: install Coccinelle %s or later '
                        '(make deps, or apt-get install coccinelle)'
                        % '.'.join(map(str, SPATCH_MIN)))
    out = run([spatch, '--version'], check=False).stdout
    version = parse_version(out)
    if version is None or version < SPATCH_MIN:
        raise UserError('spatch %s is too old: Coccinelle %s or later is needed'
                        % (out.split('\n')[0] or '?', '.'.join(map(str, SPATCH_MIN))))
    if 'Python scripting support: yes' not in out:
        raise UserError('spatch was built without Python scripting, which the '
                        'semantic patches need')
    return '.'.join(map(str, version))


def is_git_tree(path):
    proc = run(['git', 'rev-parse', '--show-toplevel'], cwd=path, check=False)
    return proc.returncode == 0
