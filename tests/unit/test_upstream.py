"""The conversion against upstream's by hand (upstream.py), on small
made-up files: no spatch, no kernel tree."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))

from mmapconv import upstream  # noqa: E402
from mmapconv.verdicts import Handler  # noqa: E402

OURS = '''\
static int foo_mmap_prepare(struct vm_area_desc *desc)
{
	/* checks first */
	if (desc->pgoff)
		return -EINVAL;
	desc->vm_ops = &foo_vm_ops;
	return 0;
}

static const struct file_operations foo_fops = {
	.owner		= THIS_MODULE,
	.mmap_prepare	= foo_mmap_prepare,
};
'''

# the same hook laid out and commented otherwise
THEIRS_SAME = '''\
static int foo_mmap_prepare(struct vm_area_desc *desc)
{
	if (desc->pgoff)	return -EINVAL;
	desc->vm_ops = &foo_vm_ops;	// fault path
	return 0;
}

static const struct file_operations foo_fops = {
	.mmap_prepare = foo_mmap_prepare,
};
'''

THEIRS_LEGACY = '''\
static int foo_mmap(struct file *file, struct vm_area_struct *vma)
{
	return 0;
}

static const struct file_operations foo_fops = {
	.mmap = foo_mmap,
};
'''


def handler(status='converted:prepare', fops=('foo_fops',)):
    return Handler(file='drivers/foo.c', line=1, handler='foo_mmap', fops=list(fops),
                   status=status, reason='why')


class Later:
    """A later tree holding files {path: text}."""

    def __init__(self, files):
        self.tmp = tempfile.TemporaryDirectory()
        for path, text in files.items():
            full = os.path.join(self.tmp.name, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, 'w') as out:
                out.write(text)

    def __enter__(self):
        return self.tmp.name

    def __exit__(self, *exc):
        self.tmp.cleanup()


class Parts(unittest.TestCase):
    def test_hooks_of_an_initializer(self):
        self.assertEqual(upstream.hooks(OURS, 'foo_fops'), ('foo_mmap_prepare', None))
        self.assertEqual(upstream.hooks(THEIRS_LEGACY, 'foo_fops'), (None, 'foo_mmap'))
        self.assertEqual(upstream.hooks(OURS, 'bar_fops'), (None, None))

    def test_array_initializer(self):
        text = 'static const struct file_operations f[] = {\n\t{ .mmap = a_mmap, },\n};\n'
        self.assertEqual(upstream.hooks(text, 'f'), (None, 'a_mmap'))

    def test_tokens_ignore_comments_and_layout(self):
        self.assertEqual(upstream.tokens('a  =\n\tb; /* x */ // y'), ['a', '=', 'b', ';'])


class Verdicts(unittest.TestCase):
    def verdict(self, ours_text, theirs_files, status='converted:prepare'):
        with Later(theirs_files) as later:
            return upstream.compare_handler(handler(status), {'drivers/foo.c': ours_text},
                                            '/nonexistent', later)

    def test_same_tokens_are_same(self):
        row = self.verdict(OURS, {'drivers/foo.c': THEIRS_SAME})
        self.assertEqual(row.verdict, upstream.SAME)
        self.assertEqual(row.similarity, 1.0)

    def test_other_tokens_differ_with_a_diff(self):
        row = self.verdict(OURS, {'drivers/foo.c': THEIRS_SAME.replace('-EINVAL', '-ENXIO')})
        self.assertEqual(row.verdict, upstream.DIFFERS)
        self.assertLess(row.similarity, 1.0)
        self.assertIn('-\t\treturn -EINVAL;', row.diff())
        self.assertIn('+\tif (desc->pgoff)\treturn -ENXIO;', row.diff())

    def test_upstream_only_when_we_left_it(self):
        row = self.verdict(None, {'drivers/foo.c': THEIRS_SAME}, status='blocked:dma')
        self.assertEqual(row.verdict, upstream.UPSTREAM_ONLY)

    def test_ours_only_when_upstream_kept_mmap(self):
        row = self.verdict(OURS, {'drivers/foo.c': THEIRS_LEGACY})
        self.assertEqual(row.verdict, upstream.OURS_ONLY)

    def test_a_moved_file_is_found_by_its_ops_variable(self):
        row = self.verdict(OURS, {'drivers/bar/foo.c': THEIRS_SAME})
        self.assertEqual((row.verdict, row.where), (upstream.SAME, 'drivers/bar/foo.c'))

    def test_gone_without_the_ops_variable(self):
        row = self.verdict(OURS, {'drivers/foo.c': 'int x;\n'})
        self.assertEqual(row.verdict, upstream.GONE)

    def test_a_hook_defined_elsewhere_compares_by_name(self):
        generic = 'static const struct file_operations foo_fops = {\n' \
                  '\t.mmap_prepare = generic_file_mmap_prepare,\n};\n'
        self.assertEqual(self.verdict(generic, {'drivers/foo.c': generic}).verdict,
                         upstream.SAME)
        row = self.verdict(OURS, {'drivers/foo.c': generic})
        self.assertEqual(row.verdict, upstream.DIFFERS)
        self.assertIn('+.mmap_prepare = generic_file_mmap_prepare (defined in another file)',
                      row.diff())


if __name__ == '__main__':
    unittest.main()
