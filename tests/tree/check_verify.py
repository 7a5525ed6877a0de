#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""make check-verify: convert.py verify on a handful of reference-tree objects.

All three share one build folder (-O), so allmodconfig and make prepare run
once; a rerun finds the objects up to date.

1. The API overlay alone: three untouched objects that include the headers
   it changes (mm/mmap.c, fs/proc/inode.c, drivers/char/mem.c) build with
   and without it, with W=1, and it adds no warning.
2. A series (tests/data/verify/series) whose outcomes a kernel developer can
   tell by reading it: ramfs's file-mmu.c builds (against the overlay: it
   uses generic_file_mmap_prepare), file-nommu.c and hostfs are not built on
   x86 (CONFIG_MMU, CONFIG_HOSTFS), and the relay patch is broken (a desc
   has no vm_start/vm_end) and fails with the compiler's error line.
3. The ramfs patch again, compiled through distcc: a distccd started here,
   listening on 127.0.0.1 only, must have compiled file-mmu.c.
4. One small cross build (tests/data/verify/cross): the conversion of a powerpc
   file, which x86 never builds, with --arch powerpc: verify picks powerpc
   allmodconfig, installs the Debian cross compiler when it is missing
   (as root), and the object it builds is a 64-bit PowerPC ELF file.

The series is verified with --arch x86, so it builds on the host only.

--only kernel (make check-verify-kernel; slow, not run by default) is the
whole-tree proof: KDIR converted (convert.py convert), the conversion
verified with --install-cross on every architecture and configuration it
needs, and checked: no file fails (no compiler error, no W=1 warning the
conversion adds), every file is built or says why none could build it,
files of arch/ARCH/ are built for ARCH, and every touched preprocessor
branch is compiled by a named configuration or says why none did.  One
line per file says where it was built.
"""

import argparse
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, 'scripts'))

from mmapconv import UserError  # noqa: E402
from mmapconv import verify as ver  # noqa: E402

CONVERT = [sys.executable, os.path.join(TOP, 'scripts', 'convert.py'), 'verify']
DATA = os.path.join(TOP, 'tests', 'data', 'verify')
SERIES = os.path.join(DATA, 'series')
CROSS = os.path.join(DATA, 'cross', '0001-powerpc-proc.patch')
EM_PPC64 = 21
OVERLAY_SAMPLES = ['mm/mmap.c', 'fs/proc/inode.c', 'drivers/char/mem.c', 'fs/binfmt_elf.c',
                   'fs/backing-file.c', 'fs/coda/file.c', 'fs/debugfs/file.c']

# What the series must give, file by file: judged from the patches.
EXPECTED = {
    'fs/ramfs/file-mmu.c': ('built', 'fs/0001-ramfs-mmu.patch'),
    'fs/ramfs/file-nommu.c': ('not built', 'fs/0002-ramfs-nommu.patch'),
    'fs/hostfs/hostfs_kern.c': ('not built', 'fs/0003-hostfs.patch'),
    'kernel/relay.c': ('failed', 'kernel/0001-relay.patch'),
}
EXPECTED_KCONFIG = {'fs/ramfs/file-nommu.c': 'CONFIG_MMU',
                    'fs/hostfs/hostfs_kern.c': 'CONFIG_HOSTFS',
                    'kernel/relay.c': 'CONFIG_RELAY'}
RELAY_ERROR = re.compile(r"^kernel/relay\.c:\d+:\d+: error: 'struct vm_area_desc' has no "
                         r"member named 'vm_(end|start)'")


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what, detail=''):
        if ok:
            self.passed += 1
            print('ok: %s' % what)
        else:
            self.failed += 1
            print('FAIL: %s%s' % (what, ('\n    ' + detail) if detail else ''))


def run_verify(args, extra, env=None):
    cmd = CONVERT + ['-j', str(args.jobs), '-O', args.builddir, args.kdir] + extra
    if args.verbose:
        cmd.append('-v')
        print('+ ' + ' '.join(cmd))
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})))
    return proc, time.monotonic() - start


def results(c, out, stderr=''):
    """verify.json, or None after a failed check that says why."""
    try:
        with open(out) as src:
            return json.load(src)
    except (OSError, ValueError) as err:
        c.check(False, 'verify writes %s' % out, '%s\n%s' % (err, stderr[-1500:]))
        return None


def check_overlay(args, c):
    with open(ver.OVERLAY) as src:
        overlay = src.read()
    start = time.monotonic()
    try:
        result = ver.verify(args.kdir, [('overlay/mmap_prepare-api.patch', overlay)],
                            args.builddir, jobs=args.jobs, w1=True, progress=False,
                            overlay='never', sources=OVERLAY_SAMPLES)
    except UserError as err:
        c.check(False, 'verify of the overlay alone runs', str(err))
        return
    files = result['files']
    print('overlay alone, W=1: %s (%.0f s)' % (', '.join(
        '%s %s' % (p, f['status']) for p, f in sorted(files.items())),
        time.monotonic() - start))
    for path in OVERLAY_SAMPLES:
        f = files.get(path, {})
        c.check(f.get('status') == 'built', 'the overlay alone builds %s' % path,
                '; '.join(f.get('errors', [])[:3]))
        c.check(f.get('warnings') == [], 'the overlay adds no W=1 warning to %s' % path,
                '; '.join(f.get('warnings', [])[:3]))


def check_series(args, c):
    out = os.path.join(args.builddir, 'check-series.json')
    proc, seconds = run_verify(args, ['--series', SERIES, '--json', out, '--arch', 'x86'])
    print('series: %s (%.0f s)' % (proc.stderr.strip().splitlines()[-1:] or ['?'], seconds))
    c.check(proc.returncode == 1, 'verify exits 1 when a file fails because of the patches',
            'exit %d: %s' % (proc.returncode, proc.stderr[-1500:]))
    result = results(c, out)
    if result is None:
        return
    c.check(result.get('overlay') is True and result.get('config') == 'allmodconfig' and
            result.get('tree'), 'the results say the build ran against the overlay')
    c.check('against the mmap_prepare API overlay' in proc.stderr,
            'the summary line says so too')
    files = result.get('files', {})
    c.check(sorted(files) == sorted(EXPECTED), 'one entry per touched .c file',
            ' '.join(sorted(files)))
    for path, (status, patch) in EXPECTED.items():
        f = files.get(path, {})
        c.check(all(k in f for k in ('status', 'errors', 'warnings', 'kconfig', 'patch')),
                '%s has every key of the schema' % path, ' '.join(sorted(f)))
        c.check(f.get('status') == status, '%s: %s' % (path, status),
                'got %s: %s' % (f.get('status'), '; '.join(f.get('errors', [])[:3])))
        c.check(f.get('patch') == patch, '%s comes from %s' % (path, patch),
                str(f.get('patch')))
        if path in EXPECTED_KCONFIG:
            c.check(f.get('kconfig') == EXPECTED_KCONFIG[path],
                    '%s names %s' % (path, EXPECTED_KCONFIG[path]), str(f.get('kconfig')))
    # Why not: hostfs is UML's (its Kconfig depends on UML), which --arch x86
    # leaves out; x86 cannot turn MMU off, and no x86 defconfig does.
    why = files.get('fs/hostfs/hostfs_kern.c', {}).get('reason', '')
    c.check('ARCH=um' in why and '--arch' in why, 'hostfs needs ARCH=um, left out by --arch',
            why)
    why = files.get('fs/ramfs/file-nommu.c', {}).get('reason', '')
    c.check('x86 allmodconfig CONFIG_MMU=n: make olddefconfig does not keep CONFIG_MMU' in why,
            'file-nommu.c: x86 cannot have CONFIG_MMU off', why)
    errors = files.get('kernel/relay.c', {}).get('errors', [])
    c.check(any(RELAY_ERROR.match(e) for e in errors),
            'the relay failure quotes the compiler: no member vm_end/vm_start',
            '; '.join(errors[:3]))
    c.check('1 built, 1 failed, 2 not built' in proc.stderr, 'the summary line counts them',
            proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else '')
    patches = {name: p.get('status') for name, p in result.get('patches', {}).items()}
    c.check(patches == {'fs/0001-ramfs-mmu.patch': 'built',
                        'fs/0002-ramfs-nommu.patch': 'not built',
                        'fs/0003-hostfs.patch': 'not built',
                        'kernel/0001-relay.patch': 'failed'},
            'one status per patch', str(patches))


def check_cross(args, c):
    out = os.path.join(args.builddir, 'check-cross.json')
    proc, seconds = run_verify(args, ['--patch', CROSS, '--arch', 'powerpc', '--install-cross',
                                      '--json', out])
    print('cross: %s (%.0f s)' % (proc.stderr.strip().splitlines()[-1:] or ['?'], seconds))
    result = results(c, out, proc.stderr)
    if result is None:
        return
    f = result.get('files', {}).get('arch/powerpc/kernel/proc_powerpc.c', {})
    c.check(proc.returncode == 0 and f.get('status') == 'built',
            'verify --arch powerpc builds arch/powerpc/kernel/proc_powerpc.c',
            '%s: %s' % (f.get('status'), f.get('reason') or proc.stderr[-1500:]))
    c.check(f.get('configs') == ['powerpc allmodconfig'] and result.get('arches') == ['powerpc'],
            'in powerpc allmodconfig, and no other', '%s %s' % (f.get('configs'),
                                                               result.get('arches')))
    cfg = (result.get('configs') or [{}])[0]
    c.check(cfg.get('cc') == 'powerpc64-linux-gnu-gcc', 'with the Debian cross compiler',
            str(cfg.get('cc')))
    obj = os.path.join(args.builddir, cfg.get('folder', '?'), 'arch', 'powerpc', 'kernel',
                       'proc_powerpc.o')
    try:
        with open(obj, 'rb') as src:
            head = src.read(20)
    except OSError:
        head = b''
    # e_machine, big-endian on ppc64 (powerpc allmodconfig is big-endian)
    machine = int.from_bytes(head[18:20], 'big' if head[5:6] == b'\x02' else 'little') \
        if head[:4] == b'\x7fELF' else None
    c.check(machine == EM_PPC64, 'the object is a 64-bit PowerPC ELF file',
            '%s: e_machine %s' % (obj, machine))


def check_kernel(args, c):
    diff = os.path.join(args.builddir, 'conversion.diff')
    out = os.path.join(args.builddir, 'verify-kernel.json')
    proc = subprocess.run([sys.executable, os.path.join(TOP, 'scripts', 'convert.py'), 'convert',
                           '-j', str(args.jobs), args.kdir, '-o', diff],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        c.check(False, 'convert.py convert %s' % args.kdir, proc.stderr[-1500:])
        return
    proc, seconds = run_verify(args, ['--patch', diff, '--install-cross', '--json', out])
    sys.stderr.write(proc.stderr)
    result = results(c, out)
    if result is None:
        return
    for cfg in result['configs']:
        print('config %s: %s%s' % (cfg['name'], '%d files' % len(cfg['built']) if cfg['built']
                                   else 'built nothing', ' (%s)' % cfg['error'] if cfg['error']
                                   else ''))
    for path, f in sorted(result['files'].items()):
        r = f['regions']
        print('%s: %s in %s; branches %d/%d' % (
            path, f['status'], ', '.join(f['configs']) or '-', r['covered'], r['total']))
        for e in r['list']:
            if not e['configs']:
                print('    %s %s: %s' % (e['lines'], e['directive'], e['reason']))
        c.check(f['status'] != 'failed', '%s does not fail' % path,
                '\n    '.join(f['errors'][:5] + ['added: ' + w for w in f['warnings'][:5]]))
        c.check(f['status'] != 'not built' or f['reason'], '%s is built or says why' % path)
        m = re.match(r'^arch/([^/]+)/', path)
        if m and f['status'] != 'not built':
            c.check(m.group(1) in f['arches'], '%s is built for %s' % (path, m.group(1)),
                    str(f['arches']))
        for e in r['list']:
            c.check(e['configs'] or e['reason'],
                    '%s %s is compiled or says why' % (path, e['lines']))
    c.check(proc.returncode == 0, 'verify exits 0', 'exit %d' % proc.returncode)
    s = result['summary']
    print('verify: %d built, %d failed, %d not built, %d pre-existing failures; branches '
          '%d/%d; arches %s; %d configurations; %.0f s' % (
              s['built'], s['failed'], s['not built'], s['pre-existing failure'],
              result['regions']['covered'], result['regions']['total'],
              ' '.join(result['arches']), len(result['configs']), seconds))


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def check_distcc(args, c):
    if not shutil.which('distccd'):
        c.check(False, 'distcc is installed (make deps)')
        return
    port = free_port()
    work = os.path.join(args.builddir, 'distcc')
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    client_log = os.path.join(work, 'client.log')
    cmd = ['distccd', '--daemon', '--no-detach', '--listen', '127.0.0.1',
           '--allow', '127.0.0.1', '--port', str(port), '--jobs', str(args.jobs),
           '--log-level', 'info']
    # distccd refuses to run as root and takes another user then, who may not
    # enter the build folder (a clone under /root or a mode-700 folder): its
    # log goes to a folder of its own that this test makes and removes.
    server_dir = tempfile.mkdtemp(prefix='mmap-distccd-')
    server_log = os.path.join(server_dir, 'distccd.log')
    with open(server_log, 'w'):
        pass
    if os.geteuid() == 0:
        user = 'distccd' if 'distccd' in {u.pw_name for u in pwd.getpwall()} else 'nobody'
        cmd += ['--user', user]
        os.chmod(server_dir, 0o755)
        os.chmod(server_log, 0o666)
    cmd += ['--log-file', server_log]
    # an object left up to date by an earlier distcc run would not be compiled
    stale = os.path.join(args.builddir, 'obj', 'fs', 'ramfs', 'file-mmu.o')
    if os.path.exists(stale):
        os.unlink(stale)
    server = subprocess.Popen(cmd, start_new_session=True, cwd='/')
    try:
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(('127.0.0.1', port)) == 0:
                    break
            time.sleep(0.1)
        out = os.path.join(args.builddir, 'check-distcc.json')
        env = {'DISTCC_HOSTS': '127.0.0.1:%d' % port, 'DISTCC_LOG': client_log,
               'DISTCC_DIR': work, 'DISTCC_FALLBACK': '0', 'DISTCC_VERBOSE': '1'}
        proc, seconds = run_verify(args, ['--patch', os.path.join(
            SERIES, 'fs', '0001-ramfs-mmu.patch'), '--cc', 'distcc', '--json', out], env)
        print('distcc: %s (%.0f s)' % (proc.stderr.strip().splitlines()[-1:] or ['?'], seconds))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    try:
        with open(out) as src:
            result = json.load(src)
    except (OSError, ValueError):
        result = {}
    f = result.get('files', {}).get('fs/ramfs/file-mmu.c', {})
    c.check(proc.returncode == 0 and f.get('status') == 'built',
            'verify --cc distcc builds fs/ramfs/file-mmu.c', proc.stderr[-1500:])
    c.check(result.get('cc') == 'distcc gcc', 'kbuild got CC="distcc gcc"', str(result.get('cc')))
    server_text = open(server_log).read() if os.path.exists(server_log) else ''
    shutil.rmtree(server_dir, ignore_errors=True)
    jobs = [line for line in server_text.splitlines()
            if 'COMPILE_OK' in line and 'file-mmu' in line]
    c.check(len(jobs) >= 1, 'distccd on 127.0.0.1 compiled file-mmu.c',
            server_text[-1500:] or 'no distccd log')
    client_text = open(client_log).read() if os.path.exists(client_log) else ''
    c.check('127.0.0.1:%d' % port in client_text and 'file-mmu' in client_text,
            'the distcc client sent file-mmu.c to 127.0.0.1:%d' % port, client_text[-800:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('kdir', metavar='KDIR')
    ap.add_argument('-O', dest='builddir', required=True)
    ap.add_argument('-j', dest='jobs', type=int, default=2)
    ap.add_argument('-v', '--verbose', action='store_true')
    ap.add_argument('--only', choices=('overlay', 'series', 'distcc', 'cross', 'kernel'),
                    action='append', help='these parts only; kernel runs only when named')
    args = ap.parse_args()
    args.kdir = os.path.abspath(args.kdir)
    args.builddir = os.path.abspath(args.builddir)
    c = Checks()
    for name, fn in (('overlay', check_overlay), ('series', check_series),
                     ('distcc', check_distcc), ('cross', check_cross),
                     ('kernel', check_kernel)):
        if (not args.only and name != 'kernel') or name in (args.only or ()):
            fn(args, c)
    print('%d passed, %d failed' % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == '__main__':
    sys.exit(main())
