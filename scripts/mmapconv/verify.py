"""The verify subcommand: compile every object a conversion touches.

BUILDDIR holds everything, reused from run to run:

  src/         a scratch git clone of KDIR (`git clone --shared`: it reads
               KDIR's objects and writes nothing into KDIR); its work tree
               is made to match base + overlay + patches by rewriting only
               the files that differ, so kbuild's timestamps stay valid
  obj/         the kbuild output folder (make O=)
  state.json   what the last runs established: the configuration stamp,
               and the results of the builds without the conversion
               ("before"), keyed by everything they depend on
  verify.json  the results (default --json)

Each touched object is built with the conversion (base + overlay +
patches), and, when that fails or warns, without it (base + overlay): an
object that fails both ways is a pre-existing failure, not the conversion's,
and only the warnings the build without it lacks are the conversion's.  The
"before" results depend only on the base tree, the overlay, the .config and
the compiler, so they are kept in state.json; a rerun with nothing changed
only runs kbuild's own up-to-date check.
"""

import fcntl
import hashlib
import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field, asdict

from . import TOP, UserError
from . import kbuild
from . import tools
from . import tree

OVERLAY = os.path.join(TOP, 'overlay', 'mmap_prepare-api.patch')

KBUILD_QUIET = re.compile(r'^\s\s([A-Z][A-Z0-9_]*)(?: \[M\])?\s+(\S+)$')
DIAGNOSTIC = re.compile(r'^(\S+?):(\d+):(?:(\d+):)? (?:fatal )?(error|warning): (.*)$')
OBJTOOL = re.compile(r'^(\S+\.o): (warning|error): objtool: (.*)$')
MAKE_FAILED = re.compile(r'\*\*\* \[[^\]]*?: (\S+)\] Error \d+')
# The compiler's messages in ASCII and English, the same for every user
# (kbuild unexports LC_ALL, so the other variables are set too).
MAKE_ENV = dict({k: v for k, v in os.environ.items() if k != 'LANGUAGE'},
                LC_ALL='C', LANG='C', LC_CTYPE='C', LC_MESSAGES='C')
# "before" results kept for this many (tree, .config, compiler) combinations
BEFORE_KEYS = 4
STATUSES = ('built', 'failed', 'not built', 'pre-existing failure')


@dataclass
class FileResult:
    status: str
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    kconfig: str = ''
    patch: str = ''
    object: str = ''
    reason: str = ''


@dataclass
class Build:
    """What one make run said about one object."""
    ok: bool
    compiled: bool = False
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


# -- patches ---------------------------------------------------------------

def patch_files(text):
    """Paths a unified diff (git or diff -u -p) changes, in order."""
    out = []
    for line in text.splitlines():
        m = re.match(r'^\+\+\+ (?:b/)?(\S+)', line)
        if m and m.group(1) != '/dev/null' and m.group(1) not in out:
            out.append(m.group(1))
    return out


def read_patches(patch=None, series=None):
    """[(name, text)] from --patch FILE or --series OUTDIR (format-patch
    output, one folder per series; cover letters are skipped)."""
    if patch:
        try:
            with open(patch) as src:
                return [(os.path.basename(patch), src.read())]
        except OSError as err:
            raise UserError('%s: %s' % (patch, err.strerror))
    if not os.path.isdir(series):
        raise UserError('%s: no such directory' % series)
    found = []
    paths = []
    for root, dirs, names in os.walk(series):
        # series keeps its git worktree of the whole tree in OUTDIR/.worktree
        dirs[:] = [d for d in dirs if not d.startswith('.')]
        paths += [os.path.join(root, name) for name in names
                  if re.match(r'^\d{4}-.*\.patch$', name) and not name.startswith('0000-cover')]
    for path in sorted(paths):
        with open(path) as src:
            found.append((os.path.relpath(path, series), src.read()))
    if not found:
        raise UserError('%s holds no NNNN-*.patch files' % series)
    return found


def compiler(cc):
    """--cc CMD -> the CC= value: a wrapper alone (distcc, ccache) gets gcc."""
    if not cc:
        return None
    words = shlex.split(cc)
    if re.search(r'(^|[-/])(gcc|cc|clang)(-\d+)?$', words[-1]):
        return cc
    return cc + ' gcc'


# -- compiler output -------------------------------------------------------

def parse_make_output(lines, src, obj, goals):
    """kbuild output (make -k -Otarget, stdout and stderr together) ->
    {object: Build} for the goals; the compiler's lines are attributed to the
    object whose CC line opens their block."""
    goals = {posixpath.normpath(g) for g in goals}
    seen = {}
    current = None
    failed = set()
    for line in lines:
        line = line.rstrip('\n')
        m = KBUILD_QUIET.match(line)
        if m:
            target = posixpath.normpath(m.group(2))
            current = target if target in goals else None
            if current and m.group(1) == 'CC':
                seen.setdefault(current, Build(ok=True)).compiled = True
            continue
        m = MAKE_FAILED.search(line)
        if m:
            failed.add(posixpath.normpath(m.group(1)))
            continue
        m = OBJTOOL.match(line)
        if m and posixpath.normpath(m.group(1)) in goals:
            b = seen.setdefault(posixpath.normpath(m.group(1)), Build(ok=True))
            (b.errors if m.group(2) == 'error' else b.warnings).append(line)
            continue
        m = DIAGNOSTIC.match(line)
        if m and current:
            text = '%s:%s:%s: %s: %s' % (source_path(m.group(1), src, obj), m.group(2),
                                         m.group(3) or '', m.group(4), m.group(5))
            b = seen.setdefault(current, Build(ok=True))
            (b.errors if m.group(4) == 'error' else b.warnings).append(text)
    out = {}
    for goal in goals:
        b = seen.get(goal, Build(ok=True))
        b.ok = goal not in failed and not b.errors and os.path.exists(os.path.join(obj, goal))
        if not b.ok and not b.errors:
            b.errors.append('%s: not built by kbuild (see make -k output)' % goal
                            if goal not in failed else '%s: make failed' % goal)
        out[goal] = b
    return out


def source_path(path, src, obj):
    """Compiler paths (absolute, or relative to the output folder) relative
    to the source tree."""
    full = os.path.normpath(os.path.join(obj, path))
    rel = os.path.relpath(full, src)
    return path if rel.startswith('..') else rel


def without_position(message):
    """A diagnostic without line and column, to compare before and after
    (the conversion moves lines)."""
    return re.sub(r'^(\S+?):\d+:\d*:', r'\1:', message)


# -- the workspace ---------------------------------------------------------

class Workspace:
    def __init__(self, kdir, builddir, jobs=2, cc=None, w1=False, progress=None):
        self.kdir = os.path.abspath(kdir)
        self.builddir = os.path.abspath(builddir)
        self.src = os.path.join(self.builddir, 'src')
        self.obj = os.path.join(self.builddir, 'obj')
        self.state_file = os.path.join(self.builddir, 'state.json')
        self.jobs = jobs
        self.cc = compiler(cc)
        self.w1 = w1
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.state = {}
        self.lock = None

    # git in the scratch clone
    def git(self, *args, env=None, check=True, input=None):
        full = dict(os.environ, **env) if env else None
        return tools.run(['git'] + list(args), cwd=self.src, check=check, env=full,
                         input=input)

    def open(self):
        os.makedirs(self.builddir, exist_ok=True)
        self.lock = open(os.path.join(self.builddir, '.lock'), 'w')
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UserError('%s is in use by another verify run' % self.builddir)
        try:
            with open(self.state_file) as src:
                self.state = json.load(src)
        except (OSError, ValueError):
            self.state = {}

    def close(self):
        if self.lock:
            self.lock.close()
            self.lock = None

    def save(self):
        tmp = self.state_file + '.tmp'
        with open(tmp, 'w') as out:
            json.dump(self.state, out, indent=1, sort_keys=True)
        os.replace(tmp, self.state_file)

    def base_tree(self):
        """The tree object of what KDIR holds, readable from the clone.  A git
        KDIR gives its HEAD (uncommitted changes are not built); any other
        tree is snapshot into the clone's object store with its own index,
        so that a rerun only stats the files."""
        tree.check_kernel_tree(self.kdir)
        if tree.sources_committed(self.kdir):
            if tools.run(['git', 'status', '--porcelain', '-uno'], cwd=self.kdir,
                         check=False).stdout.strip():
                tools.log('verify: %s has uncommitted changes; building its HEAD'
                          % self.kdir)
            base = tools.run(['git', 'rev-parse', 'HEAD^{tree}'], cwd=self.kdir).stdout.strip()
            common = os.path.realpath(os.path.join(self.kdir, tools.run(
                ['git', 'rev-parse', '--git-common-dir'], cwd=self.kdir).stdout.strip()))
            self.clone(common)
            return base
        self.clone(None)
        env = {'GIT_INDEX_FILE': os.path.join(self.builddir, 'kdir.index'),
               'GIT_WORK_TREE': self.kdir}
        tools.log('verify: %s is not a git tree; taking a snapshot of it' % self.kdir)
        self.git('add', '-A', '-f', '.', env=env)
        return self.git('write-tree', env=env).stdout.strip()

    def clone(self, common):
        """src/ as a shared clone of KDIR's repository (common: its git
        folder), or an empty repository for a tree that is not in git."""
        want = os.path.join(common, 'objects') if common else ''
        alternates = os.path.join(self.src, '.git', 'objects', 'info', 'alternates')
        if os.path.isdir(os.path.join(self.src, '.git')):
            have = open(alternates).read().strip() if os.path.exists(alternates) else ''
            if have == want:
                return
            tools.log('verify: %s was made for another tree; starting it again' % self.src)
            shutil.rmtree(self.src)
            shutil.rmtree(self.obj, ignore_errors=True)
            self.state = {}
        os.makedirs(self.src)
        self.git('init', '-q')
        if want:
            with open(alternates, 'w') as out:
                out.write(want + '\n')
        self.state['applied'] = None

    def make_tree(self, base, patches):
        """Tree id of base with the patches applied, computed in a scratch
        index (the work tree is not touched).  patches: [(name, text)]."""
        env = {'GIT_INDEX_FILE': os.path.join(self.builddir, 'scratch.index')}
        self.git('read-tree', base, env=env)
        for name, text in patches:
            proc = self.git('apply', '--cached', '-p1', '-', env=env, input=text, check=False)
            if proc.returncode != 0:
                raise UserError('%s does not apply to %s: %s' % (
                    name, self.kdir, (proc.stderr.strip().splitlines() or ['?'])[0]))
        return self.git('write-tree', env=env).stdout.strip()

    def checkout(self, target):
        """Make the work tree hold exactly the tree target, writing only the
        files that differ (kbuild decides what to rebuild by their mtime)."""
        if self.state.get('applied') == target:
            return
        first = self.state.get('applied') is None
        self.state['applied'] = ''          # until it is done: an interrupted
        self.save()                         # checkout is compared file by file
        if first:
            tools.log('verify: checking out the scratch tree (first run: about a minute)')
            self.git('read-tree', '-u', '--reset', target)
        else:
            out = self.git('diff', '--name-status', '--no-renames', '-z', target).stdout
            fields = out.split('\0')
            changed, removed = [], []
            for status, path in zip(fields[0::2], fields[1::2]):
                (removed if status == 'A' else changed).append(path)
            if changed:
                self.git('checkout', target, '--pathspec-from-file=-',
                         '--pathspec-file-nul', input='\0'.join(changed))
            if removed:
                self.git('rm', '-q', '-f', '--pathspec-from-file=-', '--pathspec-file-nul',
                         input='\0'.join(removed))
        self.state['applied'] = target
        self.save()

    def switch(self, target, paths):
        """Some paths only, to their version in target; the work tree is
        marked as not matching any tree until checkout() sets it again."""
        self.state['applied'] = ''
        self.save()
        self.git('checkout', target, '--pathspec-from-file=-', '--pathspec-file-nul',
                 input='\0'.join(paths))

    # kbuild
    def make_args(self, *goals, w1=False):
        args = ['make', '-C', self.src, 'O=' + self.obj, '-j%d' % self.jobs]
        if self.cc:
            args.append('CC=' + self.cc)
        if w1:
            # W=1 warnings are listed, not fatal: CONFIG_WERROR would make
            # every object fail before and after alike.
            args += ['W=1', 'KCFLAGS=-Wno-error']
        return args + list(goals)

    def kmake(self, *goals, what):
        proc = tools.run(self.make_args(*goals), check=False, env=MAKE_ENV)
        if proc.returncode != 0:
            tail = '\n'.join((proc.stdout + proc.stderr).strip().splitlines()[-8:])
            raise UserError('%s failed in %s:\n%s' % (what, self.obj, tail))
        return proc

    def configure(self, config, base):
        """The .config: allmodconfig for the host architecture, or FILE
        completed with olddefconfig.  Skipped when nothing it depends on
        changed, since a rewritten .config can trigger a rebuild."""
        h = hashlib.sha256(('%s\0%s' % (config, base)).encode())
        if config != 'allmodconfig':
            try:
                with open(config, 'rb') as src:
                    h.update(src.read())
            except OSError as err:
                raise UserError('%s: %s' % (config, err.strerror))
        stamp = h.hexdigest()
        dotconfig = os.path.join(self.obj, '.config')
        if self.state.get('configured') == stamp and os.path.exists(dotconfig):
            return
        os.makedirs(self.obj, exist_ok=True)
        tools.log('verify: configuring (%s)' % config)
        if config == 'allmodconfig':
            self.kmake('allmodconfig', what='make allmodconfig')
        else:
            shutil.copyfile(config, dotconfig)
            self.kmake('olddefconfig', what='make olddefconfig')
        self.state['configured'] = stamp
        self.save()

    def prepare(self, *inputs):
        """make prepare, on its own so that its failure is reported as such.
        When nothing it depends on changed since it last succeeded, the
        builds' own prepare step (a prerequisite of every single target)
        is enough: that saves a pass over the tree on a rerun."""
        stamp = hashlib.sha256('\0'.join((self.state.get('configured') or '',
                                          self.cc or '') + inputs).encode()).hexdigest()
        generated = os.path.join(self.obj, 'include', 'generated', 'asm-offsets.h')
        if self.state.get('prepared') == stamp and os.path.exists(generated):
            return 0.0
        start = time.monotonic()
        self.kmake('prepare', what='make prepare')
        self.state['prepared'] = stamp
        self.save()
        return time.monotonic() - start

    def build(self, goals, label):
        """Build the objects with one make -k; {object: Build}."""
        if not goals:
            return {}
        cmd = self.make_args('-k', '--output-sync=target', *goals, w1=self.w1)
        proc = tools.start(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=MAKE_ENV)
        lines, done, total = [], 0, len(goals)
        wanted = {posixpath.normpath(g) for g in goals}
        for line in proc.stdout:
            lines.append(line)
            m = KBUILD_QUIET.match(line.rstrip('\n')) or MAKE_FAILED.search(line)
            if m and posixpath.normpath(m.group(m.lastindex)) in wanted and self.progress:
                done += 1
                sys.stderr.write('\rverify: %s: %d/%d %s\033[K' % (
                    label, min(done, total), total, posixpath.normpath(m.group(m.lastindex))))
                sys.stderr.flush()
        proc.wait()
        if self.progress and done:
            sys.stderr.write('\n')
        return parse_make_output(lines, self.src, self.obj, goals)

    def objects_config(self):
        with open(os.path.join(self.obj, '.config')) as src:
            return src.read()


# -- the command -----------------------------------------------------------

def kbuild_reader(src):
    def read(path):
        try:
            with open(os.path.join(src, path), errors='replace') as f:
                return f.read()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
    return read


def fragment_users(ws):
    """Kbuild files that include another folder's fragment (virt/kvm)."""
    out = ws.git('grep', '-l', '-E', r'^-?include[[:space:]]+\$\(srctree\)', '--',
                 '*Makefile*', '*Kbuild*', check=False).stdout.split()
    return kbuild.fragment_includers(kbuild_reader(ws.src), out)


def tree_has_api(ws, base):
    def show(path):
        return ws.git('show', '%s:%s' % (base, path), check=False).stdout
    return ('struct vm_area_desc {' in show('include/linux/mm_types.h'),
            'mmap_complete' in show('include/linux/fs.h'))


def verify(kdir, patches, builddir, config='allmodconfig', jobs=2, cc=None, w1=False,
           progress=None, overlay='auto', sources=()):
    """Build the objects the patches touch, before and after; the results
    as the dict that goes into verify.json.  overlay='never' leaves the API
    overlay out (the test of the overlay itself passes it as a patch), and
    sources are .c files to build although no patch touches them."""
    ws = Workspace(kdir, builddir, jobs=jobs, cc=cc, w1=w1, progress=progress)
    ws.open()
    try:
        return run(ws, kdir, patches, config, w1, overlay, sources)
    finally:
        ws.close()


def run(ws, kdir, patches, config, w1, overlay, sources):
    times = {}
    start = time.monotonic()
    base = ws.base_tree()
    has_desc, _ = tree_has_api(ws, base)
    # A tree with a desc has its own API (v1, or mainline with desc->action):
    # the conversion is built against it, as the maintainer would.
    overlay = not has_desc and overlay != 'never'
    with open(OVERLAY) as src:
        overlay_patch = [('the mmap_prepare API overlay', src.read())] if overlay else []
    before_tree = ws.make_tree(base, overlay_patch)
    after_tree = ws.make_tree(before_tree, patches) if patches else before_tree

    owner, sources = {}, list(sources)
    for name, text in patches:
        for path in patch_files(text):
            owner.setdefault(path, name)
            if path.endswith('.c') and path not in sources:
                sources.append(path)

    # kbuild decides from the sources, configuration and compiler; the
    # "before" results are reused when none of them changed.
    key_parts = [before_tree, config, ws.cc or 'gcc', 'W=1' if w1 else '']

    ws.checkout(after_tree)
    ws.configure(config, base)
    times['configure'] = time.monotonic() - start
    dotconfig = ws.objects_config()
    key = hashlib.sha256('\0'.join(key_parts + [dotconfig]).encode()).hexdigest()
    before_cache = ws.state.setdefault('before', {})
    known = before_cache.pop(key, {})
    before_cache[key] = known           # last used last; the oldest go
    for old in list(before_cache)[:-BEFORE_KEYS]:
        del before_cache[old]

    times['prepare'] = ws.prepare(before_tree, after_tree)
    locator = kbuild.Locator(kbuild_reader(ws.src), kbuild.read_config(dotconfig),
                             includers=fragment_users(ws))
    places = {path: locator.place(path) for path in sources}
    goals = [p.goal for p in places.values() if p.enabled]
    objs = {path: posixpath.normpath(p.goal) for path, p in places.items()}

    t = time.monotonic()
    ws.checkout(after_tree)
    after = ws.build(goals, 'with the conversion')
    # The last compile of each object: kbuild leaves an up-to-date object
    # alone, and its warnings are those of the compile that made it.
    last = ws.state.setdefault('last', {})
    for obj, b in after.items():
        if b.compiled or not b.ok:
            last[obj] = asdict(b)
        elif obj in last and last[obj].get('ok'):
            b.warnings = last[obj]['warnings']
    ws.save()
    times['after'] = time.monotonic() - t

    # Without the conversion, only what judging needs: a failure (is it
    # pre-existing?) and warnings (are they new?).  An object that builds
    # cleanly with the conversion has nothing to compare.  Only its sources
    # and the headers the patches touch are switched, and switched back, so
    # that the other objects stay up to date.
    t = time.monotonic()
    need = [g for g in goals if posixpath.normpath(g) not in known and
            (not after[posixpath.normpath(g)].ok or after[posixpath.normpath(g)].warnings)]
    if need:
        by_goal = {p.goal: path for path, p in places.items()}
        paths = sorted({by_goal[g] for g in need} |
                       {p for p in owner if not p.endswith('.c')})
        ws.switch(before_tree, paths)
        try:
            for obj, b in ws.build(need, 'without the conversion').items():
                known[obj] = asdict(b)
                if b.compiled or not b.ok:
                    last[obj] = asdict(b)
        finally:
            ws.switch(after_tree, paths)
            ws.state['applied'] = after_tree
            ws.save()
    times['before'] = time.monotonic() - t

    files = {}
    for path in sources:
        place = places[path]
        files[path] = classify(place, after.get(objs[path]), known.get(objs[path]),
                               owner.get(path, ''))
    times['total'] = time.monotonic() - start

    result = {
        'tree': ws.kdir,
        'base': base,
        'overlay': overlay,
        'config': config,
        'arch': locator.ev.srcarch,
        'cc': ws.cc or 'gcc',
        'w1': w1,
        'files': {path: asdict(r) for path, r in sorted(files.items())},
        'patches': {},
        'summary': summary_counts(files.values()),
        'seconds': {k: round(v, 1) for k, v in times.items()},
    }
    for name, text in patches:
        mine = [p for p in sources if owner.get(p) == name]
        result['patches'][name] = {
            'files': mine,
            'headers': [p for p in patch_files(text) if not p.endswith('.c')],
            'status': patch_status([files[p].status for p in mine]),
        }
    return result


def classify(place, after, before, patch=''):
    """One file's FileResult from where kbuild places it, its build with the
    conversion (Build) and without it (a Build as a dict, from state.json)."""
    res = FileResult('not built', kconfig=place.kconfig, patch=patch,
                     object=posixpath.normpath(place.goal), reason=place.reason)
    if not place.enabled:
        return res
    before = before or {}
    before_warn = {without_position(w) for w in before.get('warnings', [])}
    res.warnings = [w for w in after.warnings if without_position(w) not in before_warn]
    res.reason = ''
    if after.ok:
        res.status = 'built'
    elif before and not before.get('ok'):
        res.status, res.errors = 'pre-existing failure', after.errors
        res.reason = 'fails without the conversion too'
    else:
        res.status, res.errors = 'failed', after.errors
    return res


def summary_counts(results):
    counts = dict.fromkeys(STATUSES, 0)
    for r in results:
        counts[r.status if hasattr(r, 'status') else r['status']] += 1
    return counts


def patch_status(statuses):
    """A patch is built only when every file of it is; failed when one fails."""
    for worst in ('failed', 'pre-existing failure', 'not built'):
        if worst in statuses:
            return worst
    return 'built' if statuses else 'not built'


def summary_line(result):
    c = result['summary']
    line = 'verify: %d built, %d failed, %d not built' % (
        c['built'], c['failed'], c['not built'])
    if c['pre-existing failure']:
        line += ', %d pre-existing failure%s' % (
            c['pre-existing failure'], 's' if c['pre-existing failure'] != 1 else '')
    line += ' (%s, %s)' % (result['config'], 'against the mmap_prepare API overlay: the '
                           'tree predates it' if result['overlay'] else
                           "against the tree's own mmap_prepare API, no overlay")
    return line


def report_lines(result, verbose=False):
    """Lines for stderr: every file that is not built or failed, and with
    several patches one line per patch."""
    out = []
    for path, r in result['files'].items():
        if r['status'] == 'built' and not r['warnings'] and not verbose:
            continue
        what = r['status']
        if r['status'] == 'not built':
            what += ': ' + r['reason'] + (' (%s)' % r['kconfig'] if r['kconfig'] and
                                           r['kconfig'] not in r['reason'] else '')
        out.append('%s: %s' % (path, what))
        out += ['    ' + e for e in r['errors'][:10]]
        out += ['    added: ' + w for w in r['warnings'][:10]]
    if len(result['patches']) > 1:
        for name, p in result['patches'].items():
            out.append('%s: %s (%d files)' % (name, p['status'], len(p['files'])))
    return out
