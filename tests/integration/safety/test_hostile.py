"""convert and audit on a hostile kernel-shaped tree (make check-safety).

The tree, built by the test, has what a tree someone else wrote may have:
a .cocciconfig that asks spatch for --python and --in-place, a git
configuration with core.fsmonitor, hooks and filter drivers, file names
with blanks, quotes, a leading dash, ';', '$(...)', non-ASCII and a
newline, a file with CRLF line ends, one spatch cannot parse, and one
that is not committed.  Every program those settings or names would run
touches a file in MARKS; none may appear, and the tree must not change
unless --in-place is given (issue 14).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
FIXTURES = os.path.join(TOP, 'tests', 'fixtures')
CONVERT = [sys.executable, os.path.join(TOP, 'scripts', 'convert.py')]
HAVE_SPATCH = shutil.which('spatch') is not None
# root writes any file: the tests that need a user who cannot run as nobody
ROOT = os.geteuid() == 0
NOBODY = 65534
if os.environ.get('CI') and not HAVE_SPATCH:
    # make check-safety installs spatch first: in CI a skip would hide a bug
    raise SystemExit('check-safety: spatch is not installed')

# name in drivers/misc -> fixture; each is one handler
FILES = {
    'plain.c': 'flags_ops_private',
    'sp ace.c': 'flags_ops_private',
    '-dash.c': 'flags_ops_private',
    'x;cd;touch${IFS}PWNED;.c': 'flags_ops_private',
    '$(touch PWNED).c': 'flags_ops_private',
    'q"uote\'s <in>.c': 'flags_ops_private',
    'nön.c': 'flags_ops_private',
    'new\nline.c': 'flags_ops_private',
    'split me.c': 'context_pointer',
    'parse_error.c': 'parse_error',
    'dma.c': 'dma_blocked',
}
CONVERTED = [name for name, fixture in FILES.items() if fixture in ('flags_ops_private',
                                                                   'context_pointer')]
# the whole tree: FILES, crlf.c and misc/top.c
WHOLE = 'convert: %d files, %d handlers: %d converted' % (len(FILES) + 2, len(FILES) + 1,
                                                           len(CONVERTED) + 1)
PLAIN_GIT = dict(os.environ, GIT_CONFIG_NOSYSTEM='1', GIT_CONFIG_GLOBAL=os.devnull,
                 GIT_AUTHOR_NAME='t', GIT_AUTHOR_EMAIL='t@t', GIT_COMMITTER_NAME='t',
                 GIT_COMMITTER_EMAIL='t@t')


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb' if isinstance(data, bytes) else 'w') as out:
        out.write(data)


def read(path):
    with open(path, 'rb') as src:
        return src.read()


def fixture(name):
    return read(os.path.join(FIXTURES, name + '.c'))


def build(tree, marks):
    """The hostile tree in folder tree; programs it names touch marks/RAN-*."""
    mark = os.path.join(marks, 'mark.sh')
    write(mark, '#!/bin/sh\ntouch "%s/RAN-$1"\ncat\n' % marks)
    os.chmod(mark, 0o755)
    for name in ('Makefile', 'MAINTAINERS', 'include/linux/fs.h'):
        write(os.path.join(tree, name), '')
    for name, source in FILES.items():
        write(os.path.join(tree, 'drivers', 'misc', name), fixture(source))
    write(os.path.join(tree, 'drivers', 'misc', 'crlf.c'),
          fixture('flags_ops_private').replace(b'\n', b'\r\n'))
    # a top-level misc/ too: cd drivers; convert .. misc means drivers/misc
    write(os.path.join(tree, 'misc', 'top.c'), fixture('flags_ops_private'))
    write(os.path.join(tree, '.cocciconfig'),
          '[spatch]\n\toptions = --python %s\n\toptions = --in-place\n' % mark)
    write(os.path.join(tree, '.gitattributes'), '*.c filter=evil diff=evil\n')
    write(os.path.join(tree, 'hooks', 'post-checkout'), '#!/bin/sh\n"%s" hook\n' % mark)
    os.chmod(os.path.join(tree, 'hooks', 'post-checkout'), 0o755)
    for cmd in (['init', '-q'], ['add', '-A'], ['commit', '-qm', 'Linux 6.12-hostile']):
        subprocess.run(['git'] + cmd, cwd=tree, env=PLAIN_GIT, check=True,
                       capture_output=True)
    for key, value in (('core.fsmonitor', mark + ' fsmonitor'), ('core.hooksPath', 'hooks'),
                       ('filter.evil.clean', mark + ' clean'),
                       ('filter.evil.smudge', mark + ' smudge'),
                       ('diff.evil.textconv', mark + ' textconv')):
        subprocess.run(['git', 'config', key, value], cwd=tree, env=PLAIN_GIT, check=True)
    # not committed: analysed when named on the command line
    write(os.path.join(tree, 'drivers', 'misc', 'new.c'), fixture('flags_ops_private'))


def snapshot(tree):
    """Every file of the tree but .git, with its content and mtime."""
    found = {}
    for root, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if d != '.git']
        for name in names:
            path = os.path.join(root, name)
            found[os.path.relpath(path, tree)] = (read(path), os.stat(path).st_mtime_ns)
    return found


def copy(tree, dst, git=True):
    shutil.copytree(tree, dst, symlinks=True,
                    ignore=None if git else shutil.ignore_patterns('.git'))
    return dst


@unittest.skipUnless(HAVE_SPATCH and (not ROOT or shutil.which('setpriv')),
                     'needs spatch (make deps), and setpriv when run as root')
class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix='mmap-hostile-')
        cls.marks = os.path.join(cls.tmp.name, 'marks')
        cls.home = os.path.join(cls.tmp.name, 'home')
        os.makedirs(cls.home)
        cls.tree = os.path.join(cls.tmp.name, 'linux')
        build(cls.tree, cls.marks)
        cls.before = snapshot(cls.tree)
        cls.proc = cls.run_cli('convert', cls.tree, '-j', '2')
        # nobody may not enter the checkout (a clone under /root, or under
        # a mode-700 folder): the runs as nobody use a copy of the toolkit
        cls.toolkit = os.path.join(cls.tmp.name, 'toolkit')
        for part in ('scripts', 'cocci', 'overlay'):
            shutil.copytree(os.path.join(TOP, part), os.path.join(cls.toolkit, part),
                            ignore=shutil.ignore_patterns('__pycache__'))
        for root, dirs, names in os.walk(cls.toolkit):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o755)
            for name in names:
                os.chmod(os.path.join(root, name), 0o644)
        os.chmod(cls.toolkit, 0o755)
        os.chmod(cls.tmp.name, 0o755)     # for nobody, whichever test runs first

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def run_cli(cls, *args, cwd=None, env=None, user=None):
        # HOME: 'x;cd;touch PWNED' would touch $HOME/PWNED; no cache, so
        # that every run reaches spatch
        full = dict(os.environ, HOME=cls.home, XDG_CACHE_HOME=os.path.join(cls.home, 'c'),
                    **(env or {}))
        cmd = CONVERT + list(args)
        if user is not None:
            full = {'PATH': '/usr/bin:/bin', 'HOME': cls.home, 'LANG': 'C.UTF-8'}
            cmd = ['setpriv', '--reuid=%d' % user, '--regid=%d' % user, '--clear-groups',
                   '/usr/bin/python3', os.path.join(cls.toolkit, 'scripts', 'convert.py')] + \
                list(args) + ['--no-cache']
        return subprocess.run(cmd, cwd=cwd, env=full, capture_output=True, text=True)

    def tearDown(self):
        self.assertEqual(self.marks_left(), [])
        self.assertEqual(snapshot(self.tree), self.before)

    def marks_left(self):
        found = [f for f in os.listdir(self.marks) if f.startswith('RAN-')]
        found += [f for f in os.listdir(self.home) if 'PWNED' in f]
        return found

    def summary(self, proc):
        return proc.stderr.strip().splitlines()[-1]

    def test_convert_runs_nothing_and_analyses_every_file(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertNotIn('Traceback', self.proc.stderr)
        line = self.summary(self.proc)
        self.assertIn(WHOLE, line)
        self.assertIn('not analysed: drivers/misc/crlf.c (CRLF line ends)', line)
        self.assertIn('spatch could not parse: drivers/misc/parse_error.c', line)
        self.assertIn('.cocciconfig: not read', self.proc.stderr)
        self.assertIn('(core.fsmonitor, core.hookspath, diff.evil.textconv, '
                      'filter.evil.clean, filter.evil.smudge)', self.proc.stderr)

    def test_the_diff_applies_with_git_apply_and_patch(self):
        for tool in (['git', 'apply'], ['patch', '-p1', '-s']):
            with self.subTest(tool=tool[0]), tempfile.TemporaryDirectory() as d:
                work = copy(self.tree, os.path.join(d, 'w'), git=False)
                subprocess.run(tool, cwd=work, input=self.proc.stdout, text=True, check=True)
                for name in CONVERTED:
                    text = read(os.path.join(work, 'drivers', 'misc', name))
                    self.assertIn(b'.mmap_prepare = ', text, name)
                self.assertEqual(read(os.path.join(work, 'drivers', 'misc', 'crlf.c')),
                                 read(os.path.join(self.tree, 'drivers', 'misc', 'crlf.c')))

    def test_in_place_gives_what_the_diff_gives(self):
        with tempfile.TemporaryDirectory() as d:
            work = copy(self.tree, os.path.join(d, 'w'))
            proc = self.run_cli('convert', work, '--in-place', '-j', '2')
            self.assertEqual(proc.returncode, 0, proc.stderr)
            applied = copy(self.tree, os.path.join(d, 'a'), git=False)
            subprocess.run(['git', 'apply'], cwd=applied, input=self.proc.stdout, text=True,
                           check=True)
            got, want = snapshot(work), snapshot(applied)
            self.assertEqual({k: v[0] for k, v in got.items()},
                             {k: v[0] for k, v in want.items()})

    def test_audit_runs_nothing(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, 'a.json')
            proc = self.run_cli('audit', self.tree, '-j', '2', '--json', out)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            with open(out) as src:
                handlers = json.load(src)['handlers']
            # crlf.c is not analysed: its handler is an error:* entry
            self.assertEqual({h['file'] for h in handlers},
                             {'drivers/misc/' + n for n in FILES} |
                             {'misc/top.c', 'drivers/misc/crlf.c'})
            self.assertIn('spatch could not parse: drivers/misc/parse_error.c',
                          self.summary(proc))

    def test_a_named_file_that_is_not_committed(self):
        proc = self.run_cli('convert', self.tree, 'drivers/misc/new.c')
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn('convert: 1 files, 1 handlers: 1 converted', self.summary(proc))

    def test_paths_from_the_current_folder(self):
        proc = self.run_cli('convert', '..', 'misc', cwd=os.path.join(self.tree, 'drivers'))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn('convert: %d files' % (len(FILES) + 1), self.summary(proc))
        self.assertNotIn('top.c', proc.stdout)

    def test_bad_inputs_give_one_line_before_any_work(self):
        source = os.path.join(self.tree, 'drivers', 'misc', 'plain.c')
        for args, words in ((['convert', self.tree, ''], 'an empty PATH argument'),
                            (['convert', self.tree, '/'], 'is outside the kernel tree'),
                            (['convert', self.tree, '-o', source], 'would overwrite a file'),
                            (['convert', self.tree, '-o', '/etc/passwd/x.diff'],
                             'no such folder'),
                            (['audit', self.tree, '--json', source], 'would overwrite a file'),
                            (['convert', self.tree, '-j', '0'], 'give 1 or more'),
                            (['convert', self.tree, '--timeout', '-5'], 'give 1 or more'),
                            (['verify', self.tree, '--patch', '/dev/null', '-O',
                              os.path.join(self.tree, 'build')], 'is inside the kernel tree')):
            with self.subTest(args=args):
                proc = self.run_cli(*args + ['-v'])
                self.assertEqual(proc.returncode, 2, proc.stderr)
                # -v shows the commands run: spatch --version at most
                lines = [l for l in proc.stderr.splitlines() if l != '+ spatch --version']
                self.assertEqual(len(lines), 1, proc.stderr)
                self.assertIn(words, lines[0])

    def test_audit_compare_of_json_that_is_not_an_audit(self):
        with tempfile.TemporaryDirectory() as d:
            old = os.path.join(d, 'old.json')
            write(old, '{"handlers": {"x": 1}}')
            proc = self.run_cli('audit', self.tree, 'drivers/misc/plain.c', '--compare', old)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertEqual(proc.stderr.count('\n'), 1, proc.stderr)
            self.assertIn('is not an audit', proc.stderr)

    def test_a_tree_the_user_cannot_write(self):
        if ROOT:
            # root's tree, read by nobody, for whom git does not read it
            # (another user's), so grep finds the uncommitted new.c too
            os.chmod(self.tmp.name, 0o755)
            os.chmod(self.home, 0o777)
            proc = self.run_cli('convert', self.tree, '-j', '2', user=NOBODY)
            whole = 'convert: %d files, %d handlers: %d converted' % (
                len(FILES) + 3, len(FILES) + 2, len(CONVERTED) + 2)
        else:
            folders = [root for root, _, _ in os.walk(self.tree)]
            for folder in folders:
                os.chmod(folder, 0o555)
            try:
                proc = self.run_cli('convert', self.tree, '-j', '2')
            finally:
                for folder in folders:
                    os.chmod(folder, 0o755)
            whole = WHOLE
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(whole, self.summary(proc))
        self.assertNotIn('spatch exited', proc.stderr)

    def test_in_place_with_a_file_the_user_cannot_write(self):
        with tempfile.TemporaryDirectory() as d:
            os.chmod(d, 0o755)
            work = copy(self.tree, os.path.join(d, 'w'), git=False)
            if ROOT:
                for root, dirs, names in os.walk(work):
                    for name in dirs + names:
                        os.chown(os.path.join(root, name), NOBODY, NOBODY)
                os.chown(work, NOBODY, NOBODY)
                os.chmod(self.home, 0o777)
            victim = os.path.join(work, 'drivers', 'misc', 'sp ace.c')
            os.chmod(victim, 0o444)
            before = snapshot(work)
            proc = self.run_cli('convert', work, '--in-place', '-j', '2',
                                user=NOBODY if ROOT else None)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertRegex(proc.stderr.strip().splitlines()[-1],
                             r'^convert.py: error: cannot write drivers/misc/sp ace.c: '
                             r'Permission denied; \S+ is left unchanged$')
            self.assertEqual(snapshot(work), before)

    def test_interrupted_in_place_leaves_all_or_nothing(self):
        # a signal at some moment of a real run: the tree is either as it
        # was or fully converted, with no temporary file left.  The moments
        # count from when convert.py is up (Python's own start-up, before
        # any of its code runs, is slow on a loaded machine)
        start = time.monotonic()
        subprocess.run(CONVERT + ['--help'], stdout=subprocess.DEVNULL, check=True)
        up = time.monotonic() - start
        with tempfile.TemporaryDirectory() as d:
            for delay, sig in ((0.3, signal.SIGINT), (0.8, signal.SIGTERM),
                               (1.2, signal.SIGINT)):
                delay += up
                work = copy(self.tree, os.path.join(d, 'w%s' % delay))
                before = snapshot(work)
                full = dict(os.environ, HOME=self.home)
                proc = subprocess.Popen(CONVERT + ['convert', work, '--in-place', '-j', '2',
                                                   '--no-cache'], env=full,
                                        stderr=subprocess.PIPE, text=True)
                try:
                    proc.wait(delay)
                except subprocess.TimeoutExpired:
                    proc.send_signal(sig)
                err = proc.communicate()[1]
                self.assertNotIn('Traceback', err)
                after = snapshot(work)
                changed = sorted(p for p in after if after[p][0] != before.get(p, (None,))[0])
                self.assertIn(changed, ([], sorted('drivers/misc/' + n for n in CONVERTED)),
                              err)
                self.assertEqual([p for p in after if 'mmap-convert' in p], [])


if __name__ == '__main__':
    unittest.main()
