"""Added initializer members at their neighbours' column (layout.py)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))

from mmapconv import layout  # noqa: E402

HEAD = '--- a/x.c\n+++ b/x.c\n@@ -1,6 +1,6 @@\n'


def shown(diff):
    return layout.align_members(HEAD + diff)[len(HEAD):].replace('\t', '<T>')


class Align(unittest.TestCase):
    def test_tab_aligned_neighbours_give_the_column(self):
        diff = (' \t.read\t\t= f_read,\n'
                '-\t.mmap\t\t= f_mmap,\n'
                '+\t.mmap_prepare = f_mmap_prepare,\n'
                '+\t.mmap_complete = f_mmap_complete,\n'
                ' \t.open\t\t= f_open,\n')
        self.assertEqual(shown(diff), (
            ' <T>.read<T><T>= f_read,\n'
            '-<T>.mmap<T><T>= f_mmap,\n'
            '+<T>.mmap_prepare<T>= f_mmap_prepare,\n'
            '+<T>.mmap_complete<T>= f_mmap_complete,\n'
            ' <T>.open<T><T>= f_open,\n'))

    def test_single_spaced_file_is_left_as_spatch_wrote_it(self):
        diff = (' \t.read = f_read,\n'
                '-\t.mmap = f_mmap,\n'
                '+\t.mmap_prepare = f_mmap_prepare,\n')
        self.assertEqual(shown(diff), diff.replace('\t', '<T>'))

    def test_a_name_past_the_column_keeps_one_space(self):
        diff = (' \t.read\t= f_read,\n'
                '-\t.proc_mmap\t= f_mmap,\n'
                '+\t.proc_mmap_prepare = f_mmap_prepare,\n')
        self.assertEqual(shown(diff), diff.replace('\t', '<T>'))

    def test_other_indentation_is_not_a_neighbour(self):
        diff = (' \t\t.read\t\t= f_read,\n'
                '-\t.mmap = f_mmap,\n'
                '+\t.mmap_prepare = f_mmap_prepare,\n')
        self.assertEqual(shown(diff), diff.replace('\t', '<T>'))

    def test_hunks_and_files_are_judged_apart(self):
        diff = (' \t.read\t\t= f_read,\n'
                '-\t.mmap\t\t= f_mmap,\n'
                '+\t.mmap_prepare = f_mmap_prepare,\n'
                'diff -u -p a/y.c b/y.c\n'
                '--- a/y.c\n'
                '+++ b/y.c\n'
                '@@ -1,2 +1,2 @@\n'
                '-\t.mmap = g_mmap,\n'
                '+\t.mmap_prepare = g_mmap_prepare,\n')
        out = shown(diff)
        self.assertIn('+<T>.mmap_prepare<T>= f_mmap_prepare,', out)
        self.assertIn('+<T>.mmap_prepare = g_mmap_prepare,', out)

    def test_neighbours_are_those_of_the_same_initializer(self):
        diff = (' static const struct file_operations a_fops = {\n'
                ' \t.open\t\t= a_open,\n'
                '-\t.mmap\t\t= a_mmap,\n'
                '+\t.mmap_prepare = a_mmap_prepare,\n'
                ' };\n'
                ' \n'
                ' static const struct file_operations b_fops = {\n'
                '-\t.mmap = b_mmap,\n'
                '+\t.mmap_prepare = b_mmap_prepare,\n'
                ' };\n')
        out = shown(diff)
        self.assertIn('+<T>.mmap_prepare<T>= a_mmap_prepare,', out)
        self.assertIn('+<T>.mmap_prepare = b_mmap_prepare,', out)

    def test_only_whitespace_of_added_lines_changes(self):
        diff = ('-\t.mmap\t\t= f_mmap,\n'
                '+\t.mmap_prepare = f_mmap_prepare,\n')
        out = layout.align_members(HEAD + diff)
        self.assertEqual([r for r in out.split('\n') if not r.startswith('+')],
                         [r for r in (HEAD + diff).split('\n') if not r.startswith('+')])
        self.assertEqual(out.replace('\t', '').replace(' ', ''),
                         (HEAD + diff).replace('\t', '').replace(' ', ''))

    def test_width_counts_tab_stops(self):
        self.assertEqual(layout.width('\t.mmap\t\t'), 24)
        self.assertEqual(layout.width('\t.mmap_prepare\t'), 24)


if __name__ == '__main__':
    unittest.main()
