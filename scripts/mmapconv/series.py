"""The series subcommand: a conversion as patch series, ready for git send-email.

1. The conversion: convert.convert() on KDIR, or an existing diff (--patch);
   one patch per converted file.
2. Recipients: the tree's scripts/get_maintainer.pl for each file.  Files
   with the same maintainers form one series (--group subsystem), or each
   file is sent on its own (--group driver); a series of more than
   --max-patches patches is cut into numbered parts.
3. Commits: one branch per series, mmap-prepare/SERIES, based on KDIR's
   HEAD, made in a git worktree of KDIR (OUTDIR/.worktree), so that the
   user's checkout is never touched.  Dates come from the base commit, so a
   rerun makes the same commits.
4. Mail: git format-patch per series into OUTDIR/SERIES/, To/Cc per patch,
   the cover letter filled in, checkpatch.pl --strict on every patch,
   send.sh, and OUTDIR/index.txt over all of it.
"""

import collections
import concurrent.futures
import dataclasses
import os
import re
import shlex
import shutil
import tempfile
import time

from . import UserError, VERSION
from . import verdicts
from . import convert as conv
from . import statuses
from . import guard
from . import message
from . import target as tgt
from . import processes
from . import tree

BRANCH = 'mmap-prepare'
WORKTREE = '.worktree'
INDEX = 'index.txt'
MANIFEST = '.mmap-convert-series'
# get_maintainer.pl lists sections that match equally deep in Perl's hash
# order, which changes from run to run; a fixed seed keeps the To: and Cc:
# order, and so the mails, the same.
PERL_ENV = dict(os.environ, PERL_HASH_SEED='0', PERL_PERTURB_KEYS='0')
VCS = re.compile(r'^(git|quilt|hg|stgit|darcs|svn|mercurial) \S')


@dataclasses.dataclass
class Patch:
    path: str                       # the (first) file it converts
    diff: str
    handlers: list                  # verdicts.Handler, converted
    others: list = dataclasses.field(default_factory=list)   # left alone
    to: list = dataclasses.field(default_factory=list)
    cc: list = dataclasses.field(default_factory=list)
    sections: list = dataclasses.field(default_factory=list)
    trees: list = dataclasses.field(default_factory=list)
    prefix: str = ''
    prefix_from: str = ''           # 'history' or 'MAINTAINERS and path'
    recipients_from: str = ''       # when not the file's own sections
    subject: str = ''
    cocci: list = dataclasses.field(default_factory=list)
    filename: str = ''
    findings: list = dataclasses.field(default_factory=list)   # checkpatch
    paths: list = dataclasses.field(default_factory=list)      # all its files

    def __post_init__(self):
        self.paths = self.paths or [self.path]

    @property
    def errors(self):
        return [f for f in self.findings if f.startswith('ERROR')]


@dataclasses.dataclass
class Series:
    name: str
    patches: list
    part: int = 0
    parts: int = 0
    section: str = ''

    @property
    def branch(self):
        return '%s/%s' % (BRANCH, self.name)

    def recipients(self, field):
        seen = []
        for p in self.patches:
            seen += [r for r in getattr(p, field) if r not in seen]
        if field == 'cc':
            to = self.recipients('to')
            seen = [r for r in seen if r not in to]
        return seen


def git(args, cwd, **kwargs):
    return processes.run(['git'] + args, cwd=cwd, **kwargs)


# --- the tree -------------------------------------------------------------

def check_git(kdir):
    """The top of KDIR's git work tree and its HEAD commit."""
    tree.check_kernel_tree(kdir)
    proc = git(['rev-parse', '--show-toplevel'], kdir, check=False)
    if proc.returncode != 0:
        raise UserError('%s is not a git repository: series makes commits, so it '
                        'needs one (git init && git add -A -f && git commit)' % kdir)
    if os.path.realpath(proc.stdout.strip()) != os.path.realpath(kdir):
        raise UserError('%s is inside the git repository %s, not at its top; series '
                        'needs a tree that is a repository of its own'
                        % (kdir, proc.stdout.strip()))
    proc = git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], kdir, check=False)
    if proc.returncode != 0:
        raise UserError('HEAD of %s does not resolve to a commit: commit the tree first'
                        % kdir)
    return proc.stdout.strip()


def identity(kdir):
    """'Name <email>' from the user's git config, for Signed-off-by."""
    values = []
    for key in ('user.name', 'user.email'):
        proc = git(['config', key], kdir, check=False)
        if not proc.stdout.strip():
            raise UserError('%s is not set in the git config of %s; it is needed for '
                            'the Signed-off-by lines (git config --global %s ...)'
                            % (key, kdir, key))
        values.append(proc.stdout.strip())
    return '%s <%s>' % tuple(values)


# --- the conversion ----------------------------------------------------------

VERBOSE_LINE = re.compile(r'^(?P<file>[^\s:]+):(?P<line>\d+): (?P<handler>\w+): '
                          r'(?P<status>\S+): (?P<reason>.*)$')


def read_report(path):
    """Handler records from saved report lines: spatch's (make coccicheck
    MODE=report) or the per-handler lines of convert -v."""
    from . import spatch as sp
    handlers = []
    try:
        with open(path) as src:
            lines = src.read().splitlines()
    except OSError as err:
        raise UserError('%s: %s' % (path, err.strerror))
    for line in lines:
        m = sp.REPORT_LINE.match(line)
        if m:
            handlers.append(verdicts.from_report(m))
            continue
        m = VERBOSE_LINE.match(line)
        if m:
            handlers.append(verdicts.Handler(file=m.group('file'), line=int(m.group('line')),
                                             handler=m.group('handler'), fops=[],
                                             status=m.group('status'),
                                             reason=m.group('reason')))
    if not handlers:
        raise UserError('%s has no report lines' % path)
    return verdicts.merge(handlers)


def from_diff_handler(path, name, status):
    return verdicts.Handler(file=path, line=0, handler=name, fops=[], status=status,
                            reason='read from the diff')


def load_patch(kdir, patch_file, report_file, paths):
    """({path: diff}, handlers, classification source) from an existing diff."""
    try:
        with open(patch_file) as src:
            diffs = conv.split_diff(normalise_diff(src.read()).splitlines(keepends=True))
    except OSError as err:
        raise UserError('%s: %s' % (patch_file, err.strerror))
    if not diffs:
        raise UserError('%s holds no diff (expected diff -u -p a/FILE b/FILE '
                        'or diff --git headers)' % patch_file)
    if paths:
        scope = tree.relative_paths(kdir, paths)
        diffs = {p: d for p, d in diffs.items()
                 if any(s == '.' or p == s or p.startswith(s.rstrip('/') + '/') for s in scope)}
    if report_file:
        handlers = read_report(report_file)
        return diffs, handlers, 'the report in %s' % report_file
    handlers = []
    for path in sorted(diffs):
        handlers += message.handlers_from_diff(path, diffs[path], from_diff_handler)
    return diffs, handlers, 'the diff itself'


def normalise_diff(text):
    """git diff headers (diff --git, index) -> the diff -u -p form convert writes."""
    out = []
    for line in text.splitlines(keepends=True):
        m = re.match(r'^diff --git a/(\S+) b/\S+', line)
        if m:
            out.append('diff -u -p a/%s b/%s\n' % (m.group(1), m.group(1)))
        elif not re.match(r'^(index [0-9a-f]+\.\.|new file mode|deleted file mode)', line):
            out.append(line)
    return ''.join(out)


def cocci_for(handlers):
    """The semantic patches that made a file's conversion."""
    names = ['cocci/mmap_to_prepare.cocci']
    if any(h.status in (statuses.COMPLETE, statuses.ABORT) for h in handlers):
        names.append('cocci/split_prefault.cocci')
    return names


def make_patches(diffs, handlers):
    by_file = collections.defaultdict(list)
    for h in handlers:
        by_file[h.file].append(h)
    patches = []
    for path in sorted(diffs):
        mine = by_file.get(path, [])
        done = [h for h in mine if h.converted]
        if not done:
            done = message.handlers_from_diff(path, diffs[path], from_diff_handler)
        patches.append(Patch(path=path, diff=diffs[path], handlers=done,
                             others=[h for h in mine if not h.converted],
                             cocci=cocci_for(done)))
    return patches


# --- maintainers and prefixes ---------------------------------------------------

def get_maintainer(kdir, path):
    """(to, cc, sections, trees) of a file or folder, from the tree's
    get_maintainer.pl: To the maintainers, Cc the reviewers and lists."""
    script = os.path.join('scripts', 'get_maintainer.pl')
    if not os.path.exists(os.path.join(kdir, script)):
        raise UserError('%s has no %s' % (kdir, script))
    base = ['perl', script, '--nogit', '--nogit-fallback', '--norolestats']
    everyone = processes.run(base + ['--scm', '--subsystem', '-f', path], cwd=kdir,
                         env=PERL_ENV).stdout
    maintainers = processes.run(base + ['--nol', '--nor', '-f', path], cwd=kdir,
                            env=PERL_ENV).stdout
    to = [line for line in maintainers.splitlines() if line.strip()]
    cc, sections, trees = [], [], []
    for line in everyone.splitlines():
        if not line.strip():
            continue
        if VCS.match(line):
            trees.append(line)
        elif '@' in line:
            if line not in to:
                cc.append(line)
        else:
            sections.append(line)
    return to, cc, sections, trees


def recipients(kdir, patch):
    """A file no section names (fs/ramfs/) goes to the maintainers of the
    nearest folder above it that has some (fs/: the VFS maintainers), as
    kernel developers do; with none at all, to the lists."""
    patch.to, patch.cc, patch.sections, patch.trees = get_maintainer(kdir, patch.path)
    folder = os.path.dirname(patch.path)
    while not patch.to and folder:
        to, cc, sections, trees = get_maintainer(kdir, folder)
        if to:
            patch.to = to
            patch.cc += [c for c in cc if c not in patch.cc]
            patch.sections, patch.trees = sections, trees
            patch.recipients_from = folder + '/'
        folder = os.path.dirname(folder)
    if not patch.to:
        patch.to, patch.cc = patch.cc, []
        patch.recipients_from = 'the lists: MAINTAINERS names no maintainer'


def history_subjects(kdir, path, count=30):
    out = git(['log', '--no-merges', '-n', str(count), '--format=%s', '--', path],
              kdir, check=False).stdout
    return out.splitlines()


def fill_in(kdir, patches, jobs):
    """Recipients and subject prefix of each patch (get_maintainer.pl runs in
    parallel: it takes a third of a second per file)."""
    def one(patch):
        recipients(kdir, patch)
        prefix = message.prefix_from_history(history_subjects(kdir, patch.path))
        if prefix:
            patch.prefix, patch.prefix_from = prefix, 'history'
        else:
            patch.prefix = message.prefix_from_path(
                patch.path, patch.sections, lambda d: os.path.isdir(os.path.join(kdir, d)))
            patch.prefix_from = 'MAINTAINERS and path'
        patch.subject = '%s %s' % (patch.prefix, message.subject_summary(patch.diff))
    with concurrent.futures.ThreadPoolExecutor(max(1, jobs)) as pool:
        list(pool.map(one, patches))


# --- series ------------------------------------------------------------------

def slug(text):
    """'LINUX FOR POWERPC (32-BIT AND 64-BIT)' -> 'linux-for-powerpc'."""
    words = re.sub(r'\([^)]*\)', ' ', text).lower()
    out = ''
    for word in re.findall(r'[a-z0-9]+', words):
        if out and len(out) + 1 + len(word) > 40:
            break
        out = '%s-%s' % (out, word) if out else word
    return out or 'series'


def sections_of(patch):
    return [s for s in patch.sections if s != 'THE REST']


def series_sections(patches):
    """Candidate names: the MAINTAINERS sections all the patches share, most
    specific first as get_maintainer.pl lists them, else the one most of
    them have first."""
    shared = [s for s in sections_of(patches[0])
              if all(s in sections_of(p) for p in patches[1:])]
    if shared:
        return shared
    firsts = [(sections_of(p) or ['THE REST'])[0] for p in patches]
    counts = collections.Counter(firsts)
    return [max(firsts, key=lambda s: (counts[s], -firsts.index(s)))]


def union(lists):
    out = []
    for items in lists:
        out += [x for x in items if x not in out]
    return out


def merge(patches):
    """Files with the same prefix and maintainers (fs/ramfs/file-mmu.c and
    file-nommu.c) make one patch: two patches with one subject would
    puzzle the reviewer."""
    if len(patches) == 1:
        return patches[0]
    first = patches[0]
    diff = ''.join(p.diff for p in patches)
    return Patch(path=first.path, paths=[p.path for p in patches], diff=diff,
                 handlers=[h for p in patches for h in p.handlers],
                 others=[h for p in patches for h in p.others],
                 to=union(p.to for p in patches), cc=union(p.cc for p in patches),
                 sections=first.sections, trees=union(p.trees for p in patches),
                 prefix=first.prefix, prefix_from=first.prefix_from,
                 recipients_from=first.recipients_from,
                 subject='%s %s' % (first.prefix, message.subject_summary(diff)),
                 cocci=sorted(union(p.cocci for p in patches)))


def bundle(patches):
    """The files of a handler converted across files (crossfile: its
    definition, its prototype, the initializers of other files) make one
    patch whatever their maintainers: apart, each would break the build."""
    owner = {}
    for p in patches:
        for h in p.handlers:
            for path in h.together:
                owner.setdefault(path, set()).add(h.handler)
    bundles, out = {}, []
    for p in patches:
        names = set().union(*(owner.get(path, set()) for path in p.paths))
        if not names:
            out.append(p)
            continue
        key = next((k for k in bundles if k & names), None)
        if key is None:
            bundles[frozenset(names)] = [p]
            out.append(bundles[frozenset(names)])
        else:
            bundles[key].append(p)
    merged = [merge(p) if isinstance(p, list) else p for p in out]
    for p in merged:
        # a user file's patch names the handler again, read from its diff
        seen, mine = set(), []
        for h in sorted(p.handlers, key=lambda h: not h.together):
            if h.handler not in seen:
                seen.add(h.handler)
                mine.append(h)
        p.handlers = mine
    return merged


def group(patches, how='subsystem', max_patches=15):
    """Series: patches with the same maintainers (To:) together, or each on its own."""
    if max_patches < 1:
        raise UserError('--max-patches must be at least 1')
    patches = bundle(patches)
    if how == 'driver':
        groups = [[p] for p in patches]
    else:
        keyed = collections.OrderedDict()
        for p in patches:
            key = tuple(sorted(p.to)) or tuple(p.sections)
            keyed.setdefault(key, collections.OrderedDict()).setdefault(p.prefix, []).append(p)
        groups = [[merge(same) for same in by_prefix.values()] for by_prefix in keyed.values()]
    out, used = [], collections.Counter()
    for members in groups:
        # the first candidate no earlier series is named after (fs/aio.c
        # shares FILESYSTEMS with the VFS files, but has AIO of its own)
        sections = series_sections(members)
        section = next((s for s in sections if slug(s) not in used), sections[0])
        if how == 'driver':
            name = slug(message.stem(members[0].path))
        elif section == 'THE REST':
            # no section names these files: call them by their prefix
            name = slug(members[0].prefix.replace(':', ' '))
        else:
            name = slug(section)
        used[name] += 1
        if used[name] > 1:
            name = '%s-%d' % (name, used[name])
        chunks = [members[i:i + max_patches] for i in range(0, len(members), max_patches)]
        if len(chunks) == 1:
            out.append(Series(name, members, section=section))
        else:
            out += [Series('%s-part%d' % (name, i + 1), chunk, i + 1, len(chunks), section)
                    for i, chunk in enumerate(chunks)]
    return out


# --- commits in a worktree ----------------------------------------------------

def prepare_worktree(kdir, path, base, manifest):
    """A worktree of KDIR at path, detached at base: created, or reused from
    an earlier run (the manifest lists it).  Nothing outside it changes but
    KDIR's list of worktrees and the mmap-prepare/ branches."""
    listed = git(['worktree', 'list', '--porcelain'], kdir).stdout
    registered = {line[len('worktree '):] for line in listed.splitlines()
                  if line.startswith('worktree ')}
    real = os.path.realpath(path)
    ours = manifest.owns(path)
    if ours and real in {os.path.realpath(p) for p in registered} and os.path.isdir(path):
        git(['checkout', '-q', '-f', '--detach', base], path)
        git(['clean', '-q', '-f', '-d'], path)
        return
    if os.path.exists(path):
        raise UserError('%s exists and is not a worktree series made of %s; remove it'
                        % (path, kdir))
    manifest.claim(manifest.name(path) + '/')
    os.makedirs(os.path.dirname(real), exist_ok=True)
    processes.log('series: checking out a worktree of %s in %s' % (kdir, path))
    # -f: a worktree registered here by an earlier run whose folder was deleted
    git(['worktree', 'add', '-q', '-f', '--detach', path, base], kdir)


def mail_date(timestamp):
    """The Date: of a mail as git format-patch writes it (day not padded)."""
    t = time.gmtime(timestamp)
    return '%s, %d %s %s +0000' % (('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[t.tm_wday],
                                   t.tm_mday, ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul',
                                               'Aug', 'Sep', 'Oct', 'Nov', 'Dec')[t.tm_mon - 1],
                                   time.strftime('%Y %H:%M:%S', t))


def commit_env(timestamp):
    date = '@%d +0000' % timestamp
    return dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)


# The last line of every commit message series writes (message.py).
MADE_BY = re.compile(r'\bGenerated with the semantic patch(es)? \S.* of mmap-convert\.')


def check_branches(repo, series_list, base):
    """Committing resets each series' branch to base: refuse, before any
    work, a branch of that name with commits series did not write."""
    for s in series_list:
        if git(['rev-parse', '--verify', '-q', 'refs/heads/' + s.branch], repo,
               check=False).returncode:
            continue
        messages = git(['log', '--format=%B%x00', '%s..%s' % (base, s.branch)],
                       repo).stdout.split('\0')
        foreign = [m for m in messages if m.strip() and not MADE_BY.search(' '.join(m.split()))]
        if foreign:
            raise UserError('branch %s has commits series did not write (%s); rename or '
                            'delete it (git branch -m/-D) first'
                            % (s.branch, foreign[0].strip().splitlines()[0][:60]))


def commit_series(wt, series, base, signoff, start):
    """One commit per patch on the series' branch, reset to base first."""
    git(['checkout', '-q', '-f', '-B', series.branch, base], wt)
    for n, patch in enumerate(series.patches):
        git(['apply', '--index', '-'], wt, input=patch.diff)
        source = ''
        for path in patch.paths:
            with open(os.path.join(wt, path), errors='replace') as src:
                source += src.read()
        text = message.commit_message(patch.subject, patch.path, patch.handlers, patch.diff,
                                      source, patch.cocci, signoff, patch.others)
        ident = re.match(r'(.*) <(.*)>$', signoff)
        env = dict(commit_env(start + n), GIT_AUTHOR_NAME=ident.group(1),
                   GIT_AUTHOR_EMAIL=ident.group(2), GIT_COMMITTER_NAME=ident.group(1),
                   GIT_COMMITTER_EMAIL=ident.group(2))
        git(['commit', '-q', '--no-verify', '--cleanup=verbatim', '-F', '-'], wt,
            input=text, env=env)


# --- mail -------------------------------------------------------------------

def add_headers(text, to, cc):
    """To: and Cc: headers after the ones format-patch wrote."""
    head, sep, rest = text.partition('\n\n')
    extra = ''
    if to:
        extra += '\nTo: ' + ',\n    '.join(to)
    if cc:
        extra += '\nCc: ' + ',\n    '.join(cc)
    return head + extra + sep + rest


def below_cut(text, notes):
    """Notes for the reader after the '---' line, where git am drops them."""
    return text.replace('\n---\n', '\n---\n%s\n' % notes, 1)


def tree_of(series):
    trees = [t for p in series.patches for t in p.trees if 'torvalds/linux.git' not in t]
    if not trees:
        return 'Linus Torvalds\' tree (MAINTAINERS names no other for these files)'
    common = collections.Counter(trees).most_common(1)[0][0]
    return '%s (MAINTAINERS: %s)' % (common.split(' ', 1)[1], series.section)


def independent(series):
    """Each patch touches its own file and no converted function of one
    patch is named in another patch's diff."""
    paths = [path for p in series.patches for path in p.paths]
    if len(set(paths)) != len(paths):
        return False
    for p in series.patches:
        names = [n for kind in message.hooks_added(p.diff).values() for n in kind]
        for q in series.patches:
            if q is not p and any(re.search(r'\b%s\b' % re.escape(n), q.diff) for n in names):
                return False
    return True


def needs(patches):
    hooks = {k for p in patches for k, v in message.hooks_added(p.diff).items() if v}
    used = [k for k in ('mmap_prepare', 'mmap_complete', 'mmap_abort') if k in hooks]
    return ('the %s interface, with can_mmap_file() and the vfs_mmap() '
            'compatibility path that let the code which tests or calls f_op->mmap '
            '(do_mmap, binfmt_elf, debugfs, stacked filesystems, call_mmap() '
            'users such as ipc/shm.c) accept and reach a converted file'
            % message.join_words(['f_op->' + k for k in used] or ['f_op->mmap_prepare']))


def handler_words(patch, h):
    """'foo_mmap: mmap_prepare + mmap_complete', 'ext2_file_operations:
    generic_file_mmap_prepare' for the cover letter's table."""
    if h.status == statuses.GENERIC:
        return '%s: %s_prepare' % (', '.join(h.fops) or 'fops', h.handler)
    hooks = message.hooks_added(patch.diff)
    kinds = [k for k in ('mmap_prepare', 'mmap_complete', 'mmap_abort')
             if any(n.startswith(h.handler) for n in hooks.get(k, []))]
    return '%s: %s' % (h.handler, ' + '.join(kinds or ['mmap_prepare']))


def hooks_words(patch):
    hooks = message.hooks_added(patch.diff)
    return ' + '.join(k for k in ('mmap_prepare', 'mmap_complete', 'mmap_abort') if hooks.get(k))


def generation(ctx, cocci):
    text = ('Generated by mmap-convert %s (scripts/convert.py series) with the '
            'semantic patch%s %s, %s, on base commit %s ("%s"); classification '
            'from %s.' % (VERSION, 'es' if len(cocci) > 1 else '', message.join_words(cocci),
                          ctx['spatch'], ctx['base'][:12], ctx['base_subject'],
                          ctx['classified_by']))
    target = ctx.get('target')
    if target is not None:
        text += ' Written for the %s API: %s.' % (target.describe(), target.why)
    return text


def folder_prefix(paths):
    """A prefix for files whose own prefixes differ, from the folder they
    share: fs/{adfs,minix} -> 'fs:', drivers/{char,misc} -> 'char/misc:',
    arch/powerpc/... -> 'powerpc:'."""
    dirs = [p.split('/')[:-1] for p in paths]
    common = []
    for parts in zip(*dirs):
        if len(set(parts)) > 1:
            break
        common.append(parts[0])
    if common in (['drivers'], ['arch']):
        subs = sorted({d[1] for d in dirs if len(d) > 1})
        return '%s:' % '/'.join(subs) if 1 < len(subs) <= 2 else ''
    if common[:1] in (['drivers'], ['arch']) and len(common) > 1:
        return '%s:' % common[1]
    return '%s:' % common[0] if common else ''


def routing(patches):
    """Why files go to the maintainers of a folder above them."""
    routed = [p for p in patches if p.recipients_from.endswith('/')]
    if not routed:
        return ''
    one = len(routed) == 1
    return ('%s %s no maintainer of %s own in MAINTAINERS, so %s to the '
            'maintainers of %s.' % (
                message.join_words(os.path.dirname(p.path) + '/' for p in routed),
                'has' if one else 'have', 'its' if one else 'their',
                'it goes' if one else 'they go',
                message.join_words(sorted({p.recipients_from for p in routed}))))


def cover_letter(series, ctx):
    """(subject, body) of the cover letter."""
    prefixes = {p.prefix for p in series.patches}
    first = {p.prefix.split(':')[0] + ':' for p in series.patches}
    section = series.name.upper()
    if len(prefixes) == 1:
        head = prefixes.pop()
    elif len(first) == 1:
        head = first.pop()
    else:
        head = folder_prefix([path for p in series.patches for path in p.paths])
    summary = 'convert mmap handlers to mmap_prepare'
    subject = ('%s %s' % (head, summary)) if head else summary[0].upper() + summary[1:]
    if series.parts:
        subject += ' (part %d of %d)' % (series.part, series.parts)
    handlers = sum(len(p.handlers) for p in series.patches)
    paras = [message.WHY,
             'This series converts the %d f_op->mmap handler%s of %d file%s that '
             'share maintainers (%s).' % (
                 handlers, '' if handlers == 1 else 's', len(series.patches),
                 '' if len(series.patches) == 1 else 's',
                 message.join_words(sorted({s for p in series.patches for s in p.sections
                                            if s != 'THE REST'})) or section)]
    if routing(series.patches):
        paras.append(routing(series.patches))
    if any('mmap_complete' in hooks_words(p) for p in series.patches):
        paras.append(message.WHY_COMPLETE)
    if any(h.status == statuses.ACTION for p in series.patches for h in p.handlers):
        paras.append(message.WHY_ACTION)
    body = '\n\n'.join(message.wrap(p) for p in paras)
    rows = []
    count = len(series.patches)
    for i, p in enumerate(series.patches):
        rows.append('  %*d/%d  %s' % (len(str(count)), i + 1, count, ', '.join(p.paths)))
        indent = ' ' * (5 + 2 * len(str(count)))
        rows.append(message.textwrap.fill(
            '; '.join(handler_words(p, h) for h in p.handlers),
            message.WIDTH, initial_indent=indent, subsequent_indent=indent,
            break_long_words=False, break_on_hyphens=False))
    body += '\n\n' + '\n'.join(rows)
    tail = []
    if len(series.patches) > 1 and independent(series):
        tail.append('The patches are independent of each other: each converts one '
                    'file, so any of them can be applied on its own.')
    tail.append('They should go through %s.' % tree_of(series))
    if not ctx['has_prepare']:
        tail.append('They need %s, which the base commit does not have yet.'
                    % needs(series.patches))
    if series.parts:
        tail.append('This is part %d of %d; the parts are independent.' % (
            series.part, series.parts))
    tail.append(generation(ctx, sorted({c for p in series.patches for c in p.cocci})))
    body += '\n\n' + '\n\n'.join(message.wrap(t) for t in tail)
    return subject, body


def format_series(wt, series, manifest, ctx):
    """git format-patch into OUTDIR/SERIES/, then headers and cover letter."""
    folder = manifest.folder(series.name)
    many = len(series.patches) > 1
    cmd = ['format-patch', '-q', '--base=%s' % ctx['base'],
           '--subject-prefix=PATCH']
    cmd += ['--cover-letter', '-n'] if many else ['--no-numbered']
    cmd.append('%s..%s' % (ctx['base'], series.branch))
    env = commit_env(ctx['date'])
    mails = format_patch(wt, cmd, env)
    files = sorted(mails)
    patch_files = [f for f in files if not f.startswith('0000-')]
    for patch, name in zip(series.patches, patch_files):
        patch.filename = name
        text = mails[name]
        text = add_headers(text, patch.to, [c for c in patch.cc if c not in patch.to])
        if not many:
            notes = [message.wrap('This should go through %s.' % tree_of(series))]
            if routing([patch]):
                notes.append(message.wrap(routing([patch])))
            if not ctx['has_prepare']:
                notes.append(message.wrap('It needs %s, which the base commit does '
                                          'not have yet.' % needs([patch])))
            notes.append(message.wrap(generation(ctx, patch.cocci)))
            text = below_cut(text, '\n\n'.join(notes) + '\n')
        manifest.write(os.path.join(series.name, name), text)
    if many:
        text = mails[files[0]]
        subject, body = cover_letter(series, ctx)
        text = text.replace('*** SUBJECT HERE ***', subject)
        text = text.replace('*** BLURB HERE ***', body)
        text = re.sub(r'^Date: .*$', 'Date: %s' % ctx['mail_date'], text, count=1, flags=re.M)
        text = add_headers(text, series.recipients('to'), series.recipients('cc'))
        manifest.write(os.path.join(series.name, files[0]), text)
    manifest.write(os.path.join(series.name, 'send.sh'), send_script(series, files), 0o755)
    return folder


def format_patch(wt, cmd, env):
    """The mails of git format-patch CMD, {file name: text}, made in a
    scratch folder: OUTDIR gets only files the manifest lists."""
    with tempfile.TemporaryDirectory(prefix='mmap-series-') as tmp:
        git(cmd[:2] + ['-o', tmp] + cmd[2:], wt, env=env)
        mails = {}
        for name in os.listdir(tmp):
            if name.endswith('.patch'):
                with open(os.path.join(tmp, name)) as src:
                    mails[name] = src.read()
        return mails


def send_script(series, files):
    return ('#!/bin/sh\n'
            '# Send the series "%s" with git send-email.  The To: and Cc: of each\n'
            '# mail are in its headers (from get_maintainer.pl); git send-email\n'
            '# gives the mails their Message-Id and threads them under the first.\n'
            '# Extra arguments go to git send-email, e.g. --dry-run.\n'
            'cd "$(dirname "$0")" || exit 1\n'
            'exec git send-email --confirm=always --suppress-cc=self "$@" \\\n\t%s\n'
            % (series.name, ' \\\n\t'.join(shlex.quote(f) for f in files)))


FINDING = re.compile(r'^(ERROR|WARNING|CHECK): (.*)$')


def checkpatch(kdir, paths):
    """checkpatch.pl --strict findings, 'LEVEL:TYPE: text', per mail.  One
    process reads many mails: most of its time goes into starting up."""
    script = os.path.join(kdir, 'scripts', 'checkpatch.pl')
    if not os.path.exists(script):
        raise UserError('%s has no scripts/checkpatch.pl' % kdir)
    proc = processes.run(['perl', script, '--strict', '--show-types', '--no-summary', '--terse']
                     + paths, cwd=kdir, check=False)
    found = {path: [] for path in paths}
    for line in proc.stdout.splitlines():
        m = re.match(r'^(.*?):\d+: (ERROR|WARNING|CHECK):(.*)$', line)
        # checkpatch says some things once per hunk: once is enough here
        text = '%s:%s' % (m.group(2), m.group(3)) if m else None
        if m and m.group(1) in found and text not in found[m.group(1)]:
            found[m.group(1)].append(text)
    if proc.returncode != 0 and not any(found.values()):
        raise UserError('checkpatch.pl failed: %s' % (
            (proc.stderr.strip().splitlines() or ['?'])[-1]))
    return found


def index_text(series_list, ctx, failed):
    lines = ['mmap-convert: f_op->mmap conversion of %s as patch series' % ctx['kdir'],
             'base: %s ("%s")' % (ctx['base'], ctx['base_subject']),
             'classification: %s' % ctx['classified_by'],
             '%d series, %d patches; send each with its send.sh, in any order.' % (
                 len(series_list), sum(len(s.patches) for s in series_list)), '']
    if failed:
        lines += ['checkpatch.pl --strict found ERRORs in %d patch(es); fix them before '
                  'sending (marked !! below).' % len(failed), '']
    for s in series_list:
        lines.append('%s/  (branch %s, %d patch%s)' % (
            s.name, s.branch, len(s.patches), '' if len(s.patches) == 1 else 'es'))
        lines.append('  To: %s' % ', '.join(s.recipients('to')))
        if s.recipients('cc'):
            lines.append('  Cc: %s' % ', '.join(s.recipients('cc')))
        lines.append('  tree: %s' % tree_of(s))
        for p in s.patches:
            mark = '!!' if p.errors else '  '
            lines.append('%s %s  %s' % (mark, p.filename, p.subject))
            lines.append('     %s; prefix from %s%s' % (
                ', '.join(p.paths), p.prefix_from, '; recipients from ' + p.recipients_from
                if p.recipients_from else ''))
            for f in p.findings:
                lines.append('     checkpatch: %s' % f)
        lines.append('')
    return '\n'.join(lines)


class Manifest:
    """What series wrote in OUTDIR, listed in OUTDIR/MANIFEST: the only
    files and folders a later run replaces or removes.  Each is listed
    before it is made, so that an interrupted run leaves nothing unlisted.
    A folder is listed with a trailing /, the worktree by its path from
    OUTDIR (or absolute, with --worktree elsewhere)."""

    HEAD = ('# mmap-convert series wrote these files and folders here; a later run\n'
            '# replaces or removes them, and nothing else.\n')

    def __init__(self, outdir):
        self.outdir = outdir
        self.path = os.path.join(outdir, MANIFEST)
        self.entries = set()

    @classmethod
    def open(cls, kdir, outdir, worktree=None):
        """OUTDIR's manifest, after checking that OUTDIR may be used: not
        KDIR or inside it, writable, and new, empty or written by series."""
        guard.check_folder_outside(kdir, outdir, '-o')
        guard.check_folder_ours(outdir, MANIFEST, '-o', 'series')
        if worktree is not None and guard.inside(worktree, kdir):
            raise UserError('--worktree %s is inside the kernel tree %s; give a folder '
                            'outside it' % (worktree, kdir))
        manifest = cls(outdir)
        if os.path.lexists(manifest.path):
            try:
                with open(manifest.path) as src:
                    text = src.read()
            except (OSError, UnicodeDecodeError) as err:
                raise UserError('cannot read %s: %s' % (manifest.path, err))
            if not text.startswith(cls.HEAD):
                raise UserError('%s was not written by series; give a new or empty -o '
                                'folder' % manifest.path)
            manifest.entries = set(text[len(cls.HEAD):].splitlines())
        return manifest

    def save(self):
        try:
            os.makedirs(self.outdir, exist_ok=True)
            tmp = self.path + '.tmp'
            with open(tmp, 'w') as out:
                out.write(self.HEAD + ''.join('%s\n' % e for e in sorted(self.entries)))
            os.replace(tmp, self.path)
        except OSError as err:
            raise UserError('cannot write in %s: %s' % (self.outdir, err.strerror))

    def name(self, path):
        """How the manifest lists a folder or file outside OUTDIR or in it."""
        rel = os.path.relpath(os.path.abspath(path), self.outdir)
        return os.path.abspath(path) if rel.startswith('..') else rel

    def owns(self, path):
        return self.name(path) in self.entries or self.name(path) + '/' in self.entries

    def claim(self, entry):
        if entry not in self.entries:
            self.entries.add(entry)
            self.save()

    def folder(self, rel):
        """OUTDIR/rel as a folder of ours; refused when it is someone else's."""
        full = os.path.join(self.outdir, rel)
        if os.path.lexists(full) and rel + '/' not in self.entries:
            raise UserError('%s exists and series did not write it; remove it or give '
                            'another -o folder' % full)
        self.claim(rel + '/')
        try:
            os.makedirs(full, exist_ok=True)
        except OSError as err:
            raise UserError('cannot make %s: %s' % (full, err.strerror))
        return full

    def write(self, rel, text, mode=None):
        """Write OUTDIR/rel, a file of ours; refused when it is someone else's."""
        full = os.path.join(self.outdir, rel)
        if os.path.lexists(full) and rel not in self.entries:
            raise UserError('%s exists and series did not write it; remove it or give '
                            'another -o folder' % full)
        self.claim(rel)
        try:
            with open(full, 'w') as out:
                out.write(text)
            if mode is not None:
                os.chmod(full, mode)
        except OSError as err:
            raise UserError('cannot write %s: %s' % (full, err.strerror))

    def clean(self, keep=()):
        """Remove the files an earlier run wrote, then its folders that are
        empty now; entries in keep (the worktree) stay."""
        keep = set(keep)
        for entry in sorted(self.entries - keep):
            if not entry.endswith('/'):
                try:
                    os.unlink(os.path.join(self.outdir, entry))
                except FileNotFoundError:
                    pass
                except OSError as err:
                    raise UserError('cannot remove %s: %s' % (entry, err.strerror))
                self.entries.discard(entry)
        for entry in sorted(self.entries - keep, key=len, reverse=True):
            full = os.path.join(self.outdir, entry)
            try:
                os.rmdir(full)
                self.entries.discard(entry)
            except FileNotFoundError:
                self.entries.discard(entry)
            except OSError:
                pass                    # something of the user's in it
        self.save()


def write_series(kdir, outdir, paths=(), how='subsystem', max_patches=15, patch_file=None,
        report_file=None, jobs=2, timeout=120, worktree=None, date=None, target=None):
    """Make the series; returns (series list, patches with checkpatch errors)."""
    kdir = os.path.abspath(kdir)
    target = target or tgt.detect(kdir)
    outdir = os.path.abspath(outdir)
    manifest = Manifest.open(kdir, outdir, worktree)
    base = check_git(kdir)
    signoff = identity(kdir)
    base_subject = git(['log', '-1', '--format=%s', base], kdir).stdout.strip()
    if date:
        stamp = processes.run(['date', '-u', '-d', date, '+%s'], check=False).stdout.strip()
        if not stamp.isdigit():
            raise UserError('--date %s: not a date that date(1) understands' % date)
        start = int(stamp)
    else:
        start = int(git(['log', '-1', '--format=%ct', base], kdir).stdout.strip())
    if patch_file:
        diffs, handlers, classified_by = load_patch(kdir, patch_file, report_file, paths)
        spatch = 'spatch %s' % processes.spatch_version() if shutil.which('spatch') else \
            'spatch (not installed here)'
    else:
        handlers, diffs, errors, _ = conv.convert(kdir, paths, jobs=jobs, timeout=timeout,
                                                  target=target)
        classified_by = 'the semantic patches\' report'
        spatch = 'spatch %s' % processes.spatch_version()
        for path, why in sorted(errors.items()):
            processes.log('series: %s not analysed: %s' % (path, why))
    patches = make_patches(diffs, handlers)
    wt = worktree or os.path.join(outdir, WORKTREE)
    manifest.clean(keep=[manifest.name(wt) + '/'])
    if not patches:
        manifest.write(INDEX, 'mmap-convert: nothing to convert in %s\n' % kdir)
        return [], []
    fill_in(kdir, patches, jobs)
    series_list = group(patches, how, max_patches)
    fs_h = git(['show', '%s:include/linux/fs.h' % base], kdir, check=False).stdout
    ctx = {'kdir': kdir, 'base': base, 'base_subject': base_subject, 'spatch': spatch,
           'classified_by': classified_by, 'date': start,
           'mail_date': mail_date(start),
           'has_prepare': 'mmap_prepare' in fs_h, 'target': target}
    check_branches(kdir, series_list, base)
    prepare_worktree(kdir, wt, base, manifest)
    for s in series_list:
        commit_series(wt, s, base, signoff, start + 1)
        format_series(wt, s, manifest, ctx)
    git(['checkout', '-q', '--detach', base], wt)
    tasks = {os.path.join(outdir, s.name, p.filename): p
             for s in series_list for p in s.patches}
    paths = sorted(tasks)
    chunks = [paths[i::max(1, jobs)] for i in range(min(max(1, jobs), len(paths)))]
    with concurrent.futures.ThreadPoolExecutor(max(1, jobs)) as pool:
        for found in pool.map(lambda chunk: checkpatch(kdir, chunk), chunks):
            for path, findings in found.items():
                tasks[path].findings = findings
    failed = [tasks[path] for path in paths if tasks[path].errors]
    manifest.write(INDEX, index_text(series_list, ctx, failed))
    return series_list, failed
