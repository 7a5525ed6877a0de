"""Comments that follow a converted function (comments.py)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))

from mmapconv import comments  # noqa: E402

DIFF = '''\
--- a/x.c
+++ b/x.c
@@ -1,9 +1,9 @@
-static int foo_mmap(struct file *filp, struct vm_area_struct *vma)
+static int foo_mmap_prepare(struct vm_area_desc *desc)
-static int foo_mmap_buf(struct foo *foo,
-			struct vm_area_struct *area)
+static int foo_mmap_prepare_buf(struct foo *foo,
+				struct vm_area_desc *desc)
-static void bar_setup(struct vm_area_struct *vma)
+static void bar_setup(struct vm_area_desc *desc)
-static int other(struct file *file, struct vm_area_struct *vma)
+static int unrelated(struct vm_area_desc *desc)
'''


class Renames(unittest.TestCase):
    def test_handlers_helpers_and_same_name(self):
        found = {r.new: (r.old, r.lost, r.vma, r.desc) for r in comments.renames(DIFF)}
        self.assertEqual(found, {
            'foo_mmap_prepare': ('foo_mmap', ['filp'], 'vma', 'desc'),
            'foo_mmap_prepare_buf': ('foo_mmap_buf', [], 'area', 'desc'),
            'bar_setup': ('bar_setup', [], 'vma', 'desc'),
        })

    def test_prepare_names(self):
        self.assertEqual(comments.prepare_names('gsc_setup_vma'),
                         {'gsc_setup_vma_prepare', 'gsc_setup_desc'})
        self.assertIn('relay_mmap_prepare_buf', comments.prepare_names('relay_mmap_buf'))


TEXT = '''\
/**
 * foo_mmap - map it
 * @filp: the file
 * @vma: the area, which must not
 *       be larger than a page
 * @other: kept
 *
 * Calls foo_mmap_buf().
 */

static int foo_mmap_prepare(struct vm_area_desc *desc)
{
	return foo_mmap_prepare_buf(NULL, desc);
}

/* foo_mmap() is the only caller; foo_mmap_buf() is not */
int foo_mmap_buf_user(void) { return foo_mmap_buf(0, 0); }
'''


class Follow(unittest.TestCase):
    def setUp(self):
        self.found = [comments.Rename('foo_mmap', 'foo_mmap_prepare', ['filp'], 'vma', 'desc'),
                      comments.Rename('foo_mmap_buf', 'foo_mmap_prepare_buf', [], 'vma', 'desc')]
        self.out = comments.follow_renames(TEXT, self.found)

    def test_kernel_doc_above_the_definition(self):
        head = self.out.split('*/')[0]
        self.assertEqual(head, '/**\n * foo_mmap_prepare - map it\n'
                               ' * @desc: describing what to map\n * @other: kept\n *\n'
                               ' * Calls foo_mmap_buf().\n ')

    def test_other_comments_only_once_code_no_longer_uses_the_name(self):
        self.assertIn('/* foo_mmap_prepare() is the only caller; foo_mmap_buf() is not */',
                      self.out)

    def test_a_comment_two_blank_lines_away_is_not_its_doc(self):
        text = '/* foo_mmap */\n\n\nstatic int foo_mmap_prepare(struct vm_area_desc *d)\n{\n}\n'
        self.assertIsNone(comments.comment_above(text, 'foo_mmap_prepare'))

    def test_file_operations_member_in_the_doc(self):
        text = '/*\n * nt_mmap - file_operations::mmap\n */\n' \
               'static int nt_mmap_prepare(struct vm_area_desc *desc)\n{\n}\n'
        r = comments.Rename('nt_mmap', 'nt_mmap_prepare', ['file'], 'vma', 'desc')
        self.assertIn(' * nt_mmap_prepare - file_operations::mmap_prepare\n',
                      comments.follow_renames(text, [r]))


if __name__ == '__main__':
    unittest.main()
