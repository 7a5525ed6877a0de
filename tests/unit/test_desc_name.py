"""The name a converted function gives its struct vm_area_desc *: desc,
or vma_desc where desc is taken (DESC_NAMES, desc_name()), in the shared
Python of mmap_to_prepare.cocci, in what split_prefault.py writes, and in
what convert.py reads back (kernel-doc, commit messages); no spatch."""

import os
import sys
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'cocci', 'src'))
sys.path.insert(0, os.path.join(TOP, 'scripts'))

import split_prefault as sp  # noqa: E402  (it carries the shared Python)
from mmapconv import comments, message  # noqa: E402


class Position:
    def __init__(self, line, column):
        self.line, self.column, self.file = str(line), str(column), 'x.c'


def facts(**users):
    ff = sp.FileFacts()
    ff.path = '/nonexistent/x.c'
    ff.desc_users = {fn: set(names) for fn, names in users.items()}
    return ff


class Names(unittest.TestCase):
    def test_desc_unless_taken(self):
        self.assertEqual(sp.desc_name(facts(), ['foo_mmap']), {'foo_mmap': 'desc'})
        self.assertEqual(sp.desc_name(facts(foo_mmap=['desc']), ['foo_mmap']),
                         {'foo_mmap': 'vma_desc'})

    def test_a_group_reads_alike(self):
        # the helper uses desc: the handler that calls it takes vma_desc too
        self.assertEqual(sp.desc_name(facts(foo_check=['desc']), ['foo_check', 'foo_mmap']),
                         {'foo_check': 'vma_desc', 'foo_mmap': 'vma_desc'})

    def test_no_name_free_for_the_group_leaves_each_its_own(self):
        ff = facts(foo_check=['vma_desc'], foo_mmap=['desc'])
        self.assertEqual(sp.desc_name(ff, ['foo_check', 'foo_mmap']),
                         {'foo_check': 'desc', 'foo_mmap': 'vma_desc'})

    def test_every_name_taken_is_refused(self):
        ff = facts(foo_mmap=['desc', 'vma_desc'])
        self.assertEqual(sp.free_desc_names(ff, 'foo_mmap'), [])
        code, why = sp.blocked_use(ff, 'foo_mmap', set())
        self.assertEqual(code, 'blocked:unknown-vma-use(desc)')
        self.assertIn('desc and vma_desc', why)

    def test_the_report_says_why(self):
        ff = facts(foo_check=['desc'])
        names = sp.desc_name(ff, ['foo_check', 'foo_mmap'])
        self.assertEqual(sp.desc_note(ff, 'foo_mmap', names),
                         '; its desc is named vma_desc, as foo_check already uses '
                         'the name desc')
        self.assertEqual(sp.desc_note(facts(), 'foo_mmap', {'foo_mmap': 'desc'}), '')


class Text(unittest.TestCase):
    """What the Python writes itself is written on the chosen name."""

    def test_flag_words_line_up_after_the_longer_name(self):
        p = [Position(1, 1)]
        flags = 'VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP | VM_MIXEDMAP | VM_NORESERVE'
        self.assertEqual(sp.flags_to_set(flags, p, 'vma_desc'),
                         'VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |\n'
                         '\t\t\t      VM_MIXEDMAP | VM_NORESERVE')
        self.assertEqual(sp.flags_to_clear('VM_MAYWRITE', p, 'vma_desc'), '~VM_MAYWRITE')

    def test_bits(self):
        p = [Position(1, 1)]
        self.assertEqual(sp.bits_to_set('VM_IO | VM_DONTEXPAND', p, 'vma_desc'),
                         'vma_desc, VMA_IO_BIT, VMA_DONTEXPAND_BIT')
        self.assertEqual(sp.bits_test('VM_EXEC', 'vma_desc'),
                         'vma_desc_test(vma_desc, VMA_EXEC_BIT)')
        self.assertEqual(sp.bits_differ('VM_SHARED | VM_MAYWRITE', 'VM_SHARED', 'vma_desc'),
                         '(!vma_desc_test(vma_desc, VMA_SHARED_BIT) || '
                         'vma_desc_test(vma_desc, VMA_MAYWRITE_BIT))')
        # the tests a twin core makes are on its flags, whatever the name
        self.assertEqual(sp.core_test('VM_EXEC'), 'vma_flags_test(&flags, VMA_EXEC_BIT)')

    # a handler with a local named desc, its desc vma_desc
    HANDLER = ('static int foo_mmap(struct file *file, struct vm_area_struct *vma)\n{\n'
               '\tstruct foo_desc *desc = file->private_data;\n%s}\n')

    def test_split_writes_the_name(self):
        s = sp.split_handler(self.HANDLER % (
            '\tunsigned long pfn;\n\n'
            '\tpfn = foo_pfn(desc);\n'
            '\treturn remap_pfn_range(vma, vma->vm_start, pfn, PAGE_SIZE,\n'
            '\t\t\t       vma->vm_page_prot);\n'), 'foo_mmap', 1, 'vma', 'file',
            desc='vma_desc')
        self.assertIn('\tstruct file *file = vma_desc->file;\n', s.prepare)
        self.assertIn('\tvma_desc->mmap_context = (void *)pfn;\n'
                      '\tremap_pfn_range_prepare(vma_desc, pfn);\n', s.body)
        self.assertIn('struct foo_desc *desc = file->private_data;', s.prepare)
        self.assertNotIn(' desc->', s.body)

    def test_split_of_vm_iomap_memory_writes_the_name(self):
        s = sp.split_handler(self.HANDLER % (
            '\n\treturn vm_iomap_memory(vma, desc->base, desc->len);\n'), 'foo_mmap', 1,
            'vma', 'file', desc='vma_desc')
        self.assertIn('\tif (vma_desc->pgoff > pages)\n', s.prepare)
        self.assertIn('\tio_remap_pfn_range_prepare(vma_desc, pfn, vma_desc_size(vma_desc));\n'
                      '\tvma_desc->mmap_context = (void *)pfn;\n', s.prepare)
        self.assertNotIn(' desc->pgoff', s.prepare)

    def test_plain_variant_writes_the_name(self):
        s = sp.plain_prepare(self.HANDLER % '\n\treturn desc ? 0 : -ENODEV;\n', 'foo_mmap', 1,
                             'vma', 'file', desc='vma_desc')
        self.assertTrue(s.body.startswith('struct file *file = vma_desc->file;\n'))


class ReadBack(unittest.TestCase):
    """convert.py reads the converted code back: kernel-doc, commit messages."""

    DIFF = ('-static int foo_mmap(struct file *file, struct vm_area_struct *vma)\n'
            '+static int foo_mmap_prepare(struct vm_area_desc *vma_desc)\n')

    def test_kernel_doc_documents_the_name(self):
        r, = comments.renames(self.DIFF)
        self.assertEqual(r.desc, 'vma_desc')
        self.assertEqual(comments.rewrite_doc('/**\n * foo_mmap - map\n * @file: the file\n'
                                              ' * @vma: the VMA\n */', r),
                         '/**\n * foo_mmap_prepare - map\n'
                         ' * @vma_desc: describing what to map\n */')

    def test_commit_message_reads_the_name(self):
        source = ('static int foo_mmap_prepare(struct vm_area_desc *vma_desc)\n{\n'
                  '\tstruct foo_desc *desc = vma_desc->file->private_data;\n\n'
                  '\tdesc->vm_flags |= 1;\n'
                  '\tvma_desc->vm_flags |= VM_IO | VM_DONTEXPAND;\n'
                  '\tvma_desc->vm_ops = &foo_vm_ops;\n\treturn 0;\n}\n')
        body = message.prepare_body(source, 'foo_mmap_prepare')
        self.assertEqual(body.desc, 'vma_desc')
        self.assertEqual(body.set_flags, ['VM_IO | VM_DONTEXPAND'])
        self.assertEqual(body.fields, {'vm_ops': '&foo_vm_ops'})


if __name__ == '__main__':
    unittest.main()
