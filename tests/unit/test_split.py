"""cocci/src/split_prefault.py on its own (no spatch), combine() of the two
semantic patches' reports, and the generated split_prefault.cocci."""

import os
import subprocess
import sys
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'cocci', 'src'))
sys.path.insert(0, os.path.join(TOP, 'scripts'))

import split_prefault as sp  # noqa: E402
from mmapconv import verdicts, spatch  # noqa: E402


def split(body, name='foo_mmap', filep='file', vma='vma'):
    text = ('static int %s(struct file *%s, struct vm_area_struct *%s)\n{\n%s}\n'
            % (name, filep, vma, body))
    return sp.split_handler(text, name, 1, vma, filep)


class Split(unittest.TestCase):
    def test_remap_goes_to_complete_with_its_error_code(self):
        s = split('\tif (vma->vm_pgoff)\n\t\treturn -EINVAL;\n'
                  '\tif (remap_pfn_range(vma, vma->vm_start, FOO_PFN, PAGE_SIZE,\n'
                  '\t\t\t    vma->vm_page_prot))\n\t\treturn -EAGAIN;\n\treturn 0;\n')
        prepare, complete = s.body.split('\n}\n\n', 1)
        # still on the VMA: the shared translation rules put it on the desc
        self.assertIn('if (vma->vm_pgoff)', prepare)
        self.assertIn('remap_pfn_range_prepare(desc, FOO_PFN);\n\treturn 0', prepare)
        self.assertNotIn('remap_pfn_range(', prepare)
        self.assertIn('remap_pfn_range_complete(vma, vma->vm_start, FOO_PFN', complete)
        self.assertIn('return -EAGAIN;', complete)
        self.assertNotIn('vm_pgoff', complete)
        self.assertFalse(s.abort)

    def test_pfn_from_pgoff_travels(self):
        # a private mapping's pgoff becomes the pfn in prepare: complete
        # must not compute the pfn again from vma->vm_pgoff
        s = split('\treturn remap_pfn_range(vma, vma->vm_start, BASE + vma->vm_pgoff,\n'
                  '\t\t\t       PAGE_SIZE, vma->vm_page_prot);\n')
        self.assertEqual(s.carried, ['pfn'])
        self.assertIn('pfn = BASE + vma->vm_pgoff;', s.prepare)
        self.assertIn('desc->mmap_context = (void *)pfn;', s.body)
        self.assertIn('unsigned long pfn = (unsigned long)context;', s.body)
        self.assertNotIn('vma->vm_pgoff', s.complete)

    def test_a_use_the_shared_rules_leave_alone_is_refused(self):
        # foo_setup(vma) at line 4, column 11 (the file opens with the header
        # and the brace): the shared facts found no desc translation for it
        body = ('\tfoo_setup(vma);\n'
                '\treturn remap_pfn_range(vma, vma->vm_start, FOO_PFN, PAGE_SIZE,\n'
                '\t\t\t       vma->vm_page_prot);\n')
        text = 'static int foo_mmap(struct file *file, struct vm_area_struct *vma)\n{\n%s}\n' % body
        with self.assertRaises(sp.Blocked) as why:
            sp.split_handler(text, 'foo_mmap', 1, 'vma', 'file',
                             untranslatable=[(3, 11, 'foo_setup')])
        self.assertEqual(why.exception.code, 'blocked:unknown-vma-use(foo_setup)')
        # the same use in complete is find_populate_calls()'s to refuse
        self.assertTrue(sp.split_handler(text, 'foo_mmap', 1, 'vma', 'file',
                                         untranslatable=[(4, 24, None)]))

    def test_wrapped_lines_spell_what_spatch_hands_over_as_kernel_code(self):
        self.assertEqual(sp.spelled('( virt_to_phys ( ( void * ) buf -> p ) >> PAGE_SHIFT )'
                                    ' + desc -> pgoff'),
                         '(virt_to_phys((void *)buf->p) >> PAGE_SHIFT) + desc->pgoff')
        self.assertEqual(sp.spelled('f ( & a [ 0 ] , - 1 )'), 'f(&a[0], -1)')
        self.assertEqual(sp.spelled('( a ) - b'), '(a) - b')

    def test_two_values_make_a_context_object_and_an_abort(self):
        s = split('\tunsigned long a, b;\n\n\ta = get_a(vma->vm_pgoff);\n'
                  '\tb = get_b(vma->vm_pgoff);\n'
                  '\treturn remap_pfn_range(vma, vma->vm_start, a, b, vma->vm_page_prot);\n')
        self.assertTrue(s.abort)
        self.assertIn('unsigned long a;', s.context_struct)
        self.assertIn('unsigned long b;', s.context_struct)
        self.assertIn('kfree(ctx);', s.body)
        self.assertIn('return -ENOMEM;', s.body)

    def test_size_proven_by_a_check_is_read_from_the_vma(self):
        s = split('\tunsigned long size = foo_size();\n\n'
                  '\tif (vma->vm_end - vma->vm_start != size)\n\t\treturn -EINVAL;\n'
                  '\treturn remap_pfn_range(vma, vma->vm_start, FOO_PFN, size,\n'
                  '\t\t\t       vma->vm_page_prot);\n')
        self.assertEqual(s.carried, [])
        self.assertIn('unsigned long size = vma->vm_end - vma->vm_start;', s.complete)

    def test_equality_with_a_local_proves_nothing_for_complete(self):
        # complete would declare len from size before it computes size
        s = split('\tunsigned long size, len = foo_len();\n\n'
                  '\tsize = vma->vm_end - vma->vm_start;\n'
                  '\tif (len != size)\n\t\treturn -EINVAL;\n'
                  '\treturn remap_pfn_range(vma, vma->vm_start, FOO_PFN, len,\n'
                  '\t\t\t       vma->vm_page_prot);\n')
        self.assertEqual(s.carried, ['len'])

    def test_size_only_bounded_by_a_check_travels(self):
        s = split('\tunsigned long size = foo_size();\n\n'
                  '\tif (vma->vm_end - vma->vm_start > size)\n\t\treturn -EINVAL;\n'
                  '\treturn remap_pfn_range(vma, vma->vm_start, FOO_PFN, size,\n'
                  '\t\t\t       vma->vm_page_prot);\n')
        self.assertEqual(s.carried, ['size'])

    def test_assignments_in_turn_are_run_again(self):
        s = split('\tpgprot_t prot;\n\n\tprot = vma->vm_page_prot;\n'
                  '\tprot = pgprot_noncached(prot);\n'
                  '\treturn remap_pfn_range(vma, vma->vm_start, FOO_PFN, PAGE_SIZE, prot);\n')
        self.assertEqual(s.carried, [])
        self.assertNotIn('prot', s.prepare)
        self.assertIn('prot = vma->vm_page_prot;\n\tprot = pgprot_noncached(prot);',
                      s.complete)

    def test_pfn_travels_for_a_struct_it_is_computed_from(self):
        s = split('\tstruct foo_info info;\n\tphys_addr_t base;\n\n'
                  '\tfoo_get_info(&info);\n\tbase = info.base;\n'
                  '\treturn remap_pfn_range(vma, vma->vm_start, PFN_DOWN(base), PAGE_SIZE,\n'
                  '\t\t\t       vma->vm_page_prot);\n')
        self.assertEqual(s.carried, ['pfn'])
        self.assertFalse(s.abort)
        self.assertNotIn('info', s.complete)

    def test_dead_initializer_is_left_out_of_complete(self):
        s = split('\tint ret = -EINVAL;\n\n\tif (vma->vm_pgoff)\n\t\tgoto out;\n'
                  '\tif (remap_pfn_range(vma, vma->vm_start, 1, PAGE_SIZE, vma->vm_page_prot)) {\n'
                  '\t\tret = -EAGAIN;\n\t\tgoto out;\n\t}\n\tret = 0;\nout:\n\treturn ret;\n')
        self.assertIn('\tint ret;\n', s.complete)
        self.assertIn('\tint ret = -EINVAL;\n', s.prepare)

    def test_initializer_read_on_a_path_of_complete_stays(self):
        s = split('\tint ret = -EINVAL;\n\n\tif (vma->vm_pgoff)\n\t\tgoto out;\n'
                  '\tif (remap_pfn_range(vma, vma->vm_start, 1, PAGE_SIZE, vma->vm_page_prot))\n'
                  '\t\tgoto out;\n\tret = 0;\nout:\n\treturn ret;\n')
        self.assertIn('\tint ret = -EINVAL;\n', s.complete)

    def test_lock_across_populate_is_blocked(self):
        with self.assertRaises(sp.Blocked) as cm:
            split('\tint ret;\n\n\tmutex_lock(&foo_lock);\n\tif (!foo_ready)\n'
                  '\t\treturn -ENODEV;\n'
                  '\tret = remap_pfn_range(vma, vma->vm_start, 1, PAGE_SIZE, vma->vm_page_prot);\n'
                  '\tmutex_unlock(&foo_lock);\n\treturn ret;\n')
        self.assertEqual(cm.exception.code, 'blocked:order(lock-spans)')
        self.assertIn('&foo_lock', cm.exception.reason)

    def test_write_after_populate_is_blocked(self):
        with self.assertRaises(sp.Blocked) as cm:
            split('\tint ret = vm_insert_page(vma, vma->vm_start, foo_page);\n\n'
                  '\tif (ret)\n\t\treturn ret;\n\tvma->vm_ops = &foo_ops;\n\treturn 0;\n')
        self.assertEqual(cm.exception.code, 'blocked:order(vma-write-after)')

    def test_each_refusal_names_its_order_problem(self):
        cases = {
            'empty-body': '',
            'remap-loop': '\tint i;\n\n\tfor (i = 0; i < 2; i++)\n'
                          '\t\tremap_pfn_range(vma, vma->vm_start, i, PAGE_SIZE, '
                          'vma->vm_page_prot);\n\treturn 0;\n',
            'conditional': '\tif (foo)\n\t\treturn vm_insert_page(vma, vma->vm_start, p);\n'
                           '\treturn 0;\n',
            'flags-read-after': '\tint ret = vm_insert_page(vma, vma->vm_start, p);\n\n'
                                '\tif (vma->vm_flags & VM_WRITE)\n\t\treturn ret;\n'
                                '\treturn 0;\n',
        }
        for problem, body in cases.items():
            with self.assertRaises(sp.Blocked, msg=problem) as cm:
                split(body)
            self.assertEqual(cm.exception.code, 'blocked:order(%s)' % problem)

    def test_statements_to_remove_are_the_top_level_ones(self):
        s = split('\tint i;\n\n\tfor (i = 0; i < 2; i++) {\n\t\tfoo(i);\n\t}\n'
                  '\treturn vm_insert_page(vma, vma->vm_start, foo_page);\n')
        self.assertEqual(s.remove, {(3, 1), (5, 1), (8, 1)})

    def test_wrap_call_aligns_to_the_parenthesis(self):
        text = sp.wrap_call('remap_pfn_range_complete',
                            ['vma', 'vma->vm_start', 'some_long_pfn_expression >> PAGE_SHIFT',
                             'size', 'vma->vm_page_prot'], 8)
        lines = text.split('\n')
        self.assertTrue(all(len(l.expandtabs(8)) + (8 if i == 0 else 0) <= 80
                            for i, l in enumerate(lines)))
        self.assertEqual(len(lines[1].expandtabs(8)) - len(lines[1].expandtabs(8).lstrip()),
                         8 + len('remap_pfn_range_complete('))


class Preprocessor(unittest.TestCase):
    """Preprocessor lines in a body to split: each reason says what to change."""

    def refusal(self, body):
        with self.assertRaises(sp.Blocked) as why:
            split(body)
        self.assertEqual(why.exception.code, 'blocked:order(preprocessor)')
        return why.exception.reason

    DEFINE = ('\tstruct foo_dev *fd = file->private_data;\n\n'
              '\t/* the BAR that maps */\n#define FOO_BAR 4\n\n'
              '\tif (vma->vm_pgoff)\n\t\treturn -EINVAL;\n'
              '\treturn remap_pfn_range(vma, vma->vm_start, fd->pfn[FOO_BAR], PAGE_SIZE,\n'
              '\t\t\t       vma->vm_page_prot);\n')

    def test_a_define_stays_where_spatch_keeps_it_above_the_hooks(self):
        s = split(self.DEFINE)
        # spatch keeps the line, its comment and the blank line below at
        # the top of the body: the hooks replace the last statement
        self.assertEqual(s.anchor, (10, 1))
        self.assertNotIn(s.anchor, s.remove)
        self.assertEqual(s.remove, {(3, 1), (8, 1)})
        self.assertNotIn('FOO_BAR 4', s.body)
        self.assertNotIn('the BAR that maps', s.body)
        # a blank line still parts the declarations from the checks
        self.assertIn('private_data;\n\n\tif (vma->vm_pgoff)', s.body)
        self.assertIn('remap_pfn_range_prepare(desc, fd->pfn[FOO_BAR]);', s.body)
        self.assertIn('#define FOO_BAR moves to the top of foo_mmap_prepare', s.reason)

    def test_a_define_named_above_it_is_refused(self):
        text = ('static int foo_bar = FOO_BAR;\n'
                'static int foo_mmap(struct file *file, struct vm_area_struct *vma)\n{\n%s}\n'
                % self.DEFINE)
        with self.assertRaises(sp.Blocked) as why:
            sp.split_handler(text, 'foo_mmap', 2, 'vma', 'file')
        self.assertIn('FOO_BAR is also named at line 1, above it', why.exception.reason)

    def test_a_define_that_reads_a_local_is_refused(self):
        reason = self.refusal(self.DEFINE.replace('#define FOO_BAR 4', '#define FOO_BAR fd->bar'))
        self.assertIn('#define FOO_BAR fd->bar inside its body (line 6)', reason)
        self.assertIn('its text reads fd, of foo_mmap itself', reason)

    def test_a_define_with_a_comment_below_it_is_refused(self):
        reason = self.refusal(self.DEFINE.replace('#define FOO_BAR 4\n\n',
                                                  '#define FOO_BAR 4\n\t/* no offset */\n'))
        self.assertIn('the comment below it would stay with it', reason)

    def test_an_undef_is_to_move_above_the_function(self):
        reason = self.refusal(self.DEFINE.replace('\treturn remap', '#undef FOO_BAR\n\treturn remap'))
        self.assertIn('#define FOO_BAR 4 inside its body (line 6)', reason)
        self.assertIn('move it above the function', reason)

    def test_a_nested_ifdef_lets_the_reason_of_the_code_come_first(self):
        # without its lines, the body is the code of one configuration: the
        # remap on some paths only is what stops the split
        body = ('\tif (vma->vm_pgoff) {\n#ifdef CONFIG_FOO_DEBUG\n\t\tpr_debug("x");\n#endif\n'
                '\t\treturn remap_pfn_range(vma, vma->vm_start, 1, PAGE_SIZE,\n'
                '\t\t\t\t       vma->vm_page_prot);\n\t}\n\treturn 0;\n')
        with self.assertRaises(sp.Blocked) as why:
            split(body)
        self.assertEqual(why.exception.code, 'blocked:order(conditional)')

    def test_a_nested_ifdef_is_refused_last(self):
        reason = self.refusal('\tif (vma->vm_pgoff) {\n#ifdef CONFIG_FOO_DEBUG\n'
                              '\t\tpr_debug("x");\n#endif\n\t\treturn -EINVAL;\n\t}\n'
                              '\treturn remap_pfn_range(vma, vma->vm_start, 1, PAGE_SIZE,\n'
                              '\t\t\t       vma->vm_page_prot);\n')
        self.assertIn('#ifdef CONFIG_FOO_DEBUG inside its body (line 4)', reason)
        self.assertIn('IS_ENABLED()', reason)

    def test_a_body_that_is_one_ifdef_else_is_two_definitions(self):
        reason = self.refusal('#ifdef CONFIG_MMU\n\treturn remap_pfn_range(vma, vma->vm_start, '
                              '1, PAGE_SIZE, vma->vm_page_prot);\n#else\n\treturn -ENOSYS;\n'
                              '#endif\n')
        self.assertIn('the whole body of foo_mmap is #ifdef CONFIG_MMU (line 3) with an #else',
                      reason)

    def test_an_ifdef_among_the_checks_points_to_is_enabled(self):
        reason = self.refusal('#ifdef CONFIG_FOO_RO\n\tif (vma->vm_flags & VM_WRITE)\n'
                              '\t\treturn -EPERM;\n#endif\n\treturn remap_pfn_range(vma, '
                              'vma->vm_start, 1, PAGE_SIZE, vma->vm_page_prot);\n')
        self.assertIn('#ifdef CONFIG_FOO_RO inside its body (line 3)', reason)
        self.assertIn('IS_ENABLED()', reason)


class Variants(unittest.TestCase):
    """#ifdef variants: the one that populates is split, the others become
    plain prepares defining NULL the hooks they lack."""

    TEXT = ('#ifdef CONFIG_FOO\nstatic int foo_mmap(struct file *file, struct vm_area_struct *vma)'
            '\n{\n\treturn remap_pfn_range(vma, vma->vm_start, 1, PAGE_SIZE,\n'
            '\t\t\t       vma->vm_page_prot);\n}\n#else\n'
            'static int foo_mmap(struct file *file, struct vm_area_struct *vma)\n{\n'
            '\tvm_flags_set(vma, VM_DONTCOPY);\n\treturn -ENOSYS;\n}\n#endif\n')

    def test_only_the_populating_variant_populates(self):
        self.assertTrue(sp.populates(self.TEXT, 'foo_mmap', 2, 'vma'))
        self.assertFalse(sp.populates(self.TEXT, 'foo_mmap', 8, 'vma'))

    def test_plain_variant_is_its_body_for_the_translation(self):
        plain = sp.plain_prepare(self.TEXT, 'foo_mmap', 8, 'vma', 'file')
        # the shared translation rules put it on the desc
        self.assertEqual(plain.body, 'vm_flags_set(vma, VM_DONTCOPY);\n\treturn -ENOSYS')
        self.assertEqual(plain.hooks, set())
        # all but the final return, which split_plain_definition finds it by
        self.assertEqual(plain.remove, {(10, 1)})


class Combine(unittest.TestCase):
    def handler(self, name, status):
        return verdicts.Handler('a.c', 1, name, ['f'], status, 'why')

    def test_conversion_wins_and_later_patch_refines(self):
        first = [self.handler('p', 'converted:prepare'),
                 self.handler('q', 'needs-complete(remap_pfn_range)')]
        second = [self.handler('p_prepare', 'already'),
                  self.handler('q', 'converted:complete')]
        got = {h.handler: h.status for h in verdicts.combine([first, second])}
        self.assertEqual(got, {'p': 'converted:prepare', 'q': 'converted:complete'})

    def test_primitives_in_report_line(self):
        m = spatch.REPORT_LINE.match('a.c:3:11-19: foo (f) [remap_pfn_range,vm_insert_page]: '
                                     'converted:complete: foo becomes ...')
        self.assertEqual(verdicts.from_report(m).primitives,
                         ['remap_pfn_range', 'vm_insert_page'])


class Generated(unittest.TestCase):
    def test_split_prefault_cocci_is_up_to_date(self):
        proc = subprocess.run([sys.executable, os.path.join(TOP, 'scripts', 'gen_cocci.py'),
                               '--check'], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)


if __name__ == '__main__':
    unittest.main()
