"""Every external program is started from here, so -v can show it."""

import functools
import os
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
    if cmd[0] == 'git':
        kwargs['env'] = git_env(cwd, kwargs.get('env'))
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
    if cmd[0] == 'git':
        kwargs['env'] = git_env(cwd, kwargs.get('env'))
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


# A tree's own git configuration can name programs that git runs while it
# only reads the tree (core.fsmonitor on git grep and git status, filter
# drivers when git status compares a file, hooks on checkout and commit,
# textconv on git log -p, gpg with log.showSignature).  Every git command
# runs with these overridden; driver names come from the configuration.
GIT_OVERRIDES = [
    ('core.fsmonitor', 'false'), ('core.hooksPath', os.devnull), ('core.pager', 'cat'),
    ('core.editor', 'false'), ('sequence.editor', 'false'), ('core.sshCommand', 'false'),
    ('core.askPass', 'false'), ('credential.helper', ''), ('diff.external', ''),
    ('gpg.program', 'false'), ('gpg.ssh.program', 'false'), ('gpg.x509.program', 'false'),
    ('commit.gpgSign', 'false'), ('tag.gpgSign', 'false'), ('log.showSignature', 'false'),
    ('protocol.ext.allow', 'never'),
]
GIT_DRIVER = re.compile(r'^(filter\..*\.(clean|smudge|process)|diff\..*\.(command|textconv))$',
                        re.S | re.I)
GIT_MIN = (2, 31, 0)        # GIT_CONFIG_COUNT


def _git_config_env(pairs, env=None):
    env = dict(os.environ if env is None else env)
    base = int(env.get('GIT_CONFIG_COUNT', '0') or 0)
    for i, (k, v) in enumerate(pairs):
        env['GIT_CONFIG_KEY_%d' % (base + i)] = k
        env['GIT_CONFIG_VALUE_%d' % (base + i)] = v
    env['GIT_CONFIG_COUNT'] = str(base + len(pairs))
    # git status refreshes the index opportunistically: a read is no write
    env['GIT_OPTIONAL_LOCKS'] = '0'
    return env


@functools.lru_cache(maxsize=None)
def git_overrides(where):
    """GIT_OVERRIDES and every driver command the configuration seen from
    where defines, made harmless: a textconv becomes cat, the rest empty."""
    show(['git', '--version'])
    try:
        out = subprocess.run(['git', '--version'], capture_output=True, text=True).stdout
    except FileNotFoundError:
        raise UserError('git: command not found')
    version = parse_version(out)
    if version is None or version < GIT_MIN:
        raise UserError('%s is too old: git %s or later reads a tree without running '
                        'what its configuration names' % (out.strip() or 'git',
                                                          '.'.join(map(str, GIT_MIN))))
    drivers = sorted({n for _, n in git_config_names(where) if GIT_DRIVER.match(n)})
    return tuple(GIT_OVERRIDES) + tuple((n, 'cat' if n.lower().endswith('.textconv') else '')
                                        for n in drivers)


def git_config_names(where):
    """[(scope, name)] of the git configuration seen from where."""
    if not os.path.isdir(where):
        return []
    cmd = ['git', 'config', '--list', '--name-only', '--show-scope', '-z']
    show(cmd, where)
    proc = subprocess.run(cmd, cwd=where, env=_git_config_env(GIT_OVERRIDES),
                          capture_output=True)
    words = proc.stdout.decode('utf-8', 'surrogateescape').split('\0')
    return list(zip(words[0::2], words[1::2]))


def git_ignored(where):
    """The settings of where's own git configuration (.git/config) that
    git_env overrides, for the user to hear about."""
    keys = {k.lower() for k, _ in GIT_OVERRIDES}
    return sorted({n for scope, n in git_config_names(os.path.realpath(where))
                   if scope in ('local', 'worktree') and
                   (n.lower() in keys or GIT_DRIVER.match(n))})


def git_env(cwd, env=None):
    """The environment of a git command run in cwd: env (default ours) with
    the tree's executable settings overridden (GIT_OVERRIDES)."""
    where = os.path.realpath(cwd or '.')
    return _git_config_env(git_overrides(where), env)
