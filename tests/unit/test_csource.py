"""The definition finder every part of the package shares (csource.py)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))

from mmapconv import csource  # noqa: E402

SOURCE = '''static const struct file_operations foo_fops = {
	.mmap = foo_mmap,
};

int foo_count = foo_mmap(NULL, NULL);

static int foo_mmap(struct file *file,
		    struct vm_area_struct *vma)
{
	if (vma->vm_pgoff) {
		return -EINVAL;
	}
	return 0;
}

static void foo_open(void) {}
'''


class Definitions(unittest.TestCase):
    def test_definition_runs_from_header_to_closing_brace(self):
        d = csource.definition(SOURCE, 'foo_mmap')
        self.assertTrue(d.text.startswith('static int foo_mmap(struct file *file,'))
        self.assertTrue(d.text.endswith('return 0;\n}'))
        self.assertEqual(' '.join(d.params.split()),
                         'struct file *file, struct vm_area_struct *vma')
        self.assertTrue(d.body.strip().startswith('if (vma->vm_pgoff) {'))
        self.assertTrue(d.body.rstrip().endswith('return 0;'))

    def test_calls_and_initializers_are_not_definitions(self):
        self.assertIsNone(csource.definition(SOURCE.split('static int foo_mmap(')[0],
                                             'foo_mmap'))
        self.assertIsNone(csource.definition(SOURCE, 'bar_mmap'))

    def test_unclosed_block_has_no_end(self):
        self.assertIsNone(csource.definition('int f(void)\n{\n\tif (x) {\n', 'f'))
        self.assertIsNone(csource.block_end('{ {', 1))
        self.assertEqual(csource.block_end('{ { } } x', 1), 7)


if __name__ == '__main__':
    unittest.main()
