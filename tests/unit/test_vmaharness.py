"""What tests/model/vmaharness/run.py copies out of kernel sources, what it swaps
into the harness's headers, and the units it generates.  No kernel tree."""

import importlib.util
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), 'scripts'))

from mmapconv import UserError  # noqa: E402

# tests/model/vmamodel/run.py is imported as 'run' too: load this one by path
_spec = importlib.util.spec_from_file_location(
    'vmaharness_run', os.path.join(os.path.dirname(HERE), 'model', 'vmaharness', 'run.py'))
run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run)

SOURCE = '''\
int remap_pfn_range_prepare(struct vm_area_desc *desc);

static inline unsigned long
vma_desc_size(const struct vm_area_desc *desc)
{
	return desc->end - desc->start;
}

int remap_pfn_range_prepare(struct vm_area_desc *desc)
{
	if (desc->start)
		return vma_desc_size(desc) ? 0 : -EINVAL;
	return 0;
}
EXPORT_SYMBOL(remap_pfn_range_prepare);

static inline int mmap_file(struct file *file, struct vm_area_struct *vma)
{
	return vfs_mmap(file, vma);
}
'''


class Extract(unittest.TestCase):
    def test_a_definition_not_its_prototype(self):
        line, body = run.find_function(SOURCE, 'remap_pfn_range_prepare')
        self.assertEqual(line, 9)
        self.assertEqual(body[0], 'int remap_pfn_range_prepare(struct vm_area_desc *desc)')
        self.assertEqual(body[-1], '}')

    def test_the_return_type_on_the_line_before(self):
        line, body = run.find_function(SOURCE, 'vma_desc_size')
        self.assertEqual((line, body[0]), (3, 'static inline unsigned long'))
        self.assertEqual(run.signature(body), 'static inline unsigned long\n'
                         'vma_desc_size(const struct vm_area_desc *desc);')

    def test_a_call_is_no_definition(self):
        self.assertIsNone(run.find_function('\treturn vfs_mmap(file, vma);\n', 'vfs_mmap'))
        self.assertIsNone(run.find_function(SOURCE, 'vfs_mmap'))

    def test_a_wrapper_is_not_static(self):
        body = run.find_function(SOURCE, 'mmap_file')[1]
        self.assertEqual(run.wrapper_signature(body),
                         'int mmap_file(struct file *file, struct vm_area_struct *vma);')


DUP = '''\
struct address_space {
	struct rb_root_cached	i_mmap;
	unsigned long		flags;
	atomic_t		i_mmap_writable;
};
struct file_operations {
	int (*mmap)(struct file *, struct vm_area_struct *);
	int (*mmap_prepare)(struct vm_area_desc *);
};
struct file {
	struct address_space	*f_mapping;
	const struct file_operations	*f_op;
};
struct anon_vma_chain {
'''


class Harness(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(os.path.dirname(HERE), 'model', 'vmaharness', 'fs.h')) as src:
            self.fs = src.read()

    def test_the_structs_become_an_include_of_fs_h(self):
        out = run.complete_structs(DUP, self.fs)
        self.assertTrue(out.startswith('#include "fs.h"'))
        self.assertNotIn('struct file {', out)
        self.assertIn('struct anon_vma_chain {', out)

    def test_a_changed_harness_is_refused(self):
        changed = DUP.replace('\tconst struct file_operations\t*f_op;\n',
                              '\tconst struct file_operations\t*f_op;\n\tvoid *f_owner;\n')
        with self.assertRaisesRegex(UserError, 'struct file has changed'):
            run.complete_structs(changed, self.fs)

    def test_a_stub_becomes_the_real_prototype(self):
        stubs = ('static inline int mmap_file(struct file *file, struct vm_area_struct *vma)\n'
                 '{\n\treturn 0;\n}\n')
        saved = run.STUBS_REPLACED
        run.STUBS_REPLACED = ['mmap_file']
        try:
            out = run.replace_stubs(stubs, {'mm/internal.h': SOURCE})
        finally:
            run.STUBS_REPLACED = saved
        self.assertIn('int mmap_file(struct file *file, struct vm_area_struct *vma);', out)
        self.assertNotIn('return 0', out)

    def test_a_missing_stub_is_reported(self):
        with self.assertRaisesRegex(UserError, 'no stub mmap_action_prepare'):
            run.replace_stubs('', {})


class Units(unittest.TestCase):
    def test_a_unit_registers_its_hooks_and_vm_ops(self):
        path = os.path.join(os.path.dirname(HERE), 'model', 'vmaharness', 'pairs',
                            'mapped_ref.mainline.res')
        case = run.Case('pairs/mapped_ref', None, path, (None, None), ['CONFIG_FOO'])
        text = run.generate(case, 'converted', path)
        self.assertIn('{ "stm_fops", &stm_fops, 1 },', text)
        self.assertIn('{ "stm_vm_ops", &stm_vm_ops },', text)
        self.assertIn('#ifndef CONFIG_FOO\n#define CONFIG_FOO 1\n#endif', text)
        self.assertLess(text.index('"vmaharness.h"'), text.index('CONFIG_FOO'))
        self.assertIn('VH_UNIT(vh_unit);', text)


if __name__ == '__main__':
    unittest.main()
