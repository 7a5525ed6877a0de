"""The whole-tree checker's own text checks bite (tests/tree/check_kernel.py)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                'tree'))

from check_kernel import POPULATE, function_body, unexplained_vma_uses  # noqa: E402

SOURCE = '''
static int foo_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_end - vma->vm_start > SZ)
		return -EINVAL;
	vm_flags_set(vma, VM_IO);
	vma->vm_ops = &foo_ops;
	%s
	return 0;
}
'''


class TextChecks(unittest.TestCase):
    def uses(self, extra, helpers=()):
        params, body = function_body(SOURCE % extra, 'foo_mmap')
        return body, unexplained_vma_uses(params, body, list(helpers))

    def test_translatable_body_passes(self):
        self.assertEqual(self.uses('')[1], [])

    def test_unknown_call_is_caught(self):
        self.assertEqual(len(self.uses('foo_track(vma);')[1]), 1)

    def test_call_to_converted_helper_passes(self):
        self.assertEqual(self.uses('foo_track(vma);', ['foo_track'])[1], [])

    def test_private_data_read_is_caught(self):
        self.assertEqual(len(self.uses('if (!vma->vm_private_data) return -1;')[1]), 1)

    def test_populate_is_caught(self):
        body, _ = self.uses('return remap_pfn_range(vma, vma->vm_start, 0, SZ, p);')
        self.assertTrue(POPULATE.search(body))


if __name__ == '__main__':
    unittest.main()
