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

from . import OVERLAY, UserError
from . import kbuild
from . import kconfig
from . import regions
from . import processes
from . import tree


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
# the worst status of a file's configurations is the file's
STATUS_RANK = {'failed': 0, 'pre-existing failure': 1, 'built': 2, 'not built': 3}


@dataclass
class FileResult:
    status: str
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    kconfig: str = ''
    patch: str = ''
    object: str = ''
    reason: str = ''
    configs: list = field(default_factory=list)     # configurations that compiled it
    arches: list = field(default_factory=list)
    builds: list = field(default_factory=list)      # per configuration: status, errors, warnings
    regions: dict = field(default_factory=dict)     # touched branches: covered, total, list
    tried: list = field(default_factory=list)       # configurations that left it out, and why


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
        # a wrapper alone (distcc, ccache) also wraps the cross compilers
        self.cc_wrapper = cc if cc and self.cc != cc else ''
        self.w1 = w1
        self.host_base = 'allmodconfig'
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.state = {}
        self.lock = None

    # git in the scratch clone
    def git(self, *args, env=None, check=True, input=None):
        full = dict(os.environ, **env) if env else None
        return processes.run(['git'] + list(args), cwd=self.src, check=check, env=full,
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
        # one configuration's keys at the top: a folder of an older verify,
        # whose obj/ the host's configuration takes over
        for key in ('configured', 'prepared', 'before', 'last'):
            self.state.pop(key, None)

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
            if processes.run(['git', 'status', '--porcelain', '-uno'], cwd=self.kdir,
                         check=False).stdout.strip():
                processes.log('verify: %s has uncommitted changes; building its HEAD'
                          % self.kdir)
            base = processes.run(['git', 'rev-parse', 'HEAD^{tree}'], cwd=self.kdir).stdout.strip()
            common = os.path.realpath(os.path.join(self.kdir, processes.run(
                ['git', 'rev-parse', '--git-common-dir'], cwd=self.kdir).stdout.strip()))
            self.clone(common)
            return base
        self.clone(None)
        env = {'GIT_INDEX_FILE': os.path.join(self.builddir, 'kdir.index'),
               'GIT_WORK_TREE': self.kdir}
        processes.log('verify: %s is not a git tree; taking a snapshot of it' % self.kdir)
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
            processes.log('verify: %s was made for another tree; starting it again' % self.src)
            shutil.rmtree(self.src)
            # every configuration's output folder: obj/ and obj-NAME/
            for name in os.listdir(self.builddir):
                if name == 'obj' or name.startswith('obj-'):
                    shutil.rmtree(os.path.join(self.builddir, name), ignore_errors=True)
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
            processes.log('verify: checking out the scratch tree (first run: about a minute)')
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

# -- one configuration's kbuild output folder --------------------------------

@dataclass
class BuildConfig:
    """An architecture and a configuration: allmodconfig, an architecture's
    NAME_defconfig or a .config file, with symbols forced on or off."""
    arch: str
    base: str
    sets: dict = field(default_factory=dict)    # {CONFIG_X: True/False}

    @property
    def name(self):
        base = os.path.basename(self.base) if os.sep in self.base else self.base
        return ' '.join([self.arch, base] + ['%s=%s' % (s, 'y' if on else 'n')
                                             for s, on in sorted(self.sets.items())])

    def with_sets(self, more):
        return BuildConfig(self.arch, self.base, dict(self.sets, **more))


class KbuildDir:
    """kbuild's output folder for one BuildConfig (make O=), with its part of
    state.json: configuration and prepare stamps, the results without the
    conversion, the last compile of each object."""

    def __init__(self, ws, cfg, host):
        self.ws, self.cfg, self.host = ws, cfg, cfg.arch == host and not cfg.sets and \
            cfg.base == ws.host_base
        # the host's first configuration keeps the folder verify always used
        self.obj = ws.obj if self.host else os.path.join(ws.builddir,
                                                         'obj-' + kconfig.slug(cfg.name))
        self.state = ws.state.setdefault('configs', {}).setdefault(cfg.name, {})
        self.prefix = kconfig.cross_prefix(cfg.arch)
        self.cross = cfg.arch != host

    @property
    def cc(self):
        """CC= for this architecture: --cc as given on the host; a wrapper
        (distcc, ccache) around the cross compiler elsewhere."""
        ws = self.ws
        if not ws.cc:
            return None
        if not self.cross or self.cfg.arch == 'um':
            return ws.cc
        return ws.cc_wrapper + ' ' + self.prefix + 'gcc' if ws.cc_wrapper else None

    def make_args(self, *goals):
        args = ['make', '-C', self.ws.src, 'O=' + self.obj, '-j%d' % self.ws.jobs]
        if self.cross:
            args.append('ARCH=' + self.cfg.arch)
        if self.prefix:
            args.append('CROSS_COMPILE=' + self.prefix)
        if self.cc:
            args.append('CC=' + self.cc)
        if self.ws.w1:
            # W=1 warnings are listed, not fatal: CONFIG_WERROR would make
            # every object fail before and after alike.  Every make of the
            # folder gets the same flags, or prepare's objects would be
            # rebuilt each time.
            args += ['W=1', 'KCFLAGS=-Wno-error']
        return args + list(goals)

    def kmake(self, *goals, what):
        proc = processes.run(self.make_args(*goals), check=False, env=MAKE_ENV)
        if proc.returncode != 0:
            tail = '\n'.join((proc.stdout + proc.stderr).strip().splitlines()[-8:])
            raise UserError('%s failed in %s:\n%s' % (what, self.obj, tail))
        return proc

    def configure(self, base_tree):
        """The .config: the base configuration, the forced symbols, then
        make olddefconfig.  Skipped when nothing it depends on changed, since
        a rewritten .config can trigger a rebuild.  Returns the forced
        symbols olddefconfig did not keep."""
        cfg = self.cfg
        h = hashlib.sha256(('%s\0%s\0%s\0%s' % (cfg.name, cfg.base, base_tree,
                                                self.prefix)).encode())
        if os.path.isfile(cfg.base):
            try:
                with open(cfg.base, 'rb') as src:
                    h.update(src.read())
            except OSError as err:
                raise UserError('%s: %s' % (cfg.base, err.strerror))
        stamp = h.hexdigest()
        dotconfig = os.path.join(self.obj, '.config')
        if self.state.get('configured') != stamp or not os.path.exists(dotconfig):
            os.makedirs(self.obj, exist_ok=True)
            processes.log('verify: configuring %s' % cfg.name)
            if os.path.isfile(cfg.base):
                shutil.copyfile(cfg.base, dotconfig)
                self.kmake('olddefconfig', what='make olddefconfig')
            else:
                self.kmake(cfg.base, what='make %s' % cfg.base)
            if cfg.sets:
                with open(dotconfig) as src:
                    text = src.read()
                with open(dotconfig, 'w') as out:
                    out.write(kconfig.edit_config(text, cfg.sets))
                self.kmake('olddefconfig', what='make olddefconfig')
            self.state['configured'] = stamp
            self.state.pop('prepared', None)
            self.ws.save()
        return kconfig.holds(self.config(), cfg.sets)

    def config(self):
        with open(os.path.join(self.obj, '.config')) as src:
            return kbuild.read_config(src.read())

    def dotconfig(self):
        with open(os.path.join(self.obj, '.config')) as src:
            return src.read()

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
        processes.log('verify: make prepare for %s' % self.cfg.name)
        self.kmake('prepare', what='make prepare')
        self.state['prepared'] = stamp
        self.ws.save()
        return time.monotonic() - start

    def build(self, goals, label, extra=()):
        """Build the objects (and extra goals, the .i files) with one make -k;
        {object: Build}."""
        if not goals:
            return {}
        cmd = self.make_args('-k', '--output-sync=target', *(list(goals) + list(extra)))
        proc = processes.start(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=MAKE_ENV)
        lines, done, total = [], 0, len(goals)
        wanted = {posixpath.normpath(g) for g in goals}
        progress = self.ws.progress
        for line in proc.stdout:
            lines.append(line)
            m = KBUILD_QUIET.match(line.rstrip('\n')) or MAKE_FAILED.search(line)
            if m and posixpath.normpath(m.group(m.lastindex)) in wanted and progress:
                done += 1
                sys.stderr.write('\rverify: %s, %s: %d/%d %s\033[K' % (
                    self.cfg.name, label, min(done, total), total,
                    posixpath.normpath(m.group(m.lastindex))))
                sys.stderr.flush()
        proc.wait()
        if progress and done:
            sys.stderr.write('\n')
        return parse_make_output(lines, self.ws.src, self.obj, goals)

    def preprocessed(self, goal):
        path = os.path.join(self.obj, posixpath.normpath(goal)[:-2] + '.i')
        try:
            with open(path, errors='replace') as src:
                return src.read()
        except OSError:
            return None


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


# Configurations one run may build, the host's allmodconfig included, and
# defconfigs configured (not built) in search of one that takes a branch.
MAX_CONFIGS = 16
SCREENS = 4


@dataclass
class Outcome:
    """What one configuration did: where it placed the files, what it built."""
    cfg: BuildConfig
    targets: list = None                        # the files it was made for (None: all)
    kb: KbuildDir = None
    places: dict = field(default_factory=dict)  # {source: kbuild.Placement}
    after: dict = field(default_factory=dict)   # {object: Build}
    known: dict = field(default_factory=dict)   # {object: Build as a dict}, without the patches
    error: str = ''
    notes: dict = field(default_factory=dict)   # {source: why this configuration left it out}
    seconds: dict = field(default_factory=dict)


@dataclass
class Track:
    """One touched file: its branches, the touched ones, where they compiled."""
    path: str
    branches: list
    touched: list
    compiled: dict = field(default_factory=dict)    # {branch index: [configuration names]}
    unknown: dict = field(default_factory=dict)     # {branch index: [configuration names]}
    screens: dict = field(default_factory=dict)     # {branch index: defconfigs tried}
    excluded: set = field(default_factory=set)      # architectures --arch left out


def verify(kdir, patches, builddir, config='allmodconfig', jobs=2, cc=None, w1=True,
           progress=None, overlay='auto', sources=(), arches=None, max_configs=MAX_CONFIGS,
           install=False):
    """Build the objects the patches touch, before and after, in as many
    configurations as it takes to compile every touched preprocessor branch
    (at most max_configs; arches limits the architectures); the results as
    the dict that goes into verify.json.  overlay='never' leaves the API
    overlay out (the test of the overlay itself passes it as a patch),
    sources are .c files to build although no patch touches them, and
    install lets apt-get install a missing cross compiler."""
    ws = Workspace(kdir, builddir, jobs=jobs, cc=cc, w1=w1, progress=progress)
    ws.open()
    try:
        return build_all(ws, kdir, patches, config, w1, overlay, sources, arches, max_configs,
                   install)
    finally:
        ws.close()


class Kconfigs:
    """The Kconfig index and defconfig list of the scratch tree, read once."""

    def __init__(self, ws):
        self.ws = ws
        self.read = kbuild_reader(ws.src)
        self._index = None
        self._paths = None

    @property
    def paths(self):
        if self._paths is None:
            self._paths = self.ws.git('ls-files', '--', '*Kconfig*',
                                      'arch/*/configs/*').stdout.split()
        return self._paths

    @property
    def index(self):
        if self._index is None:
            self._index = kconfig.Index(self.read, [p for p in self.paths if 'Kconfig' in p])
        return self._index


def build_all(ws, kdir, patches, config, w1, overlay, sources, arches, max_configs, install):
    times = dict.fromkeys(('configure', 'prepare', 'after', 'before'), 0.0)
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

    # the branches each file's added lines sit in
    added = regions.added_lines(ws.git(
        'diff', '--no-ext-diff', '--no-textconv', '-U0', '--no-renames', before_tree,
        after_tree, '--', *sources).stdout) if sources else {}
    tracks = {}
    for path in sources:
        text = ws.git('show', '%s:%s' % (after_tree, path), check=False).stdout
        bs, idx = regions.touched(text, added.get(path, []))
        tracks[path] = Track(path, bs, idx, {i: [] for i in idx}, {i: [] for i in idx})

    ws.checkout(after_tree)
    ws.host_base = config
    host = kconfig.host_arch()
    kc = Kconfigs(ws)
    includers = fragment_users(ws)
    outcomes, tried = [], set()
    queue = [(BuildConfig(host, config), None)] if not arches or host in arches else []
    if not queue:
        queue = plan(outcomes, tracks, tried, arches, kc, host)
    while len(outcomes) < max_configs:
        if not queue:
            queue = plan(outcomes, tracks, tried, arches, kc, host)
            if not queue:
                break
        cfg, targets = queue.pop(0)
        if cfg.name in tried:
            continue
        tried.add(cfg.name)
        out = build_config(ws, cfg, targets, base, (before_tree, after_tree), tracks, install,
                           includers, kc, first=not outcomes and targets is None)
        tried.add(out.cfg.name)
        outcomes.append(out)
        for k in times:
            times[k] += out.seconds.get(k, 0.0)
    left = plan(outcomes, tracks, tried, arches, kc, host) if len(outcomes) >= max_configs else []

    t = time.monotonic()
    build_before(ws, outcomes, before_tree, after_tree, owner, w1)
    times['before'] = time.monotonic() - t

    files = {path: judge(tracks[path], outcomes, owner.get(path, ''), w1, left)
             for path in sources}
    times['total'] = time.monotonic() - start
    first = outcomes[0] if outcomes else None
    covered = sum(f.regions['covered'] for f in files.values())
    total = sum(f.regions['total'] for f in files.values())
    result = {
        'tree': ws.kdir,
        'base': base,
        'overlay': overlay,
        'config': config,
        'arch': first.cfg.arch if first else host,
        'cc': ws.cc or 'gcc',
        'w1': w1,
        'configs': [{'name': o.cfg.name, 'arch': o.cfg.arch, 'base': o.cfg.base,
                     'sets': {s: 'y' if on else 'n' for s, on in sorted(o.cfg.sets.items())},
                     'folder': os.path.relpath(o.kb.obj, ws.builddir) if o.kb else '',
                     'cc': (o.kb.cc or o.kb.prefix + 'gcc') if o.kb else '',
                     'built': sorted(p for p, pl in o.places.items()
                                     if pl.enabled and not o.error and
                                     posixpath.normpath(pl.goal) in o.after),
                     'error': o.error,
                     'seconds': {k: round(v, 1) for k, v in o.seconds.items()}}
                    for o in outcomes],
        'arches': sorted({o.cfg.arch for o in outcomes if o.after}),
        'regions': {'covered': covered, 'total': total},
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


def install_compiler(package):
    """apt-get install a Debian cross compiler (verify --install-cross)."""
    if os.geteuid() != 0:
        raise UserError('installing %s needs root (apt-get install %s)' % (package, package))
    processes.log('verify: installing %s' % package)
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    cmd = ['apt-get', 'install', '-y', '--no-install-recommends', package]
    if processes.run(cmd, check=False, env=env).returncode != 0:
        # a fresh machine has no package lists yet
        processes.run(['apt-get', 'update'], check=False, env=env)
        processes.run(cmd, env=env)


def locate(ws, kb, includers):
    return kbuild.Locator(kbuild_reader(ws.src), kb.config(), srcarch=kb.cfg.arch,
                          includers=includers)


def build_config(ws, cfg, targets, base, trees, tracks, install, includers, kc, first):
    """Configure, prepare and build one configuration: the targets (all the
    sources for the first), with their .i files.  A target it leaves out for
    a symbol it could set gets the symbol forced, and the configuration is
    made again (in its own folder), a few times at most."""
    before_tree, after_tree = trees
    out = Outcome(cfg, targets)
    sources = list(tracks) if targets is None else targets
    missing = kconfig.compiler_missing(cfg.arch)
    if missing is None:
        out.error = 'Debian has no compiler for ARCH=%s' % cfg.arch
        return out
    if missing:
        if not install:
            out.error = 'no compiler for ARCH=%s: apt-get install %s (or verify ' \
                '--install-cross)' % (cfg.arch, missing)
            return out
        install_compiler(missing)
    t = time.monotonic()
    try:
        kb, unheld = force(ws, cfg, base, kc)
        if unheld and not first:
            out.error = 'make olddefconfig does not keep %s' % ', '.join(unheld)
            out.kb = kb
            return out
        for _ in range(4 if targets else 0):
            loc = locate(ws, kb, includers)
            conf = kb.config()
            extra = {}
            for path in sources:
                p = loc.place(path)
                if not p.enabled and p.kconfig and p.kconfig not in kb.cfg.sets:
                    extra[p.kconfig] = not bool(conf.get(p.kconfig))
            if not extra:
                break
            trial, unheld = force(ws, kb.cfg.with_sets(extra), base, kc)
            if unheld:
                for path in sources:
                    out.notes[path] = 'leaves it out; forcing %s is undone by make ' \
                        'olddefconfig' % ', '.join(unheld)
                break                   # (its folder stays: a rerun learns it again at once)
            kb = trial
        out.cfg, out.kb = kb.cfg, kb
        loc = locate(ws, kb, includers)
        out.places = {path: loc.place(path) for path in sources}
        goals = [p.goal for p in out.places.values() if p.enabled]
        out.seconds['configure'] = time.monotonic() - t
        if not goals:
            out.error = 'builds none of %s' % ', '.join(sources)
            return out
        out.seconds['prepare'] = kb.prepare(before_tree, after_tree)
    except UserError as err:
        if first:
            raise
        lines = str(err).split('\n')
        said = [line for line in lines[1:] if re.search(r'error:|cannot|not found', line)]
        out.error = ' '.join([lines[0]] + (said[-2:] or lines[-2:]))
        return out
    t = time.monotonic()
    ws.checkout(after_tree)
    after = kb.build(goals, 'with the conversion', extra=[g[:-2] + '.i' for g in goals])
    # The last compile of each object: kbuild leaves an up-to-date object
    # alone, and its warnings are those of the compile that made it.
    last = kb.state.setdefault('last', {})
    for obj, b in after.items():
        if b.compiled or not b.ok:
            last[obj] = asdict(b)
        elif obj in last and last[obj].get('ok'):
            b.warnings = last[obj]['warnings']
    ws.save()
    out.after = after
    out.seconds['after'] = time.monotonic() - t
    for path, p in out.places.items():
        if not p.enabled:
            continue
        tr = tracks[path]
        pre = kb.preprocessed(p.goal)
        if pre is None:
            continue
        states = regions.compiled(tr.branches, regions.emitted(pre, path))
        for i in tr.touched:
            if states.get(i):
                tr.compiled[i].append(kb.cfg.name)
            elif states.get(i) is None:
                tr.unknown[i].append(kb.cfg.name)
    return out


def force(ws, cfg, base, kc):
    """Configure cfg; while make olddefconfig undoes a forced symbol, force
    what would let it stay (a symbol without a prompt is set through
    another one, a symbol is kept only with what it depends on) and make
    the configuration again, twice at most.  (KbuildDir, symbols undone)."""
    kb = KbuildDir(ws, cfg, kconfig.host_arch())
    unheld = kb.configure(base)
    for _ in range(2):
        reach = kc.index.reach(unheld, kb.config()) if unheld else {}
        reach = {s: on for s, on in reach.items() if s not in kb.cfg.sets}
        if not reach:
            break
        kb = KbuildDir(ws, kb.cfg.with_sets(reach), kconfig.host_arch())
        unheld = kb.configure(base)
    return kb, unheld


def plan(outcomes, tracks, tried, arches, kc, host):
    """The next configurations to build, each with the files it is for:
    files no configuration built yet, and touched branches none compiled."""
    props = []
    used = [o.cfg.arch for o in outcomes if o.after]

    def propose(cfg, path):
        if arches and cfg.arch not in arches:
            tracks[path].excluded.add(cfg.arch)
            return False
        if cfg.name in tried or kconfig.compiler_missing(cfg.arch) is None:
            return False
        for c, paths in props:
            if c.name == cfg.name:
                if path not in paths:
                    paths.append(path)
                return True
        props.append((cfg, [path]))
        return True

    def order(cands):
        return sorted(dict.fromkeys(cands), key=lambda a: (
            a not in used, kconfig.compiler_missing(a) != '', a))

    for path, tr in tracks.items():
        built = [o for o in outcomes if o.after and path in o.places and o.places[path].enabled]
        if not built:
            placed = [o for o in outcomes if path in o.places]
            last = placed[0].places[path] if placed else None
            sym = last.kconfig if last else ''
            where = kconfig.arch_of_path(path)
            cands = [where] if where else kc.index.arches(sym) if sym else []
            if not placed and not where and arches:
                cands = list(arches)
            here = placed[0].cfg.arch if placed else None
            # the symbol forced where the file was placed first, when that
            # architecture may build it (MSHV_ROOT: X86_64 || ARM64)
            flip = placed and sym and placed[0].kb and (here in cands or not cands)
            want = not bool(placed[0].kb.config().get(sym)) if flip else None
            if flip and propose(placed[0].cfg.with_sets({sym: want}), path):
                continue
            cands = [a for a in order(cands) if a != here]
            if any(propose(BuildConfig(a, 'allmodconfig'), path) or
                   propose(BuildConfig(a, kconfig.kbuild_defconfig(kc.read, a)), path)
                   for a in cands):
                continue
            if placed and sym and placed[0].kb:
                want = not bool(placed[0].kb.config().get(sym))
                for a, name in sorted(kconfig.defconfigs(kc.read, kc.paths, None, sym, want),
                                      key=lambda an: (an[0] not in used,
                                                      kconfig.compiler_missing(an[0]) != '', an)):
                    if propose(BuildConfig(a, name), path):
                        break
            continue
        o = built[0]
        conf = o.kb.config()
        for i in tr.touched:
            if tr.compiled[i]:
                continue
            b = tr.branches[i]
            want = regions.wanted(b, tr.branches, conf)
            if want:
                if propose(o.cfg.with_sets(want), path):
                    continue
                sym, on = sorted(want.items())[0]
                if any(propose(BuildConfig(o.cfg.arch, name), path) for _, name in
                       kconfig.defconfigs(kc.read, kc.paths, o.cfg.arch, sym, on)):
                    continue
            elif want is None and tr.screens.get(i, 0) < SCREENS:
                # not on CONFIG symbols alone (PAGE_SIZE == 0x1000): the
                # architecture's defconfigs, those that set what the file
                # needs first, and among them those that depart most from
                # what was compiled already
                related = kc.index.related(o.places[path].kconfig) \
                    if o.places[path].kconfig else set()
                ranked = []
                for _, n in kconfig.defconfigs(kc.read, kc.paths, o.cfg.arch):
                    text = kc.read('arch/%s/configs/%s' % (o.cfg.arch, n)) or ''
                    sets = set(re.findall(r'^(CONFIG_\w+)=[ym]$', text, re.M))
                    ranked.append((not (sets & related),
                                   -departure(text, [x.kb.config() for x in built]), n))
                names = [kconfig.kbuild_defconfig(kc.read, o.cfg.arch)] + \
                    [n for _, _, n in sorted(ranked)]
                for name in names:
                    if propose(BuildConfig(o.cfg.arch, name), path):
                        tr.screens[i] = tr.screens.get(i, 0) + 1
                        break
    return props


def departure(defconfig, configs):
    """How many symbols a defconfig sets that none of configs has set."""
    on = re.findall(r'^(CONFIG_\w+)=y$', defconfig, re.M)
    return sum(1 for s in on if not any(c.get(s) for c in configs))


def build_before(ws, outcomes, before_tree, after_tree, owner, w1):
    """Without the conversion, only what judging needs: a failure (is it
    pre-existing?) and warnings (are they new?), per configuration.  The
    sources of those objects and the headers the patches touch are switched
    once for all configurations; afterwards their timestamps and the
    objects built with the conversion are put back, so that a rerun finds
    everything up to date."""
    jobs = []
    for o in outcomes:
        if not o.after:
            continue
        kb = o.kb
        key = hashlib.sha256('\0'.join([before_tree, o.cfg.name, kb.cc or 'gcc',
                                        'W=1' if w1 else '', kb.dotconfig()]).encode()).hexdigest()
        cache = kb.state.setdefault('before', {})
        o.known = cache.pop(key, {})
        cache[key] = o.known            # last used last; the oldest go
        for old in list(cache)[:-BEFORE_KEYS]:
            del cache[old]
        need = [g for g in o.after if g not in o.known and
                (not o.after[g].ok or o.after[g].warnings)]
        if need:
            jobs.append((o, need))
    ws.save()
    if not jobs:
        return
    by_goal = {}
    for o, need in jobs:
        for path, p in o.places.items():
            if p.enabled:
                by_goal[(o.cfg.name, posixpath.normpath(p.goal))] = path
    paths = sorted({by_goal[(o.cfg.name, g)] for o, need in jobs for g in need} |
                   {p for p in owner if not p.endswith('.c')})
    stamps = {}
    for p in paths:
        try:
            st = os.stat(os.path.join(ws.src, p))
            stamps[p] = (st.st_atime_ns, st.st_mtime_ns)
        except OSError:
            pass
    saved = os.path.join(ws.builddir, 'saved')
    shutil.rmtree(saved, ignore_errors=True)
    kept = []
    for o, need in jobs:
        for g in need:
            cmd = posixpath.join(posixpath.dirname(g), '.%s.cmd' % posixpath.basename(g))
            for name in (g, cmd):
                src = os.path.join(o.kb.obj, name)
                if os.path.exists(src):
                    dst = os.path.join(saved, kconfig.slug(o.cfg.name), name)
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    shutil.copy2(src, dst)
                    kept.append((dst, src))
    ws.switch(before_tree, paths)
    try:
        for o, need in jobs:
            for obj, b in o.kb.build(need, 'without the conversion').items():
                o.known[obj] = asdict(b)
    finally:
        ws.switch(after_tree, paths)
        # same content as when the objects were built with the conversion
        for p, (atime, mtime) in stamps.items():
            os.utime(os.path.join(ws.src, p), ns=(atime, mtime))
        for dst, src in kept:
            shutil.copy2(dst, src)
        shutil.rmtree(saved, ignore_errors=True)
        ws.state['applied'] = after_tree
        ws.save()


def judge(tr, outcomes, patch, w1, left):
    """One file's FileResult over every configuration that placed it."""
    builds, res = [], None
    for o in outcomes:
        place = o.places.get(tr.path)
        if not place or not place.enabled or not o.after:
            continue
        obj = posixpath.normpath(place.goal)
        r = classify(place, o.after.get(obj), o.known.get(obj), patch, w1)
        # copies: the file's own lists gather every configuration's
        builds.append({'config': o.cfg.name, 'arch': o.cfg.arch, 'status': r.status,
                       'errors': list(r.errors), 'warnings': list(r.warnings)})
        if res is None:
            res = r
        elif STATUS_RANK[r.status] < STATUS_RANK[res.status]:
            res.status, res.reason = r.status, r.reason
        if res is not r:
            res.errors += [e for e in r.errors if e not in res.errors]
            res.warnings += [w for w in r.warnings if w not in res.warnings]
    tried = []
    for o in outcomes:
        place = o.places.get(tr.path)
        if o.targets is not None and tr.path not in o.targets:
            continue
        if place and place.enabled and o.after:
            continue
        why = o.notes.get(tr.path) or (o.error if o.error and not place else '') or \
            (place.reason + (' (%s)' % place.kconfig if place.kconfig and
                             place.kconfig not in place.reason else '') if place else o.error)
        tried.append('%s: %s' % (o.cfg.name, why))
    if res is None:
        host = next((o.places[tr.path] for o in outcomes if tr.path in o.places), None)
        res = FileResult('not built', kconfig=host.kconfig if host else '', patch=patch,
                         object=posixpath.normpath(host.goal) if host else '',
                         reason=host.reason if host else 'no configuration was tried')
        if tried:
            res.reason = '; '.join(tried)
        if tr.excluded:
            res.reason += '; needs ARCH=%s, which --arch leaves out' % ' or '.join(
                sorted(tr.excluded))
    res.builds = builds
    res.configs = [b['config'] for b in builds]
    res.arches = sorted({b['arch'] for b in builds})
    res.tried = tried
    listing = []
    for i in tr.touched:
        b = tr.branches[i]
        entry = {'lines': '%d-%d' % (b.start, b.end), 'directive': b.text,
                 'configs': tr.compiled[i], 'reason': ''}
        if not tr.compiled[i]:
            if not builds:
                entry['reason'] = 'the file was not built'
            elif tr.unknown[i]:
                entry['reason'] = ('holds only directives, and the preprocessed output of %s '
                                   'cannot tell whether it was taken' % ', '.join(tr.unknown[i]))
            else:
                entry['reason'] = 'skipped by %s%s' % (', '.join(res.configs), (
                    '; no configuration tried takes it' if not left else
                    '; more configurations would be needed (--max-configs)'))
        listing.append(entry)
    res.regions = {'covered': sum(1 for e in listing if e['configs']),
                   'total': len(listing), 'list': listing}
    return res


def classify(place, after, before, patch='', w1=False):
    """One file's FileResult in one configuration from where kbuild places
    it, its build with the conversion (Build) and without it (a Build as a
    dict, from state.json).  With W=1, a warning the conversion adds makes
    the file fail, as CONFIG_WERROR would without W=1."""
    res = FileResult('not built', kconfig=place.kconfig, patch=patch,
                     object=posixpath.normpath(place.goal), reason=place.reason)
    if not place.enabled:
        return res
    before = before or {}
    before_warn = {without_position(w) for w in before.get('warnings', [])}
    res.warnings = [w for w in after.warnings if without_position(w) not in before_warn]
    res.reason = ''
    if after.ok and w1 and res.warnings:
        res.status, res.reason = 'failed', 'the conversion adds W=1 warnings'
    elif after.ok:
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
    configs = [c['name'] for c in result.get('configs', []) if c.get('built')]
    if len(configs) > 2:
        configs = [configs[0], '%d more configurations on %s' % (
            len(configs) - 1, ', '.join(result.get('arches', [])))]
    line += ' (%s; %s)' % (', '.join(configs) or result['config'],
                           'against the mmap_prepare API overlay: the tree predates it'
                           if result['overlay'] else
                           "against the tree's own mmap_prepare API, no overlay")
    regions = result.get('regions')
    if regions and regions['total']:
        line += '; touched #if branches compiled: %d of %d' % (regions['covered'],
                                                               regions['total'])
    return line


def report_lines(result, verbose=False):
    """Lines for stderr: every file that is not built or failed, and with
    several patches one line per patch."""
    out = []
    for path, r in result['files'].items():
        uncovered = r.get('regions', {}).get('covered') != r.get('regions', {}).get('total')
        if r['status'] == 'built' and not r['warnings'] and not verbose and not uncovered:
            continue
        what = r['status']
        if r['status'] == 'not built':
            what += ': ' + r['reason'] + (' (%s)' % r['kconfig'] if r['kconfig'] and
                                           r['kconfig'] not in r['reason'] else '')
        out.append('%s: %s' % (path, what))
        out += ['    ' + e for e in r['errors'][:10]]
        out += ['    added: ' + w for w in r['warnings'][:10]]
        if verbose and r.get('configs'):
            out.append('    built in: ' + ', '.join(r['configs']))
        for e in r.get('regions', {}).get('list', []):
            if not e['configs'] and r['status'] != 'not built':
                out.append('    branch %s %s not compiled: %s' % (e['lines'], e['directive'],
                                                                 e['reason']))
    if len(result['patches']) > 1:
        for name, p in result['patches'].items():
            out.append('%s: %s (%d files)' % (name, p['status'], len(p['files'])))
    return out
