"""verify's branch coverage and configuration choice: pure logic."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))

from mmapconv import kconfig, regions  # noqa: E402
from mmapconv import verify as ver  # noqa: E402

# The spufs shape: the handler in the #if, a NULL alias in the #else.
SPUFS = '''#define SPUFS_MMAP_4K (PAGE_SIZE == 0x1000)
#if SPUFS_MMAP_4K
static int cntl_mmap_prepare(struct vm_area_desc *desc)
{
	return 0;
}
#else /* SPUFS_MMAP_4K */
#define cntl_mmap_prepare NULL
#endif
static const struct file_operations fops = {
	.mmap_prepare = cntl_mmap_prepare,
};
'''

# The ext2 shape: a CONFIG test, code in the #if, an alias in the #else,
# and a nested branch.
EXT2 = '''#ifdef CONFIG_FS_DAX
static int dax_mmap_prepare(struct vm_area_desc *desc)
{
#if defined(CONFIG_X) && !IS_ENABLED(CONFIG_Y)
	x();
#endif
	return 0;
}
#else
#define dax_mmap_prepare generic_file_mmap_prepare
#endif
'''


def cpp_output(source, kept):
    """What gcc -E prints for source when only the lines in kept survive:
    line markers where it skips, as gcc does for long gaps."""
    out = ['# 0 "../src/fs/x.c"', '# 0 "<built-in>"', '# 1 "../src/fs/x.c"']
    lines = source.split('\n')
    for n, text in enumerate(lines, 1):
        if n in kept:
            out.append('# %d "../src/fs/x.c"' % n)
            out.append(text)
    return '\n'.join(out)


class Branches(unittest.TestCase):
    def test_chain_and_nesting(self):
        bs = regions.branches(EXT2)
        self.assertEqual([(b.start, b.end, b.kind) for b in bs],
                         [(1, 8, 'ifdef'), (4, 6, 'if'), (9, 11, 'else')])
        self.assertEqual(bs[1].parent, 0)
        self.assertEqual(bs[0].chain, bs[2].chain)
        self.assertEqual(bs[2].content, [])         # only a #define

    def test_added_lines_and_their_branches(self):
        diff = ('--- a/fs/x.c\n+++ b/fs/x.c\n@@ -3 +3 @@\n-old\n+new\n'
                '@@ -9,0 +10 @@\n+#define dax_mmap_prepare generic_file_mmap_prepare\n'
                '@@ -20 +20,0 @@\n-gone\n')
        added = regions.added_lines(diff)
        self.assertEqual(added, {'fs/x.c': [3, 10, 21]})
        bs, touched = regions.touched(EXT2, added['fs/x.c'])
        self.assertEqual(touched, [0, 2])           # line 21 is at top level


class Compiled(unittest.TestCase):
    def test_directive_only_else_judged_from_its_chain(self):
        bs = regions.branches(SPUFS)
        taken_if = cpp_output(SPUFS, {3, 4, 5, 6, 10, 11, 12})
        state = regions.compiled(bs, regions.emitted(taken_if, 'fs/x.c'))
        self.assertEqual((state[0], state[1]), (True, False))
        taken_else = cpp_output(SPUFS, {10, 11, 12})
        state = regions.compiled(bs, regions.emitted(taken_else, 'fs/x.c'))
        self.assertEqual((state[0], state[1]), (False, True))

    def test_included_lines_do_not_count(self):
        text = '# 0 "../src/fs/x.c"\n# 1 "include/linux/fs.h" 1\nint a;\nint b;\n' \
               '# 3 "../src/fs/x.c" 2\nint c;\n'
        self.assertEqual(regions.emitted(text, 'fs/x.c'), {3})


class Wanted(unittest.TestCase):
    def test_else_of_a_set_symbol_flips_it(self):
        bs = regions.branches(EXT2)
        self.assertEqual(regions.wanted(bs[2], bs, {'CONFIG_FS_DAX': 'y'}),
                         {'CONFIG_FS_DAX': False})
        self.assertEqual(regions.wanted(bs[0], bs, {'CONFIG_FS_DAX': 'y'}), {})

    def test_nested_condition_with_its_parent(self):
        bs = regions.branches(EXT2)
        self.assertEqual(regions.wanted(bs[1], bs, {'CONFIG_Y': 'm'}),
                         {'CONFIG_FS_DAX': True, 'CONFIG_X': True, 'CONFIG_Y': False})

    def test_a_macro_condition_is_not_on_config_alone(self):
        bs = regions.branches(SPUFS)
        self.assertIsNone(regions.wanted(bs[1], bs, {}))


class Kconfig(unittest.TestCase):
    FILES = {
        'arch/arm/Kconfig': 'config ARM\n\tbool\n\tdefault y\nconfig MMU\n\tdef_bool y\n',
        'arch/m68k/Kconfig': 'config MMU\n\tbool "MMU"\n',
        'arch/riscv/Kconfig': 'config MMU\n\tbool "MMU"\n',
        'arch/sh/Kconfig': 'config MMU\n\tbool "MMU"\n\tdepends on !CPU_SH2\n'
                           'config CPU_SH2\n\tbool\n',
        'arch/arm/mach-qcom/Kconfig': 'menuconfig ARCH_QCOM\n\tbool "Qualcomm"\n',
        'arch/arm64/Kconfig.platforms': 'config ARCH_QCOM\n\tbool "Qualcomm"\n',
        'drivers/soc/qcom/Kconfig': 'if QCOM_SOC\nconfig QCOM_RMTFS_MEM\n\ttristate "x"\n'
                                    '\tdepends on ARCH_QCOM\nendif\n',
        'drivers/hsi/Kconfig': 'config OMAP_SSI\n\ttristate "y"\n\tdepends on OF && ARM\n'
                               '\thelp\n\t  SSI is a legacy version of HSI.\n\n'
                               '\t  if you use ARCH_QCOM, say N\n'
                               'config CMT_SPEECH\n\ttristate "z"\n\tdepends on OMAP_SSI\n',
        'fs/romfs/Kconfig': 'config ROMFS_ON_MTD\n\tbool\n\tdefault y if ROMFS_BACKED_BY_MTD\n'
                            'config ROMFS_BACKED_BY_MTD\n\tbool "mtd"\n\tdepends on MTD\n'
                            'config MTD\n\ttristate "MTD"\n',
        'arch/powerpc/platforms/cell/Kconfig':
            'config PPC_CELL\n\tbool\nconfig PPC_CELL_COMMON\n\tbool\n\tselect PPC_CELL\n'
            'config PPC_IBM_CELL_BLADE\n\tbool "blade"\n\tselect PPC_CELL_COMMON\n'
            'config SPU_FS\n\ttristate "spufs"\n\tdepends on PPC_CELL\n',
        'drivers/hv/Kconfig': 'config HYPERV_VTL_MODE\n\tbool "VTL"\n'
                              'config MSHV_ROOT\n\ttristate "root"\n'
                              '\tdepends on !HYPERV_VTL_MODE\n',
        'arch/arm/configs/mps2_defconfig': '# CONFIG_MMU is not set\n',
        'arch/arm/configs/multi_v7_defconfig': 'CONFIG_ARCH_QCOM=y\n',
        'arch/riscv/configs/nommu_virt_defconfig': '# CONFIG_MMU is not set\n',
    }

    def index(self):
        return kconfig.Index(self.FILES.get, [p for p in self.FILES if 'Kconfig' in p])

    def test_arches_from_dependencies(self):
        idx = self.index()
        self.assertEqual(idx.arches('CONFIG_CMT_SPEECH'), ['arm'])
        self.assertEqual(idx.arches('CONFIG_QCOM_RMTFS_MEM'), ['arm', 'arm64'])
        self.assertEqual(idx.arches('CONFIG_MTD'), [])
        self.assertEqual(idx.arches('CONFIG_MMU'), [])     # most architectures have it

    def test_a_promptless_symbol_is_reached_through_its_default(self):
        idx = self.index()
        self.assertEqual(idx.reach(['CONFIG_ROMFS_ON_MTD'], {}),
                         {'CONFIG_ROMFS_BACKED_BY_MTD': True})
        self.assertEqual(idx.reach(['CONFIG_ROMFS_BACKED_BY_MTD'], {}), {'CONFIG_MTD': True})

    def test_a_symbol_that_needs_another_off(self):
        idx = self.index()
        self.assertEqual(idx.reach(['CONFIG_MSHV_ROOT'], {'CONFIG_HYPERV_VTL_MODE': 'y'}),
                         {'CONFIG_HYPERV_VTL_MODE': False})

    def test_a_selected_symbol_is_reached_through_its_selectors(self):
        idx = self.index()
        self.assertEqual(idx.enablers('PPC_CELL'), ['PPC_IBM_CELL_BLADE'])
        self.assertEqual(idx.reach(['CONFIG_PPC_CELL'], {}), {'CONFIG_PPC_IBM_CELL_BLADE': True})
        self.assertEqual(idx.related('CONFIG_SPU_FS'),
                         {'CONFIG_SPU_FS', 'CONFIG_PPC_CELL', 'CONFIG_PPC_IBM_CELL_BLADE'})

    def test_defconfigs_that_set_a_symbol(self):
        self.assertEqual(kconfig.defconfigs(self.FILES.get, self.FILES, None, 'CONFIG_MMU', False),
                         [('arm', 'mps2_defconfig'), ('riscv', 'nommu_virt_defconfig')])
        self.assertEqual(kconfig.defconfigs(self.FILES.get, self.FILES, 'arm', 'CONFIG_ARCH_QCOM',
                                            True), [('arm', 'multi_v7_defconfig')])

    def test_edit_config_forces_symbols(self):
        text = 'CONFIG_FS_DAX=y\n# CONFIG_ROMFS_FS is not set\nCONFIG_A=m\n'
        out = kconfig.edit_config(text, {'CONFIG_FS_DAX': False, 'CONFIG_ROMFS_FS': True})
        self.assertEqual(out, 'CONFIG_A=m\n# CONFIG_FS_DAX is not set\nCONFIG_ROMFS_FS=y\n')
        self.assertEqual(kconfig.holds({'CONFIG_FS_DAX': 'y'}, {'CONFIG_FS_DAX': False}),
                         ['CONFIG_FS_DAX'])

    def test_config_names(self):
        cfg = ver.BuildConfig('x86', 'allmodconfig', {'CONFIG_FS_DAX': False})
        self.assertEqual(cfg.name, 'x86 allmodconfig CONFIG_FS_DAX=n')
        # objtool's makefile takes a path with '=' for an assignment
        self.assertEqual(kconfig.slug(cfg.name), 'x86-allmodconfig-CONFIG_FS_DAX-n')


class Judge(unittest.TestCase):
    def test_a_w1_warning_the_conversion_adds_fails_the_file(self):
        from mmapconv import kbuild
        place = kbuild.Placement('kernel/relay.c', 'kernel/relay.o', True, 'CONFIG_RELAY')
        new = "kernel/relay.c:5:1: warning: Function parameter or struct member 'desc' " \
              "not described in 'relay_mmap_prepare'"
        after = ver.Build(ok=True, compiled=True, warnings=[new])
        r = ver.classify(place, after, {'ok': True, 'errors': [], 'warnings': []}, w1=True)
        self.assertEqual((r.status, r.warnings), ('failed', [new]))
        r = ver.classify(place, after, {'ok': True, 'errors': [], 'warnings': [new]}, w1=True)
        self.assertEqual(r.status, 'built')

    def test_a_file_fails_when_one_configuration_breaks_it(self):
        from mmapconv import kbuild
        bs, touched = regions.touched(EXT2, [10])
        tr = ver.Track('fs/x.c', bs, touched, {i: [] for i in touched}, {i: [] for i in touched})
        tr.compiled[touched[0]].append('x86 allmodconfig CONFIG_FS_DAX=n')
        place = kbuild.Placement('fs/x.c', 'fs/x.o', True, 'CONFIG_X')
        error = "fs/x.c:12:25: error: 'dax_mmap_prepare' undeclared here"
        ok = ver.Outcome(ver.BuildConfig('x86', 'allmodconfig'), None, places={'fs/x.c': place},
                         after={'fs/x.o': ver.Build(ok=True, compiled=True)})
        broken = ver.Outcome(ver.BuildConfig('x86', 'allmodconfig', {'CONFIG_FS_DAX': False}),
                             ['fs/x.c'], places={'fs/x.c': place},
                             after={'fs/x.o': ver.Build(ok=False, compiled=True, errors=[error])},
                             known={'fs/x.o': {'ok': True, 'errors': [], 'warnings': []}})
        r = ver.judge(tr, [ok, broken], 'p.patch', True, [])
        self.assertEqual((r.status, r.errors), ('failed', [error]))
        self.assertEqual(r.configs, ['x86 allmodconfig', 'x86 allmodconfig CONFIG_FS_DAX=n'])
        self.assertEqual([(b['status'], b['errors']) for b in r.builds],
                         [('built', []), ('failed', [error])])
        self.assertEqual((r.regions['covered'], r.regions['total']), (1, 1))
        self.assertEqual(r.regions['list'][0]['directive'], '#else')


if __name__ == '__main__':
    unittest.main()
