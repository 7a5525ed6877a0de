# SPDX-License-Identifier: GPL-2.0-only
"""Which API target a tree's headers choose (scripts/mmapconv/target.py)."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))

from mmapconv import UserError  # noqa: E402
from mmapconv import target as tgt  # noqa: E402

V1_DESC = '''struct vm_area_desc {
	struct mm_struct *mm;
	vm_flags_t vm_flags;
	void *mmap_context;
};
'''
MAINLINE_BITS = '''struct vm_area_desc {
	struct mm_struct *mm;
	vma_flags_t vma_flags;
	struct mmap_action action;
};
'''
MAINLINE_WORD = MAINLINE_BITS.replace('vma_flags_t vma_flags', 'vm_flags_t vm_flags')


class Detect(unittest.TestCase):
    def tree(self, mm_types):
        top = tempfile.mkdtemp(prefix='mmap-target-')
        self.addCleanup(lambda: __import__('shutil').rmtree(top))
        if mm_types is not None:
            os.makedirs(os.path.join(top, 'include', 'linux'))
            with open(os.path.join(top, tgt.HEADER), 'w') as out:
                out.write('/* header */\n' + mm_types)
        return top

    def test_no_desc_is_v1_with_the_overlay(self):
        t = tgt.detect(self.tree('struct vm_area_struct {\n};\n'))
        self.assertEqual((t.name, t.flags, t.overlay), ('v1', 'word', True))
        self.assertEqual(t.modes(), ['v1'])

    def test_desc_with_mmap_context_is_v1(self):
        t = tgt.detect(self.tree(V1_DESC))
        self.assertEqual((t.name, t.overlay), ('v1', False))
        self.assertIn('mmap_context', t.why)

    def test_desc_with_action_and_bits_is_mainline(self):
        t = tgt.detect(self.tree(MAINLINE_BITS))
        self.assertEqual((t.name, t.flags), ('mainline', 'bits'))
        self.assertEqual(t.modes(), ['mainline'])

    def test_desc_with_action_and_vm_flags_is_mainline_word(self):
        t = tgt.detect(self.tree(MAINLINE_WORD))
        self.assertEqual((t.name, t.flags), ('mainline', 'word'))
        self.assertEqual(t.modes(), ['mainline', 'desc_vm_flags'])

    def test_forced_target_says_so(self):
        t = tgt.detect(self.tree(None), 'mainline')
        self.assertEqual((t.name, t.flags), ('mainline', 'bits'))
        self.assertIn('forced with --target', t.why)
        t = tgt.detect(self.tree(MAINLINE_BITS), 'v1')
        self.assertEqual(t.modes(), ['v1'])

    def test_unknown_target_is_refused(self):
        with self.assertRaises(UserError):
            tgt.detect(self.tree(None), 'v2')


if __name__ == '__main__':
    unittest.main()
