"""verify's pure logic: kbuild placement, make output, classification."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))

from mmapconv import UserError, kbuild  # noqa: E402
from mmapconv import verify as ver  # noqa: E402

# A kernel-shaped set of kbuild files, in the forms the reference tree uses.
TREE = {
    'Kbuild': 'obj-y += fs/ drivers/ arch/$(SRCARCH)/\nobj-$(CONFIG_BLOCK) += block/\n'
              'obj-y += $(ARCH_LIB) $(ARCH_DRIVERS)\n',
    # lib/ and arch/x86/pci/ are named only through ARCH_LIB and ARCH_DRIVERS
    'arch/x86/Makefile': 'obj-y += kvm/\nlibs-y += arch/x86/lib/\n'
                         'drivers-$(CONFIG_PCI) += arch/x86/pci/\n',
    'lib/Makefile': 'obj-$(CONFIG_TEST_HMM) += test_hmm.o\n',
    'arch/x86/pci/Makefile': 'obj-y += i386.o\n',
    'fs/Makefile': 'obj-y += ramfs/\nobj-$(CONFIG_ROMFS_FS) += romfs/\n'
                   'obj-$(CONFIG_HOSTFS) += hostfs/\nobj-y += read_write.o\n',
    # an override decides which file a composite object takes
    'fs/ramfs/Makefile': 'obj-y += ramfs.o\n\nfile-mmu-y := file-nommu.o\n'
                         'file-mmu-$(CONFIG_MMU) := file-mmu.o\n'
                         'ramfs-objs += inode.o $(file-mmu-y)\n',
    # a conditional that is false, around a symbol that is set
    'fs/romfs/Makefile': 'obj-$(CONFIG_ROMFS_FS) += romfs.o\nromfs-y := storage.o super.o\n'
                         'ifneq ($(CONFIG_MMU),y)\nromfs-$(CONFIG_ROMFS_ON_MTD) += mmap-nommu.o\n'
                         'endif\n',
    'fs/hostfs/Makefile': 'hostfs-y := hostfs_kern.o\nobj-$(CONFIG_HOSTFS) += hostfs.o\n',
    # continuation lines and a module
    'drivers/Makefile': 'obj-y += char/ hv/ \\\n\tvhost/\n',
    'drivers/char/Makefile': 'obj-y += mem.o\nobj-$(CONFIG_FOO) += foo.o\n',
    'drivers/vhost/Makefile': 'obj-$(CONFIG_VHOST_VDPA) += vhost_vdpa.o\nvhost_vdpa-y := vdpa.o\n',
    # a composite left out, whose members another symbol adds to (drivers/hv)
    'drivers/hv/Makefile': 'obj-$(CONFIG_MSHV_ROOT) += mshv_root.o\n'
                           'mshv_root-y := mshv_root_main.o\n'
                           'mshv_root-$(CONFIG_DEBUG_FS) += mshv_debugfs.o\n',
    'block/Makefile': 'obj-y += fops.o\n',
    'arch/x86/Kconfig': 'config X86\n\tdef_bool y\n',
    'arch/x86/kvm/Makefile': 'KVM := ../../../virt/kvm\ninclude $(srctree)/virt/kvm/Makefile.kvm\n'
                             'kvm-y += x86.o\nobj-$(CONFIG_KVM_X86) += kvm.o\n',
    'arch/powerpc/Kconfig': 'config CC_HAS_ELFV2\n\tdef_bool y\nconfig PPC\n\tbool\n',
    'arch/powerpc/kvm/Makefile': 'obj-$(CONFIG_KVM) += kvm.o\n',
    'virt/kvm/Makefile.kvm': 'kvm-y := $(KVM)/kvm_main.o $(KVM)/eventfd.o\n',
}
CONFIG = {'CONFIG_TEST_HMM': 'm', 'CONFIG_PCI': 'y', 'CONFIG_MMU': 'y', 'CONFIG_ROMFS_FS': 'm', 'CONFIG_ROMFS_ON_MTD': 'y',
          'CONFIG_VHOST_VDPA': 'm', 'CONFIG_KVM_X86': 'm', 'CONFIG_KVM': 'y',
          'CONFIG_DEBUG_FS': 'y'}


def locator(config=CONFIG):
    includers = kbuild.fragment_includers(TREE.get, [p for p in TREE if 'Makefile' in p])
    return kbuild.Locator(TREE.get, config, includers=includers)


class Placement(unittest.TestCase):
    def test_plain_and_composite_objects_are_built(self):
        loc = locator()
        self.assertTrue(loc.place('drivers/char/mem.c').enabled)
        vdpa = loc.place('drivers/vhost/vdpa.c')
        self.assertEqual((vdpa.enabled, vdpa.goal, vdpa.kconfig),
                         (True, 'drivers/vhost/vdpa.o', 'CONFIG_VHOST_VDPA'))
        self.assertTrue(loc.place('fs/romfs/storage.c').enabled)

    def test_override_leaves_the_nommu_file_out(self):
        loc = locator()
        self.assertTrue(loc.place('fs/ramfs/file-mmu.c').enabled)
        nommu = loc.place('fs/ramfs/file-nommu.c')
        self.assertFalse(nommu.enabled)
        self.assertEqual(nommu.kconfig, 'CONFIG_MMU')

    def test_a_composite_left_out_names_its_own_symbol(self):
        p = locator().place('drivers/hv/mshv_root_main.c')
        self.assertFalse(p.enabled)
        self.assertEqual(p.kconfig, 'CONFIG_MSHV_ROOT')

    def test_false_conditional_names_its_symbol(self):
        p = locator().place('fs/romfs/mmap-nommu.c')
        self.assertFalse(p.enabled)
        self.assertEqual(p.kconfig, 'CONFIG_MMU')

    def test_disabled_symbol_is_named(self):
        p = locator().place('drivers/char/foo.c')
        self.assertEqual((p.enabled, p.kconfig), (False, 'CONFIG_FOO'))
        # the folder's symbol, when the folder is what is off
        p = locator().place('fs/hostfs/hostfs_kern.c')
        self.assertEqual((p.enabled, p.kconfig), (False, 'CONFIG_HOSTFS'))
        p = locator().place('block/fops.c')
        self.assertEqual((p.enabled, p.kconfig), (False, 'CONFIG_BLOCK'))

    def test_other_architecture_is_not_built(self):
        p = locator().place('arch/powerpc/kvm/book_vio.c')
        self.assertFalse(p.enabled)
        self.assertEqual(p.kconfig, 'CONFIG_PPC')
        self.assertIn('not built for x86', p.reason)

    def test_fragment_included_by_the_host_architecture(self):
        p = locator().place('virt/kvm/kvm_main.c')
        self.assertTrue(p.enabled)
        self.assertEqual(p.goal, 'arch/x86/kvm/../../../virt/kvm/kvm_main.o')
        self.assertEqual(p.kconfig, 'CONFIG_KVM_X86')
        off = locator(dict(CONFIG, CONFIG_KVM_X86='')).place('virt/kvm/kvm_main.c')
        self.assertFalse(off.enabled)

    def test_folders_named_by_the_architecture(self):
        p = locator().place('lib/test_hmm.c')
        self.assertEqual((p.enabled, p.kconfig), (True, 'CONFIG_TEST_HMM'))
        self.assertTrue(locator().place('arch/x86/pci/i386.c').enabled)
        self.assertFalse(locator(dict(CONFIG, CONFIG_PCI='')).place('arch/x86/pci/i386.c')
                         .enabled)

    def test_unknown_file(self):
        p = locator().place('drivers/char/nowhere.c')
        self.assertFalse(p.enabled)
        self.assertIn('nowhere.o', p.reason)


class Make(unittest.TestCase):
    def test_functions(self):
        ev = kbuild.Evaluator(TREE.get, {'CONFIG_A': 'y'})
        env = {'L': ('a.o b.o', True)}
        self.assertEqual(ev.expand('$(addprefix x/,$(L))', env), 'x/a.o x/b.o')
        self.assertEqual(ev.expand('$(patsubst %.o,%.c,$(L))', env), 'a.c b.c')
        self.assertEqual(ev.expand('$(filter-out a.o,$(L))', env), 'b.o')
        self.assertEqual(ev.expand('obj-$(CONFIG_A) obj-$(CONFIG_B)', env), 'obj-y obj-')
        self.assertEqual(ev.expand('$(if $(CONFIG_A),yes,no)', env), 'yes')

    def test_else_branch(self):
        tree = {'d/Makefile': 'ifdef CONFIG_B\nobj-y += b.o\nelse\nobj-y += notb.o\nendif\n'}
        loc = kbuild.Locator(tree.get, {})
        mk = loc.folder('d')
        self.assertEqual(loc.ev.value(mk, 'obj-y'), ['notb.o'])

    def test_read_config(self):
        self.assertEqual(kbuild.read_config('CONFIG_A=y\n# CONFIG_B is not set\n'
                                            'CONFIG_C="x y"\n'),
                         {'CONFIG_A': 'y', 'CONFIG_C': 'x y'})


MAKE_OUTPUT = '''\
  CC [M]  fs/ramfs/file-mmu.o
  CC      kernel/relay.o
/k/src/kernel/relay.c: In function 'relay_mmap_prepare':
/k/src/kernel/relay.c:93:13: error: 'struct vm_area_desc' has no member named 'vm_start'
   93 |         if (desc->vm_start)
/k/src/kernel/relay.c:90:23: warning: unused variable 'x' [-Wunused-variable]
make[4]: *** [scripts/Makefile.build:229: kernel/relay.o] Error 1
  CC [M]  arch/x86/kvm/../../../virt/kvm/kvm_main.o
virt/kvm/kvm_main.o: warning: objtool: kvm_foo() falls through to next function
'''


class MakeOutput(unittest.TestCase):
    def setUp(self):
        self.obj = tempfile.mkdtemp()
        for path in ('fs/ramfs/file-mmu.o', 'virt/kvm/kvm_main.o'):
            os.makedirs(os.path.join(self.obj, os.path.dirname(path)), exist_ok=True)
            open(os.path.join(self.obj, path), 'w').close()

    def test_blocks_are_attributed(self):
        out = ver.parse_make_output(MAKE_OUTPUT.splitlines(True), '/k/src', self.obj,
                                    ['fs/ramfs/file-mmu.o', 'kernel/relay.o',
                                     'arch/x86/kvm/../../../virt/kvm/kvm_main.o',
                                     'drivers/char/mem.o'])
        self.assertTrue(out['fs/ramfs/file-mmu.o'].ok)
        self.assertTrue(out['fs/ramfs/file-mmu.o'].compiled)
        relay = out['kernel/relay.o']
        self.assertFalse(relay.ok)
        self.assertEqual(relay.errors, ["kernel/relay.c:93:13: error: 'struct vm_area_desc' "
                                        "has no member named 'vm_start'"])
        self.assertEqual(len(relay.warnings), 1)
        kvm = out['virt/kvm/kvm_main.o']
        self.assertTrue(kvm.ok)
        self.assertIn('objtool', kvm.warnings[0])
        # neither compiled nor present: never counted as built
        self.assertFalse(out['drivers/char/mem.o'].ok)


class Classify(unittest.TestCase):
    place = kbuild.Placement('kernel/relay.c', 'kernel/relay.o', True, 'CONFIG_RELAY')

    def test_failure_before_and_after_is_pre_existing(self):
        after = ver.Build(ok=False, compiled=True, errors=['kernel/relay.c:1:1: error: x'])
        r = ver.classify(self.place, after, {'ok': False, 'errors': ['e'], 'warnings': []})
        self.assertEqual(r.status, 'pre-existing failure')
        r = ver.classify(self.place, after, {'ok': True, 'errors': [], 'warnings': []})
        self.assertEqual(r.status, 'failed')
        self.assertEqual(r.errors, after.errors)

    def test_only_added_warnings_are_listed(self):
        old = 'kernel/relay.c:10:5: warning: old one [-Wfoo]'
        moved = 'kernel/relay.c:12:5: warning: old one [-Wfoo]'
        new = 'kernel/relay.c:20:1: warning: unused variable [-Wunused-variable]'
        after = ver.Build(ok=True, compiled=True, warnings=[moved, new])
        r = ver.classify(self.place, after, {'ok': True, 'errors': [], 'warnings': [old]})
        self.assertEqual((r.status, r.warnings), ('built', [new]))

    def test_not_enabled_is_never_built(self):
        off = kbuild.Placement('fs/x.c', 'fs/x.o', False, 'CONFIG_X', 'off')
        r = ver.classify(off, None, None)
        self.assertEqual((r.status, r.kconfig), ('not built', 'CONFIG_X'))

    def test_patch_status_and_summary(self):
        self.assertEqual(ver.patch_status(['built', 'not built']), 'not built')
        self.assertEqual(ver.patch_status(['built', 'failed', 'not built']), 'failed')
        self.assertEqual(ver.patch_status(['built']), 'built')


class Inputs(unittest.TestCase):
    def test_patch_files(self):
        text = ('diff -u -p a/fs/a.c b/fs/a.c\n--- a/fs/a.c\n+++ b/fs/a.c\n@@ -1 +1 @@\n'
                'diff --git a/include/x.h b/include/x.h\n--- a/include/x.h\n'
                '+++ b/include/x.h\n')
        self.assertEqual(ver.patch_files(text), ['fs/a.c', 'include/x.h'])

    def test_compiler(self):
        self.assertEqual(ver.compiler('distcc'), 'distcc gcc')
        self.assertEqual(ver.compiler('ccache gcc-12'), 'ccache gcc-12')
        self.assertEqual(ver.compiler('/usr/bin/gcc'), '/usr/bin/gcc')
        self.assertIsNone(ver.compiler(None))

    def test_series_order_skips_cover_letters(self):
        top = tempfile.mkdtemp()
        for folder, name in (('b', '0001-b.patch'), ('a', '0002-y.patch'),
                             ('a', '0001-x.patch'), ('a', '0000-cover-letter.patch')):
            os.makedirs(os.path.join(top, folder), exist_ok=True)
            with open(os.path.join(top, folder, name), 'w') as out:
                out.write('')
        names = [n for n, _ in ver.read_patches(series=top)]
        self.assertEqual(names, ['a/0001-x.patch', 'a/0002-y.patch', 'b/0001-b.patch'])


if __name__ == '__main__':
    unittest.main()


def text(path):
    with open(path) as src:
        return src.read()


class ScratchTree(unittest.TestCase):
    """The scratch clone: KDIR untouched, only differing files rewritten."""

    def setUp(self):
        self.top = tempfile.mkdtemp()
        self.kdir = os.path.join(self.top, 'linux')
        for path, text in (('Makefile', 'all:\n'), ('MAINTAINERS', ''),
                           ('include/linux/fs.h', 'struct file_operations;\n'),
                           ('fs/a.c', 'int a;\n'), ('fs/b.c', 'int b;\n')):
            os.makedirs(os.path.dirname(os.path.join(self.kdir, path)), exist_ok=True)
            with open(os.path.join(self.kdir, path), 'w') as out:
                out.write(text)
        self.patch = ('diff -u -p a/fs/a.c b/fs/a.c\n--- a/fs/a.c\n+++ b/fs/a.c\n'
                      '@@ -1 +1 @@\n-int a;\n+long a;\n')

    def git_kdir(self):
        import subprocess
        for cmd in (['init', '-q'], ['add', '-A'],
                    ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'x']):
            subprocess.run(['git'] + cmd, cwd=self.kdir, check=True)

    def snapshot(self):
        out = {}
        for root, _, names in os.walk(self.kdir):
            for name in names:
                path = os.path.join(root, name)
                with open(path, 'rb') as src:
                    out[path] = src.read()
        return out

    def roundtrip(self):
        before = self.snapshot()
        ws = ver.Workspace(self.kdir, os.path.join(self.top, 'build'))
        ws.open()
        base = ws.base_tree()
        plain = ws.make_tree(base, [])
        patched = ws.make_tree(base, [('p', self.patch)])
        ws.checkout(plain)
        a, b = (os.path.join(ws.src, 'fs', n) for n in ('a.c', 'b.c'))
        self.assertEqual(text(a), 'int a;\n')
        os.utime(a, (1, 1))
        os.utime(b, (1, 1))
        ws.checkout(patched)
        self.assertEqual(text(a), 'long a;\n')
        self.assertNotEqual(os.stat(a).st_mtime, 1)
        self.assertEqual(os.stat(b).st_mtime, 1)       # not rewritten: no rebuild
        ws.checkout(plain)
        self.assertEqual(text(a), 'int a;\n')
        self.assertEqual(self.snapshot(), before)       # KDIR (and its .git) untouched
        ws.close()
        with self.assertRaises(UserError):
            ws.make_tree(base, [('broken.patch', self.patch.replace('int a', 'int z'))])

    def test_git_tree(self):
        self.git_kdir()
        self.roundtrip()

    def test_plain_tree(self):
        self.roundtrip()
