#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run each mainline conversion through the kernel's own mmap code.

The Linux 7.2 tree carries tools/testing/vma, a userspace harness that
compiles the real mm/vma.c (__mmap_region(), call_mmap_prepare(), merging).
This script copies that harness and what it includes into a scratch tree
under -O, builds it unchanged and runs its own tests, then builds
tools/testing/vma-convert beside it: the same objects and headers, with

  - struct file and struct file_operations completed (fs.h), since drivers
    read file->private_data and initialize .owner, .open and so on;
  - the stubs that would hide what an mmap_prepare hook does replaced by
    the kernel's own functions, copied out of the tree into
    generated/kernel.c (mmap_action_prepare() and mmap_action_complete(),
    the remap, ioremap and page-array halves of mm/memory.c, mmap_file(),
    vma_close(), do_munmap()), and the static inlines of
    include/linux/mm.h that drivers call (generated/mm_inline.h);
  - driver.c, which maps a file through mmap_region() for a set of
    requests, once with the legacy .mmap and once with the conversion, and
    compares what the kernel code leaves.

Cases: tests/model/vmaharness/pairs/NAME.c with NAME.mainline.res, and every
tests/fixtures/NAME.c that has a NAME.mainline.res (declarations it needs
come from tests/model/vmamodel/support/NAME.h).  pairs/NAME.MUTATION.mainline.res
is a deliberately wrong conversion that must be caught; its first line says
in which field ('// expect: FIELD').  Cases listed in EXPECTED_FAILURES must
differ somewhere (a known difference, with its reason); fixtures listed in
SKIP are not built, and are printed with the reason.  The last line is
'N passed, N failed'.
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(TOP, 'scripts'))

from mmapconv import UserError, processes  # noqa: E402

sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, 'tests'))
from run_fixtures import read_reasons  # noqa: E402
from vmamodel import units  # noqa: E402
from vmamodel.units import CONFIG, initializers  # noqa: E402

FIXTURES = os.path.join(TOP, 'tests', 'fixtures')
PAIRS = os.path.join(HERE, 'pairs')
SUPPORT = os.path.join(TOP, 'tests', 'model', 'vmamodel', 'support')
CONVERTED = '.mainline.res'

# What the harness's build reads from the tree, besides these folders
TREE_DIRS = ['tools/testing/vma', 'tools/testing/shared', 'tools/include',
             'tools/arch/x86/include', 'tools/scripts', 'tools/lib']
TREE_FILES = [
    'lib/maple_tree.c', 'lib/test_maple_tree.c', 'lib/radix-tree.c',
    'lib/radix-tree.h', 'lib/idr.c', 'lib/xarray.c', 'lib/test_xarray.c',
    'mm/vma.c', 'mm/vma.h', 'mm/vma_init.c', 'mm/vma_exec.c',
    'mm/vma_internal.h',
    'include/linux/cleanup.h', 'include/linux/idr.h', 'include/linux/kconfig.h',
    'include/linux/maple_tree.h', 'include/linux/radix-tree.h',
    'include/linux/rbtree.h', 'include/linux/rbtree_types.h',
    'include/linux/xarray.h',
    # where generated/ copies functions from
    'mm/util.c', 'mm/memory.c', 'mm/internal.h', 'mm/mmap.c', 'mm/filemap.c',
    'include/linux/mm.h',
]
HARNESS = 'tools/testing/vma'
BUILD = 'tools/testing/vma-convert'

# Static inlines of include/linux/mm.h that drivers call (mm_inline.h)
MM_INLINE = ('include/linux/mm.h', [
    'is_cow_mapping', 'vma_desc_is_cow_mapping', 'range_is_subset',
    'range_in_vma', 'range_in_vma_desc', 'vma_desc_size', 'vma_desc_pages',
    '__vm_flags_mod', 'vm_flags_mod',
    'mmap_action_remap', 'mmap_action_remap_full', 'mmap_action_ioremap',
    'mmap_action_ioremap_full', 'mmap_action_simple_ioremap',
    'mmap_action_map_kernel_pages', 'mmap_action_map_kernel_pages_full',
    'io_remap_pfn_range_pfn', 'io_remap_pfn_range'])

# The kernel's mmap path beyond mm/vma.c (kernel.c), in this order
KERNEL = [
    ('mm/internal.h', ['io_remap_pfn_range_prepare', 'maybe_rmap_unlock_action',
                       'mmap_file', 'vma_close']),
    ('mm/memory.c', ['map_kernel_pages_prepare', 'map_kernel_pages_complete',
                     'vm_insert_pages', 'vm_insert_page', '__vm_map_pages',
                     'vm_map_pages', 'vm_map_pages_zero', 'get_remap_pgoff',
                     'remap_pfn_range_prepare', 'remap_pfn_range_prepare_vma',
                     'remap_pfn_range', 'remap_pfn_range_complete',
                     '__simple_ioremap_prep', 'simple_ioremap_prepare',
                     'vm_iomap_memory']),
    ('mm/util.c', ['call_vma_mapped', 'mmap_action_finish', 'check_mmap_action',
                   'mmap_action_prepare', 'mmap_action_complete']),
    ('mm/mmap.c', ['do_munmap']),
    ('mm/filemap.c', ['generic_file_mmap', 'generic_file_mmap_prepare',
                      'generic_file_readonly_mmap',
                      'generic_file_readonly_mmap_prepare']),
]
# Copied as kernel_NAME; core.c wraps them to count the driver hooks called
WRAPPED = {'mmap_file', 'vma_close', 'call_vma_mapped'}
# Stubs of the harness's include/stubs.h that the real functions replace
STUBS_REPLACED = ['mmap_action_prepare', 'mmap_action_complete',
                  'remap_pfn_range_prepare', 'remap_pfn_range_complete',
                  'mmap_file', 'vma_close', 'do_munmap']

OUR_FILES = ['Makefile', 'core.c', 'driver.c', 'vmaharness.h', 'kernel_api.h',
             'fs.h', 'include']


def read(path):
    with open(path) as src:
        return src.read()


def write(path, text):
    """Write text unless the file has it already (keeps make's timestamps)."""
    if os.path.exists(path) and read(path) == text:
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as dst:
        dst.write(text)


def copy(src, dst):
    """Copy a file or a folder, only what is missing or newer."""
    if os.path.isdir(src):
        for name in os.listdir(src):
            copy(os.path.join(src, name), os.path.join(dst, name))
    elif not os.path.exists(dst) or os.path.getmtime(src) > os.path.getmtime(dst):
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)


# C functions out of kernel sources

def find_function(text, name):
    """(first line, lines) of the definition of name in text, or None.  Kernel
    style: the return type on the line of the name or the one before, the
    body from a '{' line to the first '}' line."""
    lines = text.split('\n')
    head = re.compile(r'^(?:[A-Za-z_][\w \t*]*?[\s*])?%s\(' % re.escape(name))
    for i, line in enumerate(lines):
        if not head.match(line):
            continue
        j = i
        while j < len(lines) and lines[j] != '{' and not lines[j].endswith(';'):
            j += 1
        if j == len(lines) or lines[j] != '{':
            continue                # a prototype
        start = i - 1 if line.startswith(name + '(') else i
        end = lines.index('}', j)
        return start + 1, lines[start:end + 1]
    return None


def signature(lines):
    """The prototype of a definition found by find_function."""
    return '\n'.join(lines[:lines.index('{')]) + ';'


def wrapper_signature(lines):
    """The prototype of core.c's wrapper of a function: not static, since
    the harness's headers declare it for every unit."""
    return re.sub(r'^(static |inline )+', '', signature(lines))


def extract(tree, path, names, renamed=()):
    """(prototypes, definitions) of names from tree/path, with #line markers
    that point gdb at the copy."""
    text = read(os.path.join(tree, path))
    protos, defs = [], []
    for name in names:
        found = find_function(text, name)
        if not found:
            raise UserError('%s: no definition of %s(); tests/model/vmaharness/run.py '
                            'names what it copies from the tree' % (path, name))
        line, body = found
        if name in renamed:
            protos.append(wrapper_signature(body))
            protos.append(signature(body).replace(name + '(', 'kernel_%s(' % name, 1))
            defs.append('#define %s kernel_%s' % (name, name))
        else:
            protos.append(signature(body))
        defs.append('#line %d "%s"' % (line, os.path.join(tree, path)))
        defs.append('\n'.join(body))
        if name in renamed:
            defs.append('#undef %s' % name)
    return protos, defs


def generated_header(what):
    return ('/* Generated by tests/model/vmaharness/run.py: %s.  Do not edit. */\n'
            % what)


def complete_structs(dup, ours):
    """dup (the harness's include/dup.h) with its partial struct
    address_space, file_operations and file replaced by an include of ours
    (fs.h), after checking that ours keep the harness's members first."""
    for i, struct in enumerate(['address_space', 'file_operations', 'file']):
        pattern = re.compile(r'^struct %s \{\n(.*?)^\};\n' % struct, re.M | re.S)
        theirs, mine = pattern.search(dup), pattern.search(ours)
        if not theirs or not mine:
            raise UserError('include/dup.h: no struct %s to replace' % struct)
        members = [' '.join(m.split()) for m in theirs.group(1).split('\n') if m.strip()]
        kept = [' '.join(m.split()) for m in mine.group(1).split('\n')
                if m.strip() and not m.strip().startswith('/*')][:len(members)]
        if members != kept:
            raise UserError('include/dup.h: struct %s has changed (%s); update '
                            'tests/model/vmaharness/fs.h' % (struct, '; '.join(members)))
        dup = dup[:theirs.start()] + (
            '#include "fs.h"\t/* tests/model/vmaharness: the three structs in full */\n'
            if i == 0 else '') + dup[theirs.end():]
    return dup


def replace_stubs(stubs, sources):
    """stubs (the harness's include/stubs.h) with each stub of
    STUBS_REPLACED turned into the prototype of the real function, read
    from sources ({path: text} of KERNEL)."""
    for name in STUBS_REPLACED:
        found = find_function(stubs, name)
        if not found:
            raise UserError('include/stubs.h: no stub %s() any more; update '
                            'STUBS_REPLACED in tests/model/vmaharness/run.py' % name)
        path = next(p for p, names in KERNEL if name in names)
        real = find_function(sources[path], name)[1]
        real = wrapper_signature(real) if name in WRAPPED else signature(real)
        stub = '\n'.join(found[1]) + '\n'
        stubs = stubs.replace(stub, '/* tests/model/vmaharness: the real one, from %s */\n'
                              '%s\n' % (path, real), 1)
    return stubs


def prepare(scratch):
    """Fill the build folder: the harness's headers with fs.h and the real
    functions swapped in, our sources, and generated/."""
    harness, build = os.path.join(scratch, HARNESS), os.path.join(scratch, BUILD)
    for name in ['vma_internal.h', 'shared.h', 'shared.c', 'linux',
                 'include/custom.h']:
        copy(os.path.join(harness, name), os.path.join(build, name))
    for name in OUR_FILES:
        copy(os.path.join(HERE, name), os.path.join(build, name))

    dup = complete_structs(read(os.path.join(harness, 'include/dup.h')),
                           read(os.path.join(HERE, 'fs.h')))
    write(os.path.join(build, 'include/dup.h'), dup)
    sources = dict((path, read(os.path.join(scratch, path))) for path, _ in KERNEL)
    stubs = replace_stubs(read(os.path.join(harness, 'include/stubs.h')), sources)
    write(os.path.join(build, 'include/stubs.h'), stubs)

    known = dup + stubs + read(os.path.join(harness, 'include/custom.h'))
    path, names = MM_INLINE
    missing = [n for n in names if not find_function(known, n)]
    _, defs = extract(scratch, path, missing)
    write(os.path.join(build, 'generated/mm_inline.h'),
          generated_header('the static inlines of %s that drivers call' % path)
          + '\n\n'.join(defs) + '\n')
    protos, defs = [], []
    for path, names in KERNEL:
        p, d = extract(scratch, path, names, WRAPPED)
        protos += p
        defs += d
    write(os.path.join(build, 'generated/kernel.c'),
          generated_header('functions of %s' % ', '.join(p for p, _ in KERNEL))
          + '\n'.join(protos) + '\n\n' + '\n\n'.join(defs) + '\n')


# Units: one legacy or converted file each

# Signatures of initializer members that a generated stub may fill in (a
# fixture names .open = foo_open and has no reason to define foo_open)
STUBS = {
    'file_operations': {
        'open': 'int %s(struct inode *inode, struct file *file)',
        'release': 'int %s(struct inode *inode, struct file *file)',
        'read': 'ssize_t %s(struct file *file, char *buf, size_t n, loff_t *pos)',
        'write': 'ssize_t %s(struct file *file, const char *buf, size_t n, loff_t *pos)',
        'llseek': 'loff_t %s(struct file *file, loff_t off, int whence)',
        'read_iter': 'ssize_t %s(struct kiocb *iocb, struct iov_iter *to)',
        'write_iter': 'ssize_t %s(struct kiocb *iocb, struct iov_iter *from)',
        'poll': '__poll_t %s(struct file *file, struct poll_table_struct *wait)',
        'unlocked_ioctl': 'long %s(struct file *file, unsigned int cmd, unsigned long arg)',
        'compat_ioctl': 'long %s(struct file *file, unsigned int cmd, unsigned long arg)',
        'fsync': 'int %s(struct file *file, loff_t start, loff_t end, int datasync)',
        'fasync': 'int %s(int fd, struct file *file, int on)',
        'flush': 'int %s(struct file *file, fl_owner_t id)',
    },
    'vm_operations_struct': {
        'open': 'void %s(struct vm_area_struct *vma)',
        'close': 'void %s(struct vm_area_struct *vma)',
        'fault': 'vm_fault_t %s(struct vm_fault *vmf)',
        'page_mkwrite': 'vm_fault_t %s(struct vm_fault *vmf)',
        'pfn_mkwrite': 'vm_fault_t %s(struct vm_fault *vmf)',
        'access': 'int %s(struct vm_area_struct *vma, unsigned long addr, void *buf, '
                  'int len, int write)',
    },
}


def c_string(text):
    return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"')


def generate(case, side, source):
    """The translation unit that compiles source and registers its hooks."""
    text = read(source)
    known = ''.join(read(p) for p in case.support if p)
    out = [generated_header('unit for %s' % source)]
    out += ['#include "vmaharness.h"']
    # every #ifdef branch taken, unless the harness decides it (CONFIG_MMU)
    for d in case.defines:
        out += ['#ifndef %s' % d, '#define %s 1' % d, '#endif']
    before, after = case.support
    if before:
        out += ['#include "%s"' % before]
    lines, vm_ops = units.stubs(text, known, STUBS)
    out += lines
    out.append('#include "%s"' % source)
    if after:
        out.append('#include "%s"' % after)
    out.append('static const struct vh_hook vh_hooks[] = {')
    for struct, name, array, _ in initializers(text):
        if struct == 'file_operations':
            out.append('\t{ "%s", %s%s, %s },' % (
                name, '' if array else '&', name,
                'ARRAY_SIZE(%s)' % name if array else '1'))
    out.append('\t{ NULL } };')
    out.append('static const struct vh_named vh_objects[] = {')
    out += ['\t{ "%s", &%s },' % (n, n) for n in vm_ops]
    out += ['#ifdef VMM_OBJECTS', '\tVMM_OBJECTS', '#endif', '\t{ NULL } };']
    out.append('static const struct vm_operations_struct *const vh_vm_ops[] = {')
    out += ['\t&%s,' % n for n in vm_ops]
    out.append('\tNULL };')
    out += ['#ifndef VMM_SETUP', '#define VMM_SETUP NULL', '#endif',
            '#ifndef VH_STATE', '#define VH_STATE NULL', '#endif',
            '#ifndef VMM_DEV_SIZE', '#define VMM_DEV_SIZE (4 * PAGE_SIZE)', '#endif',
            'static const struct vh_unit vh_unit = {',
            '\t.name = %s,' % c_string(case.name),
            '\t.side = "%s",' % side,
            '\t.file = %s,' % c_string(os.path.relpath(source, TOP)),
            '\t.hooks = vh_hooks,', '\t.objects = vh_objects,',
            '\t.vm_ops = vh_vm_ops,', '\t.setup = VMM_SETUP,',
            '\t.state = VH_STATE,', '\t.dev_size = VMM_DEV_SIZE,', '};',
            'VH_UNIT(vh_unit);']
    return '\n'.join(out) + '\n'


class Case:
    """A legacy file and its conversion (a mutant when expect is set)."""

    def __init__(self, name, legacy, converted, support, defines=(), expect=None):
        self.name, self.legacy, self.converted = name, legacy, converted
        self.support = support or (None, None)
        self.defines, self.expect = list(defines), expect
        self.error, self.log, self.xfail = None, '', None

    @property
    def stem(self):
        return re.sub(r'[^\w.-]', '_', self.name)


def support_files(folder, name):
    """NAME.h (read before the file) and NAME.setup.h (after), or None."""
    paths = [os.path.join(folder, name + ext) for ext in ('.h', '.setup.h')]
    return tuple(p if os.path.exists(p) else None for p in paths)


def configs(*paths):
    return sorted(set(CONFIG.findall(''.join(read(p) for p in paths))))


def fixture_cases(fixtures, names, skips, xfails):
    """Every NAME.c of fixtures that has a NAME.mainline.res."""
    cases, skipped = [], []
    for f in sorted(os.listdir(fixtures)):
        if not f.endswith(CONVERTED):
            continue
        name = f[:-len(CONVERTED)]
        legacy, converted = os.path.join(fixtures, name + '.c'), os.path.join(fixtures, f)
        if not os.path.exists(legacy) or (names and name not in names):
            continue
        if name in skips:
            skipped.append((name, skips[name]))
            continue
        cases.append(Case(name, legacy, converted, support_files(SUPPORT, name),
                          configs(legacy, converted)))
        cases[-1].xfail = xfails.get(name)
    return cases, skipped


def pair_cases(names, xfails):
    """pairs/NAME.c with NAME.mainline.res, and the mutants
    NAME.MUTATION.mainline.res, each saying '// expect: FIELD'."""
    cases = []
    for f in sorted(os.listdir(PAIRS)):
        if not f.endswith(CONVERTED):
            continue
        stem = f[:-len(CONVERTED)]
        base = stem.split('.')[0]
        name = 'pairs/' + stem
        if names and name not in names and 'pairs/' + base not in names:
            continue
        path = os.path.join(PAIRS, f)
        m = re.search(r'^// expect: (.+)$', read(path), re.M)
        if '.' in stem and not m:
            raise UserError('%s: a mutant needs an "// expect: FIELD" line' % path)
        legacy = os.path.join(PAIRS, base + '.c')
        cases.append(Case(name, legacy, path, support_files(PAIRS, base),
                          configs(legacy, path), m.group(1).strip() if '.' in stem else None))
        cases[-1].xfail = xfails.get(name)
    return cases


def make(build, targets, jobs=1, **variables):
    cmd = ['make', '--no-print-directory', '-j%d' % jobs, '-C', build] + targets
    cmd += ['%s=%s' % kv for kv in sorted(variables.items())]
    return processes.run(cmd, check=False)


def build_units(cases, build, jobs, cc):
    """Generate and compile both units of every case; note failures.  A
    legacy file serves its pair and its mutants: it is compiled once."""
    legacy = {}

    def compile_unit(case, side, source):
        stem = case.name.split('.')[0] if side == 'legacy' else case.name
        unit = 'units/%s.%s' % (re.sub(r'[^\w.-]', '_', stem), side)
        case.units.append(unit + '.o')
        if unit in legacy:
            return legacy[unit]
        write(os.path.join(build, unit + '.c'), generate(
            Case(stem, case.legacy, case.converted, case.support, case.defines)
            if side == 'legacy' else case, side, source))
        proc = make(build, [unit + '.o'], CC=cc)
        error = None
        if proc.returncode:
            errors = [line for line in proc.stderr.splitlines() if 'error' in line]
            error = ('%s does not compile: %s' % (os.path.relpath(source, TOP),
                                                 (errors or ['?'])[0]),
                     proc.stdout + proc.stderr)
        if side == 'legacy':
            legacy[unit] = error
        return error

    def one(case):
        case.units = []
        for side, source in (('legacy', case.legacy), ('converted', case.converted)):
            error = compile_unit(case, side, source)
            if error:
                case.error, case.log = error
                return
    # pairs first, so that their mutants find the legacy unit built
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, [c for c in cases if not c.expect]))
        list(pool.map(one, [c for c in cases if c.expect]))


def kernel_version(tree):
    """'Linux 7.2.13', from the tree's Makefile."""
    try:
        text = read(os.path.join(tree, 'Makefile'))
    except OSError:
        return os.path.basename(tree)
    v = dict(re.findall(r'^(VERSION|PATCHLEVEL|SUBLEVEL) = (\d+)', text, re.M))
    return 'Linux %s.%s.%s' % (v.get('VERSION', '?'), v.get('PATCHLEVEL', '?'),
                               v.get('SUBLEVEL', '?'))


def harness_tests(scratch, jobs, cc):
    """Build tools/testing/vma unchanged and run it: its summary line."""
    harness = os.path.join(scratch, HARNESS)
    proc = make(harness, ['vma'], jobs, CC=cc)
    if proc.returncode:
        sys.stdout.write(proc.stdout + proc.stderr)
        if 'No such file' in proc.stderr:
            print('a file the harness needs is missing from the copy: add it to '
                  'TREE_FILES in tests/model/vmaharness/run.py')
        raise UserError('tools/testing/vma does not build')
    proc = processes.run(['./vma'], cwd=harness, check=False)
    summary = (proc.stdout.strip().splitlines() or ['no output'])[-1]
    if proc.returncode:
        sys.stdout.write(proc.stdout + proc.stderr)
        raise UserError('tools/testing/vma fails its own tests: %s' % summary)
    return summary


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('names', nargs='*',
                    help='cases to run: fixture names, pairs/NAME (default: all)')
    ap.add_argument('--tree', default=os.environ.get('MAINLINE_TREE') or
                    os.path.join(TOP, '.cache', 'linux-mainline'),
                    help='the Linux 7.2 tree (default: .cache/linux-mainline)')
    ap.add_argument('--fixtures', default=FIXTURES, metavar='DIR',
                    help='where NAME.c and NAME.mainline.res are (default: tests/fixtures)')
    ap.add_argument('-v', '--verbose', action='store_true',
                    help='show the commands, the requests and what each case covered')
    ap.add_argument('-j', '--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('-O', '--output', default=os.path.join(TOP, 'build', 'vmaharness'),
                    help='the scratch tree (default: build/vmaharness)')
    ap.add_argument('--cc', default=os.environ.get('CC') or 'gcc')
    args = ap.parse_args()
    processes.VERBOSE = args.verbose
    tree, scratch = os.path.abspath(args.tree), os.path.abspath(args.output)
    build = os.path.join(scratch, BUILD)
    try:
        if not os.path.isfile(os.path.join(tree, HARNESS, 'Makefile')):
            raise UserError('no Linux 7.2 tree with tools/testing/vma at %s '
                            '(scripts/mktree-mainline.sh makes one; or MAINLINE_TREE=DIR)'
                            % tree)
        for name in TREE_DIRS + TREE_FILES:
            copy(os.path.join(tree, name), os.path.join(scratch, name))
        print('kernel harness (tools/testing/vma of %s): %s'
              % (kernel_version(tree), harness_tests(scratch, args.jobs, args.cc)))
        sys.stdout.flush()
        prepare(scratch)
        xfails = read_reasons(os.path.join(HERE, 'EXPECTED_FAILURES'))
        cases, skipped = fixture_cases(args.fixtures, args.names,
                                       read_reasons(os.path.join(HERE, 'SKIP')), xfails)
        cases += pair_cases(args.names, xfails)
        proc = make(build, ['core.o', 'driver.o', 'shared.o'], args.jobs, CC=args.cc)
        if proc.returncode:
            sys.stdout.write(proc.stdout + proc.stderr)
            raise UserError('%s does not build' % BUILD)
        build_units(cases, build, args.jobs, args.cc)
        units = sorted(set(u for c in cases if not c.error for u in c.units))
        proc = make(build, ['vmaharness'], 1, CC=args.cc, UNITS=' '.join(units))
        if proc.returncode:
            sys.stdout.write(proc.stdout + proc.stderr)
            raise UserError('%s/vmaharness does not link' % BUILD)
    except UserError as err:
        print('run.py: error: %s' % err, file=sys.stderr)
        return 2
    manifest = os.path.join(build, 'manifest')
    with open(manifest, 'w') as dst:
        for name, why in skipped:
            dst.write('skip\t%s\t%s\n' % (name, why))
        for case in cases:
            if case.error:
                sys.stdout.write(case.log)
                dst.write('broken\t%s\t%s\n' % (case.name, case.error))
            elif case.expect:
                dst.write('mutant\t%s\t%s\n' % (case.name, case.expect))
            elif case.xfail:
                dst.write('xfail\t%s\t%s\n' % (case.name, case.xfail))
            else:
                dst.write('pair\t%s\n' % case.name)
    sys.stdout.flush()
    cmd = [os.path.join(build, 'vmaharness')] + (['-v'] if args.verbose else []) + [manifest]
    processes.show(cmd)
    env = dict(os.environ, ASAN_OPTIONS='abort_on_error=0:detect_leaks=1',
               UBSAN_OPTIONS='print_stacktrace=1')
    return os.spawnve(os.P_WAIT, cmd[0], cmd, env)


if __name__ == '__main__':
    sys.exit(main())
