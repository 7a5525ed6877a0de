"""The audit's pure logic: MAINTAINERS, census, tables, compare, rendering,
and the per-file spatch cache.  No spatch, no kernel tree."""

import json
import os
import re
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'data'))

import audit_sample  # noqa: E402
from mmapconv import UserError, audit, maintainers, audit_pages  # noqa: E402
from mmapconv import spatch as sp  # noqa: E402


def by_handler(data):
    return {h['handler']: h for h in data['handlers']}


class Maintainers(unittest.TestCase):
    def setUp(self):
        self.m = maintainers.Maintainers(audit_sample.MAINTAINERS)

    def test_most_specific_section_wins(self):
        self.assertEqual(self.m.subsystem('drivers/media/test-drivers/vivid/vivid-core.c'),
                         'VIVID VIRTUAL VIDEO TEST DRIVER')
        self.assertEqual(self.m.subsystem('drivers/media/y.c'),
                         'MEDIA INPUT INFRASTRUCTURE (V4L/DVB)')

    def test_glob_without_slash_stays_in_its_folder(self):
        # vivid/* matches the folder's files, not those of a subfolder
        self.assertEqual(self.m.subsystem('drivers/media/test-drivers/vivid/sub/x.c'),
                         'MEDIA INPUT INFRASTRUCTURE (V4L/DVB)')

    def test_exclude(self):
        self.assertEqual(self.m.subsystem('drivers/misc/other.c'), 'CHAR and MISC DRIVERS')
        self.assertEqual(self.m.subsystem('drivers/misc/excluded.c'), 'THE REST')

    def test_n_regex_beats_the_rest_only(self):
        self.assertEqual(self.m.subsystem('arch/arm/qcom_thing.c'), 'QCOM THINGS')
        self.assertEqual(self.m.subsystem('drivers/misc/qcom_c.c'), 'CHAR and MISC DRIVERS')

    def test_the_rest_catches_everything_else(self):
        self.assertEqual(self.m.subsystem('ipc/shm.c'), 'THE REST')
        self.assertEqual(self.m.subsystem('Makefile'), 'THE REST')

    def test_explanation_above_the_list_is_not_a_section(self):
        self.assertEqual(self.m.sections[0], 'CHAR and MISC DRIVERS')
        self.assertNotIn('Descriptions of section entries and preferred order',
                         self.m.sections)

    def test_folder_named_without_slash(self):
        text = 'Maintainers List\n\nFOO\nF:\tdrivers/foo\n\nFOOBAR\nF:\tdrivers/foo.c\n'
        with tempfile.TemporaryDirectory() as kdir:
            os.makedirs(os.path.join(kdir, 'drivers', 'foo'))
            m = maintainers.Maintainers(text, kdir)
            self.assertEqual(m.subsystem('drivers/foo/a/b.c'), 'FOO')
            self.assertEqual(m.subsystem('drivers/foo.c'), 'FOOBAR')
            self.assertIsNone(m.subsystem('drivers/bar.c'))

    def test_exact_file_beats_its_folder(self):
        text = ('Maintainers List\n\nCHAR\nF:\tdrivers/char/\n\n'
                'MEM\nF:\tdrivers/char/mem.c\n')
        m = maintainers.Maintainers(text)
        self.assertEqual(m.subsystem('drivers/char/mem.c'), 'MEM')
        self.assertEqual(m.subsystem('drivers/char/random.c'), 'CHAR')


class Census(unittest.TestCase):
    def test_member_kinds(self):
        got = {(m.file, m.line): m for m in audit_sample.members()}
        z = got[('drivers/gpu/z.c', 4)]
        self.assertEqual((z.struct, z.variable, z.value), ('file_operations', 'z_fops', 'z_mmap'))
        self.assertEqual(got[('drivers/media/test-drivers/vivid/vivid-core.c', 3)].struct,
                         'v4l2_file_operations')
        self.assertEqual(got[('drivers/char/bar.c', 3)].struct, 'proc_ops')
        self.assertEqual(got[('include/drm/drm_x.h', 4)].macro, 'DRM_X_FOPS')
        self.assertTrue(got[('fs/foo/file.c', 8)].assignment)
        # fops->mmap = ... is not a '.mmap =' member at all
        self.assertNotIn(('fs/foo/file.c', 7), got)

    def test_member_in_a_function_body_is_not_given_its_parameter_type(self):
        text = ('void f(struct machines *machines)\n{\n\tunion perf_event ev = {\n'
                '\t\t.mmap = {\n\t\t\t.pid = 1,\n\t\t},\n\t};\n}\n')
        (m,) = audit.scan_text('tools/x.c', text)
        self.assertEqual(m.struct, 'perf_event')

    def test_counts_add_up(self):
        data = audit_sample.sample()
        census = data['census']
        self.assertEqual(census['members'], len(audit_sample.members()))
        self.assertEqual(census['members'], 14)
        self.assertEqual(sum(census['accounts'].values()), census['members'])
        self.assertEqual(census['accounts'], {'assignment': 1, 'handler': 10, 'macro': 1,
                                              'null': 1, 'other-ops': 1})
        # foo_mmap is installed twice: 10 members, 9 handlers
        self.assertEqual(census['handlers_from_members'], 9)
        self.assertEqual(census['handlers'], 9)
        self.assertEqual(census['handlers_without_member'], [])
        # every member that is not a handler is listed, one by one
        self.assertEqual(len(census['others']), census['members'] - 10)
        self.assertEqual(census['other_structs'], {'v4l2_file_operations': 1})

    def test_file_spatch_failed_on_becomes_error_entries(self):
        h = by_handler(audit_sample.sample())['broken_mmap']
        self.assertEqual((h['status'], h['file'], h['line'], h['fops']),
                         ('error:timeout', 'drivers/misc/broken.c', 3, ['broken_fops']))
        self.assertIn('spatch timed out', h['reason'])

    def test_unreported_member_and_unexplained_handler_are_listed(self):
        handlers = [h for h in audit_sample.HANDLERS if h.handler != 'foo_mmap']
        handlers.append(audit_sample.handler('drivers/char/new.c', 5, 'new_mmap',
                                             ['new_fops'], 'already'))
        census = audit_sample.sample(handlers=handlers)['census']
        self.assertEqual(census['accounts']['not-reported'], 2)
        self.assertEqual([(o['file'], o['account']) for o in census['others']
                          if o['account'] == 'not-reported'],
                         [('drivers/char/foo.c', 'not-reported')] * 2)
        self.assertEqual([h['handler'] for h in census['handlers_without_member']],
                         ['new_mmap'])


class Tables(unittest.TestCase):
    def setUp(self):
        self.data = audit_sample.sample()
        self.s = self.data['summary']

    def test_per_status(self):
        self.assertEqual(self.s['by_status'], {
            'blocked:delegates': 2, 'blocked:dma': 1, 'converted:complete': 1,
            'converted:generic': 1, 'converted:prepare': 1, 'error:timeout': 1,
            'blocked:needs-abort': 1, 'needs-complete': 1})
        self.assertEqual((self.s['handlers'], self.s['converted'], self.s['remaining']),
                         (9, 3, 6))

    def test_per_subsystem_by_remaining_work(self):
        rows = [(r['subsystem'], r['handlers'], r['remaining']) for r in self.s['by_subsystem']]
        # CHAR: foo (converted), bar (needs-complete), c (converted), broken (error)
        self.assertEqual(rows[0], ('CHAR and MISC DRIVERS', 4, 2))
        self.assertEqual(rows[-1], ('FOO FILESYSTEM', 1, 0))
        remaining = [r[2] for r in rows]
        self.assertEqual(remaining, sorted(remaining, reverse=True))

    def test_per_primitive_counts_handlers_that_need_complete(self):
        rows = {r['primitive']: r for r in self.s['by_primitive']}
        self.assertEqual(rows['remap_pfn_range']['handlers'], 2)
        self.assertEqual(rows['remap_pfn_range']['statuses'],
                         {'converted:complete': 1, 'needs-complete': 1})
        # blocked:needs-abort is left alone: no complete to write yet
        self.assertNotIn('vm_insert_page', rows)
        # blocked:dma needs a DMA prepare form, not mmap_complete
        self.assertNotIn('dma_mmap_coherent', rows)

    def test_per_helper(self):
        self.assertEqual(self.s['by_helper'], [{
            'helper': 'vb2_mmap', 'handlers': 2,
            'subsystems': ['MEDIA INPUT INFRASTRUCTURE (V4L/DVB)',
                           'VIVID VIRTUAL VIDEO TEST DRIVER']}])

    def test_blocker(self):
        h = by_handler(self.data)
        self.assertEqual(h['z_mmap']['blocker'], 'dma_mmap_coherent')
        self.assertEqual(h['y_mmap']['blocker'], 'vb2_mmap')
        self.assertIsNone(h['foo_mmap']['blocker'])
        self.assertIsNone(h['bar_mmap']['blocker'])

    def test_json_is_deterministic(self):
        self.assertEqual(audit.dumps(audit_sample.sample()), audit.dumps(self.data))
        handlers = self.data['handlers']
        self.assertEqual(handlers, sorted(handlers, key=lambda h: (h['file'], h['line'])))


class Verify(unittest.TestCase):
    RESULTS = {'overlay': True, 'files': {
        'drivers/char/foo.c': {'status': 'built'},
        'fs/foo/file.c': {'status': 'failed', 'errors': ['x']},
        'drivers/gpu/z.c': {'status': 'built'}}}

    def write(self, tmp, text):
        path = os.path.join(tmp, 'results.json')
        with open(path, 'w') as out:
            out.write(text)
        return path

    def test_converted_handlers_get_their_build(self):
        with tempfile.TemporaryDirectory() as tmp:
            verify = audit.read_verify(self.write(tmp, json.dumps(self.RESULTS)))
        data = audit_sample.sample(verify)
        h = by_handler(data)
        self.assertEqual(h['foo_mmap']['build'], 'built')
        self.assertEqual(h['generic_file_mmap']['build'], 'failed')
        # converted, but no result for its file: never counted as verified
        self.assertEqual(h['c_mmap']['build'], 'not built')
        self.assertNotIn('build', h['z_mmap'])
        self.assertEqual(data['summary']['build'], {
            'overlay': True, 'verified': 1,
            'counts': {'built': 1, 'failed': 1, 'not built': 1}})
        self.assertIn('Build results', audit_pages.markdown(data))

    def test_configurations_and_branches_reach_the_build_column(self):
        results = {'overlay': True, 'arches': ['powerpc', 'x86'],
                   'regions': {'covered': 1, 'total': 2},
                   'configs': [{'name': 'x86 allmodconfig', 'built': ['drivers/char/foo.c']},
                               {'name': 'x86 allmodconfig CONFIG_FS_DAX=n', 'built': []}],
                   'files': {
                       'drivers/char/foo.c': {
                           'status': 'built', 'configs': ['x86 allmodconfig'],
                           'regions': {'covered': 1, 'total': 2, 'list': [
                               {'lines': '3-9', 'configs': ['x86 allmodconfig']},
                               {'lines': '10-12', 'configs': [], 'reason': 'skipped'}]}},
                       'fs/foo/file.c': {'status': 'not built', 'configs': [],
                                         'reason': 'arm allmodconfig: no compiler'}}}
        with tempfile.TemporaryDirectory() as tmp:
            verify = audit.read_verify(self.write(tmp, json.dumps(results)))
        data = audit_sample.sample(verify)
        h = by_handler(data)
        self.assertEqual(h['foo_mmap']['build_detail'],
                         'x86 allmodconfig; branches 1/2 (10-12: skipped)')
        self.assertEqual(h['generic_file_mmap']['build_detail'], 'arm allmodconfig: no compiler')
        self.assertEqual(data['summary']['build']['configs'], ['x86 allmodconfig'])
        self.assertEqual(data['summary']['build']['regions'], {'covered': 1, 'total': 2})
        self.assertIn('branches 1/2', audit_pages.markdown(data))

    def test_missing_results_file_is_not_an_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.assertIsNone(audit.read_verify(os.path.join(tmp, 'nothing.json')))
        self.assertNotIn('build', audit_sample.sample(None)['summary'])

    def test_broken_results_file_is_a_clear_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(UserError):
                audit.read_verify(self.write(tmp, '{"files": '))
            with self.assertRaises(UserError):
                audit.read_verify(self.write(tmp, '{"overlay": false}'))


class Compare(unittest.TestCase):
    def test_changed_appeared_disappeared(self):
        old = audit_sample.sample()
        handlers = [h for h in audit_sample.HANDLERS if h.handler != 'a_mmap']
        handlers = [audit_sample.handler(h.file, h.line, h.handler, h.fops,
                                         'converted:prepare' if h.handler == 'y_mmap'
                                         else h.status, h.primitives) for h in handlers]
        handlers.append(audit_sample.handler('drivers/char/new.c', 5, 'new_mmap',
                                             ['new_fops'], 'already'))
        new = audit_sample.sample(handlers=handlers)
        cmp = audit.compare(old, new)
        self.assertEqual(cmp['changed'], [{'file': 'drivers/media/y.c', 'handler': 'y_mmap',
                                           'old': 'blocked:delegates(vb2_mmap)',
                                           'new': 'converted:prepare'}])
        self.assertEqual(cmp['appeared'], [{'file': 'drivers/char/new.c',
                                            'handler': 'new_mmap', 'status': 'already'}])
        self.assertEqual(cmp['disappeared'], [{'file': 'sound/a.c', 'handler': 'a_mmap',
                                               'status': 'blocked:needs-abort(kref_get)'}])
        new['compare'] = cmp
        self.assertIn('1 changed status, 1 appeared, 1 disappeared', audit_pages.markdown(new))
        # an audit of drivers/media against the whole tree: only drivers/media
        new['paths'] = ['drivers/media']
        new['handlers'] = [h for h in new['handlers'] if h['file'].startswith('drivers/media/')]
        cmp = audit.compare(old, new)
        self.assertEqual(([c['handler'] for c in cmp['changed']], cmp['appeared'],
                          cmp['disappeared']), (['y_mmap'], [], []))
        self.assertEqual(audit.compare(old, old),
                         {'old_tree': '6.12.0', 'changed': [], 'appeared': [],
                          'disappeared': []})


class Rendering(unittest.TestCase):
    def setUp(self):
        self.data = audit_sample.sample()

    def test_markdown_tables_and_full_list(self):
        md = audit_pages.markdown(self.data)
        self.assertIn('| vb2_mmap | 2 | MEDIA INPUT INFRASTRUCTURE (V4L/DVB), VIVID '
                      'VIRTUAL VIDEO TEST DRIVER |', re.sub(' +', ' ', md))
        for h in self.data['handlers']:
            self.assertIn('%s:%d: %s' % (h['file'], h['line'], h['handler']), md)
        self.assertIn('### error:timeout (1)', md)
        # the census table ends with the total the rows add up to
        lines = [line for line in md.splitlines() if line.startswith('| total: ')]
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].rstrip(' |').endswith('14'))
        for o in self.data['census']['others']:
            self.assertIn('%s:%d: .mmap = %s' % (o['file'], o['line'], o['value']), md)

    def test_md_table_aligns_columns(self):
        table = audit_pages.md_table(['a', 'n'], [('x', 1), ('longer', 100)], {1})
        self.assertEqual(table.splitlines(), ['| a      |   n |', '|--------|----:|',
                                              '| x      |   1 |', '| longer | 100 |'])

    def test_html_is_self_contained_and_has_a_row_per_handler(self):
        page = audit_pages.html_page(self.data)
        self.assertEqual(page.count('<tr data-status='), len(self.data['handlers']))
        for ref in ('src=', '<link', 'http://', 'https://', '@import'):
            self.assertNotIn(ref, page)
        self.assertIn('href="drivers/gpu/z.c#L50"', page)
        self.assertIn('href="https://x/src/drivers/gpu/z.c#L50"',
                      audit_pages.html_page(self.data, 'https://x/src/'))

    def test_html_escapes_what_it_shows(self):
        handlers = [audit_sample.handler('drivers/char/foo.c', 10, 'foo_mmap', ['foo_fops'],
                                         'blocked:unknown-vma-use(a<b)',
                                         reason='<script>alert(1)</script>')]
        page = audit_pages.html_page(audit_sample.sample(handlers=handlers))
        self.assertNotIn('<script>alert', page)
        self.assertIn('&lt;script&gt;alert(1)&lt;/script&gt;', page)


class SpatchCache(unittest.TestCase):
    REPORT = ('drivers/a.c:3:1-5: a_mmap (a_fops): converted:prepare: '
              'a_mmap becomes a_mmap_prepare')
    DIFF = ['diff -u -p a/drivers/a.c b/drivers/a.c\n', '--- a/drivers/a.c\n',
            '+++ b/drivers/a.c\n', '@@ -1 +1 @@\n', '-x\n', '+y\n']

    def fresh(self):
        result = sp.Result()
        result.reports = [sp.REPORT_LINE.match(self.REPORT)]
        result.diff = list(self.DIFF)
        result.errors = {'drivers/c.c': 'spatch timed out',
                         'drivers/d.c': 'spatch failed: EXN: boom in drivers/d.c'}
        return result

    def test_entries_per_file_and_replay(self):
        entries = sp._entries(self.fresh(), ['drivers/a.c', 'drivers/b.c', 'drivers/c.c',
                                             'drivers/d.c'])
        self.assertEqual(entries['drivers/a.c']['reports'], [self.REPORT])
        self.assertEqual(entries['drivers/a.c']['diff'], self.DIFF)
        self.assertEqual(entries['drivers/b.c'], {'reports': [], 'diff': [], 'errors': {}})
        # a timeout may not recur: not kept
        self.assertNotIn('drivers/c.c', entries)
        self.assertIn('drivers/d.c', entries['drivers/d.c']['errors'])
        again = sp.Result()
        for name in sorted(entries):
            sp._replay(json.loads(json.dumps(entries[name])), again)
        self.assertEqual([m.group(0) for m in again.reports], [self.REPORT])
        self.assertEqual(again.diff, self.DIFF)

    def test_output_of_a_file_not_asked_for_keeps_nothing(self):
        self.assertEqual(sp._entries(self.fresh(), ['drivers/b.c']), {})

    def test_cache_hits_do_not_run_spatch(self):
        with tempfile.TemporaryDirectory() as tmp:
            kdir, cocci = os.path.join(tmp, 'tree'), os.path.join(tmp, 'x.cocci')
            os.makedirs(os.path.join(kdir, 'drivers'))
            for name in ('a.c', 'b.c'):
                with open(os.path.join(kdir, 'drivers', name), 'w') as out:
                    out.write('int %s;\n' % name[0])
            with open(cocci, 'w') as out:
                out.write('@@\n@@\n')
            cache = sp.Cache(os.path.join(tmp, 'cache'), '1.1.1')
            fresh = self.fresh()
            fresh.errors = {}
            entries = sp._entries(fresh, ['drivers/a.c', 'drivers/b.c'])
            files = sorted(entries)
            for name in files:
                cache.put(cache.key(kdir, cocci, ['patch'], name), entries[name])
            # spatch is a program that does not exist: any miss would fail
            result = sp.run_spatch(kdir, cocci, files, ['patch'], spatch='/nonexistent',
                                   cache=cache)
            self.assertEqual([m.group(0) for m in result.reports], [self.REPORT])
            self.assertEqual(result.diff, self.DIFF)
            self.assertEqual(cache.hits, 2)
            # a changed file, semantic patch or mode is a different key
            key = cache.key(kdir, cocci, ['patch'], 'drivers/a.c')
            self.assertNotEqual(key, cache.key(kdir, cocci, ['report'], 'drivers/a.c'))
            with open(os.path.join(kdir, 'drivers', 'a.c'), 'a') as out:
                out.write('\n')
            self.assertNotEqual(key, cache.key(kdir, cocci, ['patch'], 'drivers/a.c'))
            before = cache.key(kdir, cocci, ['patch'], 'drivers/b.c')
            with open(cocci, 'a') as out:
                out.write('\n')
            self.assertNotEqual(before, cache.key(kdir, cocci, ['patch'], 'drivers/b.c'))

if __name__ == '__main__':
    unittest.main()
