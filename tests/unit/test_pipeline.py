"""Pure logic of scripts/mmapconv: no spatch, no kernel tree."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))

from mmapconv import UserError, verdicts, processes, tree  # noqa: E402
from mmapconv import convert as conv  # noqa: E402
from mmapconv import spatch as sp  # noqa: E402


def handler(status, name='foo_mmap', path='drivers/char/foo.c', fops=('foo_fops',)):
    return verdicts.Handler(file=path, line=10, handler=name, fops=list(fops),
                            status=status, reason='why')


class ReportLines(unittest.TestCase):
    def test_report_line_parsed(self):
        result = sp.Result()
        sp._collect('drivers/char/foo.c:12:11-19: foo_mmap (a_fops, b_fops): '
                    'blocked:delegates(vb2_mmap): foo_mmap hands the VMA to '
                    'vb2_mmap(), which must gain a prepare form first\n', result)
        self.assertEqual(result.diff, [])
        h = verdicts.from_report(result.reports[0])
        self.assertEqual((h.file, h.line, h.handler), ('drivers/char/foo.c', 12, 'foo_mmap'))
        self.assertEqual(h.fops, ['a_fops', 'b_fops'])
        self.assertEqual(h.status, 'blocked:delegates(vb2_mmap)')
        self.assertEqual(h.family, 'blocked:delegates')
        self.assertTrue(h.reason.startswith('foo_mmap hands'))

    def test_diff_lines_are_not_reports(self):
        diff = ('diff -u -p a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n'
                ' x.c:1:1-2: foo (f): converted:prepare: looks like a report\n'
                '-old\n+new\n')
        result = sp.Result()
        sp._collect(diff, result)
        self.assertEqual(result.reports, [])
        self.assertEqual(''.join(result.diff), diff)

    def test_timeouts_and_exceptions_name_the_file(self):
        result = sp.Result()
        sp._errors(['timeout (we abort): drivers/a.c\n',
                    'EXN: Failure("boom") in fs/b.c\n'], ['drivers/a.c', 'fs/b.c'], 0, result)
        self.assertEqual(result.errors['drivers/a.c'], 'spatch timed out')
        self.assertTrue(result.errors['fs/b.c'].startswith('spatch failed'))

    def test_a_crash_blames_the_whole_share(self):
        result = sp.Result()
        sp._errors(['Fatal error: exception Not_found\n'], ['a.c', 'b.c'], 2, result)
        self.assertEqual(sorted(result.errors), ['a.c', 'b.c'])


class Summary(unittest.TestCase):
    def test_counts_add_up(self):
        hs = [handler('converted:prepare'), handler('converted:generic', 'generic_file_mmap'),
              handler('blocked:delegates(vb2_mmap)', 'a'), handler('blocked:delegates(x)', 'b'),
              handler('blocked:dma', 'c')]
        self.assertEqual(verdicts.summary(hs),
                         '5 handlers: 2 converted (1 generic, 1 prepare), 3 left alone '
                         '(2 blocked:delegates, 1 blocked:dma)')

    def test_merge_joins_fops_of_one_handler(self):
        a = handler('converted:prepare', fops=['b_fops'])
        b = handler('converted:prepare', fops=['a_fops'])
        merged = verdicts.merge([a, b])
        self.assertEqual(len(merged), 1)
        self.assertEqual(merged[0].fops, ['a_fops', 'b_fops'])

    def test_is_static(self):
        src = 'static int\nfoo_mmap(struct file *f, struct vm_area_struct *v)\n{'
        self.assertTrue(verdicts.is_static(src, 'foo_mmap'))
        self.assertFalse(verdicts.is_static('int foo_mmap(struct file *f)\n{', 'foo_mmap'))
        self.assertFalse(verdicts.is_static('static int foo_mmap_x(void)', 'foo_mmap'))


class Diffs(unittest.TestCase):
    def test_split_diff_by_file(self):
        lines = ['diff -u -p a/x.c b/x.c\n', '--- a/x.c\n', '+++ b/x.c\n', '@@ -1 +1 @@\n',
                 '-a\n', '+b\n', 'diff -u -p a/d/y.c b/d/y.c\n', '--- a/d/y.c\n']
        parts = conv.split_diff(lines)
        self.assertEqual(sorted(parts), ['d/y.c', 'x.c'])
        self.assertTrue(parts['x.c'].endswith('+b\n'))


class KernelTree(unittest.TestCase):
    def test_not_a_kernel_tree(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaises(UserError) as err:
                tree.check_kernel_tree(d)
            self.assertIn('is not a kernel tree', str(err.exception))
            self.assertIn('MAINTAINERS', str(err.exception))

    def test_missing_directory(self):
        with self.assertRaises(UserError):
            tree.check_kernel_tree('/nonexistent/linux')

    def test_candidates_need_member_and_structure(self):
        with tempfile.TemporaryDirectory() as d:
            for marker in tree.KERNEL_MARKERS:
                os.makedirs(os.path.dirname(os.path.join(d, marker)), exist_ok=True)
                open(os.path.join(d, marker), 'w').close()
            os.makedirs(os.path.join(d, 'drivers'))
            files = {
                'drivers/fops.c': 'struct file_operations f = { .mmap = a };',
                'drivers/proc.c': 'struct proc_ops p = { .proc_mmap\t= b };',
                'drivers/v4l2.c': 'struct v4l2_file_operations v = { .mmap = c };',
                'drivers/none.c': 'struct file_operations f = { .read = r };',
                'drivers/fops.txt': 'struct file_operations f = { .mmap = a };',
            }
            for name, text in files.items():
                with open(os.path.join(d, name), 'w') as out:
                    out.write(text)
            self.assertEqual(tree.candidate_files(d), ['drivers/fops.c', 'drivers/proc.c'])
            self.assertEqual(tree.candidate_files(d, ['drivers/proc.c']), ['drivers/proc.c'])
            with self.assertRaises(UserError):
                tree.candidate_files(d, ['/etc'])

    def test_spatch_temporary_names_become_a_b_paths(self):
        result = sp.Result()
        sp._collect('--- drivers/x.c\n+++ /tmp/cocci-output-1-abc-x.c\n@@ -1 +1 @@\n'
                    '-old\n+new\n', result)
        self.assertEqual(''.join(result.diff),
                         'diff -u -p a/drivers/x.c b/drivers/x.c\n--- a/drivers/x.c\n'
                         '+++ b/drivers/x.c\n@@ -1 +1 @@\n-old\n+new\n')


class Spatch(unittest.TestCase):
    def test_version_parsing(self):
        self.assertEqual(processes.parse_version('spatch version 1.1.1 compiled with OCaml'),
                         (1, 1, 1))
        self.assertIsNone(processes.parse_version('garbage'))

    def test_missing_spatch_is_a_clear_error(self):
        with self.assertRaises(UserError) as err:
            processes.spatch_version('/nonexistent/spatch')
        self.assertIn('spatch not found', str(err.exception))

    def test_old_spatch_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            fake = os.path.join(d, 'spatch')
            with open(fake, 'w') as out:
                out.write('#!/bin/sh\necho "spatch version 1.0.8 compiled with OCaml"\n')
            os.chmod(fake, 0o755)
            with self.assertRaises(UserError) as err:
                processes.spatch_version(fake)
            self.assertIn('too old', str(err.exception))

    def test_options_line(self):
        with tempfile.NamedTemporaryFile('w', suffix='.cocci', delete=False) as f:
            f.write('/// x\n// Options: --no-includes --include-headers\nvirtual patch\n')
        try:
            self.assertEqual(sp.cocci_options(f.name), ['--no-includes', '--include-headers'])
        finally:
            os.unlink(f.name)


if __name__ == '__main__':
    unittest.main()


class InPlace(unittest.TestCase):
    DIFF = ('diff -u -p a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n'
            '-int old;\n+int new;\n')

    def tree(self, d):
        with open(os.path.join(d, 'x.c'), 'w') as out:
            out.write('int old;\n')
        for cmd in (['git', 'init', '-q'], ['git', 'add', 'x.c'],
                    ['git', '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'b']):
            processes.run(cmd, cwd=d)

    def test_applies_to_a_clean_tree(self):
        with tempfile.TemporaryDirectory() as d:
            self.tree(d)
            conv.apply_in_place(d, self.DIFF, ['x.c'])
            with open(os.path.join(d, 'x.c')) as src:
                self.assertEqual(src.read(), 'int new;\n')

    def test_refuses_uncommitted_changes(self):
        with tempfile.TemporaryDirectory() as d:
            self.tree(d)
            with open(os.path.join(d, 'x.c'), 'a') as out:
                out.write('/* mine */\n')
            with self.assertRaises(UserError) as err:
                conv.apply_in_place(d, self.DIFF, ['x.c'])
            self.assertIn('uncommitted changes in x.c', str(err.exception))

    def test_a_patch_that_does_not_apply_changes_nothing(self):
        with tempfile.TemporaryDirectory() as d:
            self.tree(d)
            bad = self.DIFF + ('diff -u -p a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n'
                               '@@ -1 +1 @@\n-int missing;\n+int y;\n')
            with self.assertRaises(UserError):
                conv.apply_in_place(d, bad, ['x.c'])
            with open(os.path.join(d, 'x.c')) as src:
                self.assertEqual(src.read(), 'int old;\n')
