"""The guards of scripts/mmapconv (issue 14), without spatch or a kernel
tree: names spatch may see, diff headers, --in-place with faults injected
at each step, output checks, the series manifest, git without the tree's
programs, one-line usage errors, cache entries of the wrong shape."""

import contextlib
import io
import json
import os
import shlex
import signal
import stat
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'scripts'))

from mmapconv import UserError, audit, cli, guard, processes, tree  # noqa: E402
from mmapconv import convert as conv  # noqa: E402
from mmapconv import series as ser  # noqa: E402
from mmapconv import spatch as sp  # noqa: E402

HOSTILE = ['sp ace.c', '-dash.c', 'x;cd;touch${IFS}PWNED;.c', 'q"uote\'s.c', 'nön.c',
           'new\nline.c', 'tab\there.c', 'back\\slash.c', 'lt<gt>|&.c', '$(id).h']


def write(path, text, mode='w'):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as out:
        out.write(text)


def read(path):
    with open(path, 'rb') as src:
        return src.read()


class Names(unittest.TestCase):
    def test_safe_paths_are_kept(self):
        for path in ['drivers/char/mem.c', 'fs/ext4/file.c', 'drivers/gpu/drm/i915/gem/x+y,z.h']:
            self.assertEqual(guard.staged_name(path), path)

    def test_other_paths_get_a_stable_safe_name(self):
        seen = set()
        for name in HOSTILE + ['.hidden/x.c', 'a/-b/c.c']:
            staged = guard.staged_name('drivers/' + name)
            self.assertEqual(staged, guard.staged_name('drivers/' + name))
            self.assertRegex(staged, r'^mmap-convert-renamed/[0-9a-f]{20}\.[ch]$')
            self.assertEqual(staged[-2:], '.h' if name.endswith('.h') else '.c')
            seen.add(staged)
        self.assertEqual(len(seen), len(HOSTILE) + 2)

    def test_diff_headers_round_trip(self):
        for name in HOSTILE + ['plain.c']:
            path = 'drivers/' + name
            diff = guard.diff_header(path) + '@@ -1 +1 @@\n-a\n+b\n'
            self.assertEqual(list(conv.split_diff(diff.splitlines(keepends=True))), [path])
            self.assertEqual(guard.retarget(guard.retarget(diff, 'x.c'), path), diff)
        self.assertEqual(guard.diff_header('a b.c').splitlines()[1], '--- "a/a b.c"')
        self.assertEqual(guard.diff_header('a.c').splitlines()[1], '--- a/a.c')

    def test_headers_apply_with_git_and_patch(self):
        for tool in (['git', 'apply'], ['patch', '-p1', '-s']):
            with tempfile.TemporaryDirectory() as d:
                text = ''
                for name in HOSTILE:
                    write(os.path.join(d, name), 'a\nb\n')
                    text += guard.diff_header(name) + '@@ -1,2 +1,2 @@\n a\n-b\n+B\n'
                subprocess.run(tool, cwd=d, input=text, text=True, check=True)
                for name in HOSTILE:
                    self.assertEqual(read(os.path.join(d, name)), b'a\nB\n', (tool, name))
                self.assertEqual(sorted(os.listdir(d)), sorted(HOSTILE))

    def test_stage_copies_under_safe_names(self):
        with tempfile.TemporaryDirectory() as d:
            for name in HOSTILE:
                write(os.path.join(d, 'tree', name), name)
            names = guard.stage(os.path.join(d, 'tree'), HOSTILE, os.path.join(d, 'stage'))
            self.assertEqual(sorted(names.values()), sorted(HOSTILE))
            for staged, path in names.items():
                self.assertEqual(read(os.path.join(d, 'stage', staged)), path.encode())


class Unstage(unittest.TestCase):
    def test_results_go_back_to_the_tree_names(self):
        path = 'drivers/sp ace.c'
        staged = guard.staged_name(path)
        h = conv.verdicts.Handler(file=staged, line=3, handler='f', fops=[], status='error:parse',
                                  reason='spatch --parse-c %s shows why' % staged)
        diff = guard.diff_header(staged) + '@@ -1 +1 @@\n-a\n+b\n'
        handlers, diffs, errors = conv.unstage({staged: path, 'x.c': 'x.c'}, [h],
                                               {staged: diff}, {staged: 'spatch timed out'})
        self.assertEqual((handlers[0].file, handlers[0].reason),
                         (path, 'spatch --parse-c %s shows why' % path))
        self.assertEqual(diffs, {path: guard.diff_header(path) + '@@ -1 +1 @@\n-a\n+b\n'})
        self.assertEqual(errors, {path: 'spatch timed out'})


class InPlace(unittest.TestCase):
    """guard.write_all: every file or none, whatever happens at each step."""

    FILES = {'a.c': b'old a\n', 'sub/b.c': b'old b\n', 'sub/c d.c': b'old c\n'}
    NEW = {path: text.replace(b'old', b'new') for path, text in FILES.items()}

    def tree(self, d):
        for path, text in self.FILES.items():
            write(os.path.join(d, path), text, 'wb')
        os.chmod(os.path.join(d, 'a.c'), 0o640)

    def assertUnchanged(self, d):
        found = {}
        for root, _, names in os.walk(d):
            for name in names:
                found[os.path.relpath(os.path.join(root, name), d)] = read(os.path.join(root,
                                                                                        name))
        self.assertEqual(found, self.FILES)

    def test_all_files_written(self):
        with tempfile.TemporaryDirectory() as d:
            self.tree(d)
            guard.write_all(d, self.NEW)
            for path, text in self.NEW.items():
                self.assertEqual(read(os.path.join(d, path)), text)
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(d, 'a.c')).st_mode), 0o640)
            self.assertEqual(sorted(os.listdir(os.path.join(d, 'sub'))), ['b.c', 'c d.c'])

    def fault(self, stage, victim, what):
        def step(at, path):
            if (at, path) != (stage, victim):
                return
            if what == 'error':
                raise PermissionError(13, 'Permission denied')
            os.kill(os.getpid(), what)
        return step

    def test_a_fault_at_any_step_leaves_the_tree_as_it_was(self):
        for stage in ('check', 'write', 'keep', 'rename'):
            for victim in sorted(self.FILES):
                for what in ('error', signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                    with self.subTest(stage=stage, victim=victim, what=what), \
                         tempfile.TemporaryDirectory() as d:
                        self.tree(d)
                        before = signal.getsignal(signal.SIGTERM)
                        expected = UserError if what == 'error' else KeyboardInterrupt
                        with self.assertRaises(expected) as err:
                            guard.write_all(d, self.NEW, step=self.fault(stage, victim, what))
                        self.assertUnchanged(d)
                        self.assertIn('%s is left unchanged' % d, str(err.exception))
                        if what == 'error':
                            self.assertIn('cannot write %s' % victim, str(err.exception))
                        self.assertEqual(signal.getsignal(signal.SIGTERM), before)

    def test_a_signal_during_the_renames_is_held_then_undoes_them(self):
        with tempfile.TemporaryDirectory() as d:
            self.tree(d)
            with self.assertRaises(KeyboardInterrupt):
                guard.write_all(d, self.NEW, step=self.fault('rename', 'a.c', signal.SIGINT))
            self.assertUnchanged(d)

    def test_a_file_that_cannot_be_replaced_is_named(self):
        with tempfile.TemporaryDirectory() as d:
            self.tree(d)
            # the temporary name of sub/b.c is taken: its new content cannot be written
            os.mkdir(guard._temp(os.path.join(d, 'sub', 'b.c'), 'new'))
            with self.assertRaises(UserError) as err:
                guard.write_all(d, self.NEW)
            self.assertRegex(str(err.exception), r'^cannot write sub/b\.c: File exists; ')
            os.rmdir(guard._temp(os.path.join(d, 'sub', 'b.c'), 'new'))
            self.assertUnchanged(d)

    @unittest.skipIf(os.geteuid() == 0, 'root writes read-only files')
    def test_a_read_only_file_is_named(self):
        with tempfile.TemporaryDirectory() as d:
            self.tree(d)
            os.chmod(os.path.join(d, 'sub', 'b.c'), 0o444)
            with self.assertRaises(UserError) as err:
                guard.write_all(d, self.NEW)
            self.assertIn('cannot write sub/b.c', str(err.exception))
            self.assertUnchanged(d)

    def test_a_symbolic_link_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            self.tree(d)
            os.symlink('a.c', os.path.join(d, 'link.c'))
            with self.assertRaises(UserError) as err:
                guard.write_all(d, dict(self.NEW, **{'link.c': b'x'}))
            self.assertIn('cannot write link.c: not a regular file', str(err.exception))
            os.unlink(os.path.join(d, 'link.c'))
            self.assertUnchanged(d)

    def test_new_contents_of_hostile_names(self):
        with tempfile.TemporaryDirectory() as d:
            text = ''
            for name in HOSTILE:
                write(os.path.join(d, name), 'a\nb\n')
                text += guard.diff_header(name) + '@@ -1,2 +1,2 @@\n a\n-b\n+B\n'
            self.assertEqual(conv.new_contents(d, text), {n: b'a\nB\n' for n in HOSTILE})


class Outputs(unittest.TestCase):
    def test_output_checks(self):
        with tempfile.TemporaryDirectory() as d:
            kdir = os.path.join(d, 'linux')
            write(os.path.join(kdir, 'drivers', 'x.c'), 'int x;\n')
            write(os.path.join(kdir, 'old.diff'), 'diff -u -p a/x b/x\n')
            ours = cli.earlier_diff
            with self.assertRaisesRegex(UserError, 'would overwrite a file of the kernel tree'):
                guard.check_output(kdir, os.path.join(kdir, 'drivers', 'x.c'), '-o', ours=ours)
            guard.check_output(kdir, os.path.join(kdir, 'old.diff'), '-o', ours=ours)
            for head in (b'{\n "census": {', b'# mmap handler audit: Linux 6.12\n',
                         b'<!DOCTYPE html>\n<html>\n<title>mmap handler audit: Linux'):
                self.assertTrue(cli.earlier_audit(head), head)
            for head in (b'{"mmap": 1}', b'# mmap\n', b'<!DOCTYPE html>\nmmap', b''):
                self.assertFalse(cli.earlier_audit(head), head)
            guard.check_output(kdir, os.path.join(kdir, 'new.diff'), '-o', ours=ours)
            guard.check_output(kdir, os.path.join(d, 'elsewhere.diff'), '-o', ours=ours)
            for bad, why in (('', 'empty'), (kdir, 'is a folder'),
                             (os.path.join(d, 'no', 'such.diff'), 'no such folder'),
                             ('/etc/passwd/x.diff', 'no such folder')):
                with self.assertRaisesRegex(UserError, why):
                    guard.check_output(kdir, bad, '-o', ours=ours)

    def test_output_folders(self):
        with tempfile.TemporaryDirectory() as d:
            kdir = os.path.join(d, 'linux')
            os.makedirs(os.path.join(kdir, 'sound'))
            for bad in (kdir, os.path.join(kdir, 'sound'), os.path.join(kdir, 'new'),
                        os.path.join(kdir, 'sound', '..')):
                with self.assertRaisesRegex(UserError, 'is inside the kernel tree'):
                    guard.check_folder_outside(kdir, bad, '-O')
            with self.assertRaisesRegex(UserError, 'is not a folder'):
                guard.check_folder_outside(kdir, '/etc/passwd/x', '-O')
            guard.check_folder_outside(kdir, os.path.join(d, 'out', 'deeper'), '-O')


class Paths(unittest.TestCase):
    def test_current_folder_first_then_kdir(self):
        with tempfile.TemporaryDirectory() as d:
            for folder in ('misc', 'drivers/misc', 'drivers/char'):
                os.makedirs(os.path.join(d, folder))
            old = os.getcwd()
            try:
                os.chdir(os.path.join(d, 'drivers'))
                # cd drivers; audit .. misc: drivers/misc, not the top misc/
                self.assertEqual(tree.relative_paths('..', ['misc']), ['drivers/misc'])
                self.assertEqual(tree.relative_paths('..', ['char', '.']),
                                 ['drivers/char', 'drivers'])
                os.chdir(TOP)
                # from elsewhere, a path of KDIR (a scripts/ here is outside it)
                os.makedirs(os.path.join(d, 'scripts'))
                self.assertEqual(tree.relative_paths(d, ['scripts', 'drivers/char']),
                                 ['scripts', 'drivers/char'])
                with self.assertRaisesRegex(UserError, 'is outside the kernel tree'):
                    tree.relative_paths(os.path.join(d, 'drivers'), ['../misc'])
                with self.assertRaisesRegex(UserError, 'an empty PATH argument'):
                    tree.relative_paths(d, [''])
            finally:
                os.chdir(old)

    def test_named_files_are_read_even_when_git_does_not_have_them(self):
        with tempfile.TemporaryDirectory() as d:
            write(os.path.join(d, 'Makefile'), '')
            write(os.path.join(d, 'MAINTAINERS'), '')
            write(os.path.join(d, 'include/linux/fs.h'), '')
            for cmd in (['git', 'init', '-q'], ['git', 'add', '-A'],
                        ['git', '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm',
                         'b']):
                processes.run(cmd, cwd=d)
            text = 'static const struct file_operations f = { .mmap = g };\n'
            write(os.path.join(d, 'drivers', 'new one.c'), text)
            self.assertEqual(tree.candidate_files(d, ['drivers/new one.c']),
                             ['drivers/new one.c'])

    def test_crlf_files_are_named(self):
        with tempfile.TemporaryDirectory() as d:
            write(os.path.join(d, 'a.c'), b'int a;\r\n', 'wb')
            write(os.path.join(d, 'b.c'), b'int b;\n', 'wb')
            found = conv.crlf_files(d, ['a.c', 'b.c'])
            self.assertEqual(list(found), ['a.c'])
            self.assertTrue(found['a.c'].startswith('CRLF line ends: '))


class Git(unittest.TestCase):
    """A tree whose git configuration names programs: reading it runs none."""

    def test_reading_a_tree_runs_nothing_of_it(self):
        with tempfile.TemporaryDirectory() as d:
            t = os.path.join(d, 'tree')
            mark = os.path.join(d, 'mark.sh')
            write(mark, '#!/bin/sh\ntouch "%s/RAN-$1"\ncat\n' % d)
            os.chmod(mark, 0o755)
            write(os.path.join(t, 'a.c'), 'int a;\n')
            write(os.path.join(t, '.gitattributes'), '* filter=evil diff=evil\n')
            write(os.path.join(t, 'hooks', 'post-checkout'), '#!/bin/sh\n"%s" hook\n' % mark)
            os.chmod(os.path.join(t, 'hooks', 'post-checkout'), 0o755)
            plain = dict(os.environ, GIT_CONFIG_NOSYSTEM='1', GIT_CONFIG_GLOBAL=os.devnull)
            for cmd in (['init', '-q'], ['add', '-A'],
                        ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'b']):
                subprocess.run(['git'] + cmd, cwd=t, env=plain, check=True)
            for key, value in (('core.fsmonitor', mark + ' fsmonitor'),
                               ('core.hooksPath', 'hooks'),
                               ('filter.evil.clean', mark + ' clean'),
                               ('filter.evil.smudge', mark + ' smudge'),
                               ('filter.a=b.process', mark + ' process'),
                               ('diff.evil.textconv', mark + ' textconv'),
                               ('gpg.program', mark + ' gpg'),
                               ('log.showSignature', 'true')):
                subprocess.run(['git', 'config', key, value], cwd=t, env=plain, check=True)
            os.utime(os.path.join(t, 'a.c'), (1, 1))
            processes.git_overrides.cache_clear()
            for cmd in (['status', '--porcelain'], ['ls-files', '--error-unmatch', 'a.c'],
                        ['grep', '-l', '-e', 'int', '--', '*.c'], ['log', '-p', '-1'],
                        ['checkout', '-q', '-f', 'HEAD'], ['diff', '--name-status', 'HEAD']):
                proc = processes.run(['git'] + cmd, cwd=t, check=False)
                self.assertEqual(proc.returncode, 0, (cmd, proc.stderr))
            self.assertEqual([f for f in os.listdir(d) if f.startswith('RAN-')], [])
            self.assertEqual(processes.git_ignored(t), ['core.fsmonitor', 'core.hookspath',
                                                    'diff.evil.textconv', 'filter.a=b.process',
                                                    'filter.evil.clean', 'filter.evil.smudge',
                                                    'gpg.program', 'log.showsignature'])
            self.assertIn('core.fsmonitor', ' '.join(conv.ignored_settings(t)))
            # and the same commands without the overrides do run them
            subprocess.run(['git', 'status', '--porcelain'], cwd=t, capture_output=True)
            self.assertIn('RAN-fsmonitor', os.listdir(d))


class Usage(unittest.TestCase):
    def run_cli(self, *argv):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), self.assertRaises(SystemExit) as exit:
            status = cli.main(list(argv))
            raise SystemExit(status)
        return exit.exception.code, err.getvalue()

    def test_bad_numbers_and_empty_arguments_give_one_line(self):
        for argv, words in ((['convert', 'x', '-j', '0'], '-j/--jobs: 0: give 1 or more'),
                            (['audit', 'x', '-j', '-1'], '-j/--jobs: -1: give 1 or more'),
                            (['convert', 'x', '--timeout', '-5'], '--timeout: -5: give 1'),
                            (['convert', 'x', '--timeout', 'soon'], "'soon' is not a whole"),
                            (['series', 'x', '-o', 'y', '--max-patches', '0'],
                             '--max-patches: 0: give 1 or more'),
                            (['verify', 'x', '--patch', 'p', '-j', '0'], '-j/--jobs: 0'),
                            (['convert', ''], 'KDIR is an empty argument'),
                            (['convert', TOP, '-o', '/etc/passwd/x'], 'no such folder')):
            with self.subTest(argv=argv):
                status, err = self.run_cli(*argv)
                self.assertEqual(status, 2)
                self.assertEqual(err.count('\n'), 1, err)
                self.assertIn(words, err)

    def test_not_an_audit(self):
        with tempfile.TemporaryDirectory() as d:
            for text in ('{"a": 1}', '[1, 2]', '{"handlers": [{"file": 1}]}',
                         '{"handlers": [], "paths": "x"}'):
                write(os.path.join(d, 'old.json'), text)
                with self.assertRaisesRegex(UserError, 'is not an audit'):
                    audit.check_audit(json.loads(text), os.path.join(d, 'old.json'))

    def test_make_quotes_paths(self):
        out = subprocess.run(['make', '-s', '-n', '-C', TOP, 'convert', "KDIR=/tmp/a b'c",
                              'M=drivers/x y', 'O=/tmp/o u'], capture_output=True,
                             text=True).stdout
        line = [l for l in out.replace('\\\n', ' ').splitlines() if 'convert.py' in l][0]
        words = shlex.split(line)
        self.assertEqual(words[words.index('convert') + 3:],
                         ["/tmp/a b'c", 'drivers/x y', '-o', '/tmp/o u/mmap_prepare.diff'])


class CacheShape(unittest.TestCase):
    REPORT = 'a.c:3:11-19: foo (f): converted:prepare: foo becomes foo_prepare'

    def test_an_entry_of_the_wrong_shape_is_a_miss(self):
        with tempfile.TemporaryDirectory() as d:
            cache = sp.Cache(d, '1.1.1')
            for bad in ([], {'reports': 'x', 'diff': [], 'errors': {}},
                        {'reports': ['not a report'], 'diff': [], 'errors': {}},
                        {'reports': [], 'diff': [1], 'errors': {}},
                        {'reports': [], 'diff': [], 'errors': {'a.c': 2}},
                        {'reports': [], 'diff': []}):
                cache.put('ab' + '0' * 62, bad)
                self.assertIsNone(cache.get('ab' + '0' * 62), bad)
            good = {'reports': [self.REPORT], 'diff': [], 'errors': {}}
            cache.put('ab' + '0' * 62, good)
            self.assertEqual(cache.get('ab' + '0' * 62), good)


class Progress(unittest.TestCase):
    def test_counts_the_workers_output(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, 'out')
            write(out, '')
            write(os.path.join(d, 'workers_x_1', 'stdout.0'),
                  'a.c:3:11-19: foo (f): converted:prepare: x\n')
            write(os.path.join(d, 'workers_x_1', 'stdout.1'),
                  'b.c:3:11-19: bar (f): blocked:dma: x\n')
            progress = sp.Progress(3, 'spatch', out, os.path.join(d, 'workers'))
            progress.tty = True
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                progress.update()
            self.assertIn('spatch [2/3]', err.getvalue())


class Manifest(unittest.TestCase):
    """series' OUTDIR: only what an earlier run listed is replaced or removed."""

    def test_refusals(self):
        with tempfile.TemporaryDirectory() as d:
            kdir = os.path.join(d, 'linux')
            os.makedirs(os.path.join(kdir, 'sound'))
            for bad in (kdir, os.path.join(kdir, 'sound')):
                with self.assertRaisesRegex(UserError, 'inside the kernel tree'):
                    ser.Manifest.open(kdir, bad)
            user = os.path.join(d, 'user')
            write(os.path.join(user, 'mine', 'send.sh'), '')
            write(os.path.join(user, 'mine', 'main.c'), '')
            with self.assertRaisesRegex(UserError, 'holds files series did not write '
                                        r'\(mine\)'):
                ser.Manifest.open(kdir, user)
            write(os.path.join(d, 'forged', ser.MANIFEST), 'mine/\n')
            with self.assertRaisesRegex(UserError, 'was not written by series'):
                ser.Manifest.open(kdir, os.path.join(d, 'forged'))
            with self.assertRaisesRegex(UserError, '--worktree .* is inside the kernel tree'):
                ser.Manifest.open(kdir, os.path.join(d, 'new'), worktree=kdir)

    def test_only_listed_files_go(self):
        with tempfile.TemporaryDirectory() as d:
            kdir = os.path.join(d, 'linux')
            os.makedirs(kdir)
            out = os.path.join(d, 'out')
            m = ser.Manifest.open(kdir, out)
            m.folder('one')
            m.write('one/0001-x.patch', 'x')
            m.write('one/send.sh', 'y', 0o755)
            m.folder('two')
            m.write('two/0001-y.patch', 'y')
            m.write(ser.INDEX, 'index')
            self.assertTrue(os.access(os.path.join(out, 'one', 'send.sh'), os.X_OK))
            # the user adds files of their own
            write(os.path.join(out, 'notes.txt'), 'mine')
            write(os.path.join(out, 'two', 'review.txt'), 'mine')
            m = ser.Manifest.open(kdir, out)
            m.clean()
            self.assertEqual(sorted(os.listdir(out)), [ser.MANIFEST, 'notes.txt', 'two'])
            self.assertEqual(os.listdir(os.path.join(out, 'two')), ['review.txt'])
            # two/ is still ours to write in, but not over the user's file
            m.folder('two')
            m.write('two/0001-y.patch', 'y')
            with self.assertRaisesRegex(UserError, 'review.txt exists and series did not '
                                        'write it'):
                m.write('two/review.txt', 'z')
            with self.assertRaisesRegex(UserError, 'notes.txt exists and series did not'):
                m.folder('notes.txt')
            self.assertEqual(read(os.path.join(out, 'two', 'review.txt')), b'mine')


if __name__ == '__main__':
    unittest.main()
