"""The text of helper twins (mmap_to_prepare.cocci, twin_plan() and the
functions after it), without spatch: a FileFacts filled by hand."""

import os
import sys
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'cocci', 'src'))

import split_prefault as sp  # noqa: E402  (it carries the shared Python)

HELPER = '''static int dxd_check_vma(struct dxd_dev *dxd, struct vm_area_struct *vma,
		const char *func)
{
	if ((vma->vm_flags & VM_MAYSHARE) != VM_MAYSHARE)
		return -EINVAL;
	return vma->vm_start & (dxd->align - 1);
}

static int dxd_mmap(struct file *filp, struct vm_area_struct *vma)
{
	int rc;

	rc = dxd_check_vma(filp->private_data, vma, __func__);
	return rc;
}
'''


def facts(text, fields=('vm_flags', 'vm_start'), void=False):
    ff = sp.FileFacts()
    ff.path = '/nonexistent/dxd.c'
    ff.text = text
    ff.defs['dxd_check_vma'] = [sp.Definition('vma', 1, None, False, (1, 11))]
    ff.twins['dxd_check_vma'] = sp.TwinPlan(
        '__dxd_check_vma', 'vma', 1, False, False, void, list(fields),
        ['struct dxd_dev *dxd', 'struct vm_area_struct *vma', 'const char *func'])
    return ff


class Position:
    def __init__(self, line, column):
        self.line, self.column, self.file = str(line), str(column), 'dxd.c'


class Twins(unittest.TestCase):
    def test_parameters_split_at_top_level_commas(self):
        self.assertEqual(sp.split_params(' int a, void (*f)(int, int),\n\tchar *b '),
                         ['int a', 'void (*f)(int, int)', 'char *b'])

    def test_desc_tests_become_tests_of_the_core_flags(self):
        self.assertEqual(sp.on_flags('!vma_desc_test(desc, VMA_MAYSHARE_BIT)'),
                         '!vma_flags_test(&flags, VMA_MAYSHARE_BIT)')
        self.assertEqual(sp.on_flags('vma_desc_test_any(desc, VMA_IO_BIT, VMA_PFNMAP_BIT)'),
                         'vma_flags_test_any(&flags, VMA_IO_BIT, VMA_PFNMAP_BIT)')

    def test_core_header_takes_the_fields_in_place_of_the_vma(self):
        first, rest = sp.twin_header(facts(HELPER), 'dxd_check_vma')
        self.assertEqual(first, 'struct dxd_dev *')
        self.assertEqual(rest, 'dxd, vm_flags_t vm_flags,\n\t\t\t   unsigned long start, '
                         'const char *func')

    def test_wrapper_passes_the_fields_of_its_vma(self):
        self.assertEqual(sp.twin_wrapper(facts(HELPER), 'dxd_check_vma'),
                         'return __dxd_check_vma(dxd, vma->vm_flags, vma->vm_start, func)')
        self.assertEqual(sp.twin_wrapper(facts(HELPER, void=True), 'dxd_check_vma'),
                         '__dxd_check_vma(dxd, vma->vm_flags, vma->vm_start, func)')

    def test_prepare_calls_the_core_with_the_desc_fields_wrapped(self):
        ff = facts(HELPER)
        sp.FACTS['dxd.c'] = ff
        try:
            call = sp.twin_call([Position(13, 6)], 'dxd_check_vma')
        finally:
            del sp.FACTS['dxd.c']
        self.assertEqual(call, '__dxd_check_vma(filp->private_data, desc->vm_flags, '
                         'desc->start,\n\t\t\t     __func__)')

    def test_prepare_calls_the_core_with_the_fields_of_its_desc_name(self):
        ff = facts(HELPER)
        sp.FACTS['dxd.c'] = ff
        try:
            call = sp.twin_call([Position(13, 6)], 'dxd_check_vma', 'vma_desc')
        finally:
            del sp.FACTS['dxd.c']
        self.assertEqual(call, '__dxd_check_vma(filp->private_data, vma_desc->vm_flags,\n'
                         '\t\t\t     vma_desc->start, __func__)')

    def test_vma_is_dax_outside_a_tree_is_spelled_out(self):
        self.assertEqual(sp.file_is_dax_text(facts(HELPER)),
                         '(file && IS_DAX(file->f_mapping->host))')


if __name__ == '__main__':
    unittest.main()
