"""The audit subcommand: one status for every mmap handler of a tree.

The classification is the conversion's own: audit() calls convert.convert(),
so the handlers it calls converted:* are exactly those `convert` changes,
and whatever semantic patch joins convert.SEMANTIC_PATCHES joins the audit.
On top of that it adds the subsystem (MAINTAINERS), a census of the tree's
.mmap/.proc_mmap members that the handlers are accounted against, optional
build results, and the headline tables (docs/audit.md).
"""

import collections
import dataclasses
import hashlib
import json
import os
import re

from . import OVERLAY, VERSION, UserError
from . import comments
from . import consumers
from . import convert as conv
from . import maintainers
from . import statuses
from . import target as tgt
from . import processes
from . import tree

# Status families whose handlers populate page tables: the primitives
# table counts these.
POPULATING = statuses.POPULATING
# Build results of `convert.py verify`, per touched file.
BUILD_STATES = ('built', 'failed', 'not built', 'pre-existing failure')
F_OPS = ('file_operations', 'proc_ops')


@dataclasses.dataclass
class Entry:
    """One handler as the audit reports it (docs/audit.md, "handlers")."""
    file: str
    line: int
    handler: str
    fops: list
    status: str
    subsystem: str
    primitives: list
    blocker: str
    reason: str
    build: str = None
    # with the build status: the configurations that compiled the file and
    # its touched branches compiled, or why it was not built
    build_detail: str = None
    # the files converted with a handler other files name (crossfile)
    together: list = dataclasses.field(default_factory=list)

    @property
    def family(self):
        return statuses.family(self.status)

    def to_json(self):
        out = dataclasses.asdict(self)
        out['family'] = self.family
        if self.build is None:
            del out['build']
        if self.build_detail is None:
            del out['build_detail']
        if not self.together:
            del out['together']
        return out


def blocker(h):
    """What stands in the way, for blocked:* statuses: the helper of
    delegates(X), the function of unknown-vma-use(X), the dma_mmap_* call
    (not the order problem of blocked:order(X): no function)."""
    if not h.status.startswith('blocked:') or h.family in statuses.PROBLEM_ARGUMENT:
        return None
    arg = statuses.argument(h.status)
    if arg:
        return arg
    dma = [p for p in h.primitives if p.startswith('dma_mmap_')]
    return ','.join(dma) if dma else None


def entry(h):
    """The audit's record of a verdicts.Handler; the subsystem comes later."""
    return Entry(file=h.file, line=h.line, handler=h.handler, fops=sorted(h.fops),
                 status=h.status, subsystem=None, primitives=sorted(h.primitives),
                 blocker=blocker(h), reason=h.reason, together=list(h.together))


remaining = statuses.remaining


# --- census -----------------------------------------------------------------

CENSUS_MEMBER = re.compile(r'\.(?:proc_)?mmap\s*=(?!=)')
DECLARATION = re.compile(r'\b(?:struct|union)\s+(\w+)\s*(?:\)|\*?\s*(\w+)?)')


@dataclasses.dataclass
class Member:
    """One .mmap/.proc_mmap member the plain text scan found."""
    file: str
    line: int
    value: str           # the right-hand side, as written
    struct: str = None   # type of the initializer it belongs to, when found
    variable: str = None
    macro: str = None    # the #define whose body holds it
    assignment: bool = False
    account: str = None  # where it goes in the accounting (set by account())
    detail: str = ''

    def identifiers(self):
        return re.findall(r'[A-Za-z_]\w*', self.value)


def enclosing(text, pos):
    """(struct type, variable, macro) of the initializer around pos, by
    matching braces backwards; arrays of structures and compound literals
    are followed outwards until a 'struct TYPE' shows up."""
    macro = None
    while True:
        depth, i = 0, pos - 1
        while i >= 0:
            c = text[i]
            if c == '}':
                depth += 1
            elif c == '{':
                if depth == 0:
                    break
                depth -= 1
            i -= 1
        if i < 0:
            return None, None, macro
        start = max(text.rfind(';', 0, i), text.rfind('}', 0, i), text.rfind('{', 0, i)) + 1
        head = text[start:i]
        d = re.search(r'#\s*define\s+(\w+)', head)
        if d:
            macro = d.group(1)
            head = head[d.end():]
        m = None
        for m in DECLARATION.finditer(head):
            pass
        if m:
            return m.group(1), m.group(2), macro
        if head.strip().endswith(')'):
            return None, None, macro        # a block of code, not an initializer
        pos = i


def macro_around(text, pos):
    """The name of the #define whose body holds pos, following the
    backslash-continued lines upwards; None outside a macro."""
    lines = text[:pos].split('\n')
    i = len(lines) - 1
    while i > 0 and lines[i - 1].rstrip().endswith('\\'):
        i -= 1
    m = re.match(r'\s*#\s*define\s+(\w+)', lines[i])
    return m.group(1) if m else None


def scan(kdir, paths=()):
    """Every .mmap/.proc_mmap member of the C files and headers under PATHs."""
    scope = tree.relative_paths(kdir, paths) if paths else ['.']
    members = []
    for name in tree.files_matching(kdir, tree.MEMBER, scope):
        with open(os.path.join(kdir, name), errors='replace') as src:
            text = comments.blank_comments(src.read())
        members += scan_text(name, text)
    return members


def scan_text(name, text):
    members = []
    for m in CENSUS_MEMBER.finditer(text):
        end = len(text)
        for stop in (',', ';', '}', '\n'):
            k = text.find(stop, m.end())
            if k >= 0:
                end = min(end, k)
        value = text[m.end():end].strip().rstrip('\\').strip()
        line = text.count('\n', 0, m.start()) + 1
        before = text[m.start() - 1] if m.start() else ' '
        member = Member(file=name, line=line, value=value)
        if re.match(r'[\w)\]]', before):
            member.assignment = True
        else:
            member.struct, member.variable, member.macro = enclosing(text, m.start())
            member.macro = member.macro or macro_around(text, m.start())
        members.append(member)
    return members


def account(members, entries, errors):
    """Say where each census member goes, and list the handlers no member
    explains.  Members of a file_operations/proc_ops initializer in a file
    spatch failed on become error:* handlers here, so nothing is skipped."""
    by_file = collections.defaultdict(dict)
    for e in entries:
        by_file[e.file][e.handler] = e
    for path, why in sorted(errors.items()):
        mine = [m for m in members if m.file == path and m.struct in F_OPS and
                not m.assignment and m.value not in ('NULL', '0')]
        status = statuses.TIMEOUT if 'timed out' in why else statuses.SPATCH_ERROR
        for m in mine:
            name = (m.identifiers() or ['?'])[-1]
            if name in by_file[path]:
                continue
            e = Entry(file=path, line=m.line, handler=name,
                      fops=[m.variable] if m.variable else [], status=status,
                      subsystem=None, primitives=[], blocker=None,
                      reason='%s: %s is not classified; run spatch on the file to see why'
                      % (why, name))
            entries.append(e)
            by_file[path][name] = e
        if not mine:
            e = Entry(file=path, line=0, handler='?', fops=[], status=status,
                      subsystem=None, primitives=[], blocker=None,
                      reason='%s; no handler of the file is classified' % why)
            entries.append(e)
            by_file[path]['?'] = e
    used = set()
    for m in members:
        hit = [n for n in m.identifiers() if n in by_file.get(m.file, {})]
        if m.assignment:
            m.account, m.detail = 'assignment', 'set at run time, not an initializer'
        elif m.value in ('NULL', '0'):
            m.account, m.detail = 'null', 'no handler'
        elif hit:
            m.account, m.detail = 'handler', hit[-1]
            used.add((m.file, hit[-1]))
        elif m.macro:
            m.account = 'macro'
            m.detail = 'in the body of #define %s: its users are not analysed' % m.macro
        elif m.struct and m.struct not in F_OPS:
            m.account, m.detail = 'other-ops', 'struct %s' % m.struct
        elif m.struct in F_OPS:
            m.account, m.detail = 'not-reported', 'no handler reported for it'
        else:
            m.account, m.detail = 'unknown', 'no enclosing structure found'
    unexplained = [e for e in entries if (e.file, e.handler) not in used]
    return unexplained


def census_summary(members, entries, unexplained):
    counts = collections.Counter(m.account for m in members)
    installed = len({(m.file, m.detail) for m in members if m.account == 'handler'})
    return {
        'members': len(members),
        'files': len({m.file for m in members}),
        'accounts': dict(sorted(counts.items())),
        'handlers': len(entries),
        'handlers_from_members': installed,
        'handlers_without_member': [
            {'file': e.file, 'line': e.line, 'handler': e.handler, 'status': e.status}
            for e in unexplained],
        'others': [
            {'file': m.file, 'line': m.line, 'value': m.value, 'account': m.account,
             'detail': m.detail}
            for m in members if m.account != 'handler'],
        'other_structs': dict(sorted(collections.Counter(
            m.struct for m in members if m.account == 'other-ops').items())),
    }


# --- tables -------------------------------------------------------------------

def count(items):
    return dict(sorted(collections.Counter(items).items()))


def summarize(entries, verify=None):
    by_status = count(e.family for e in entries)
    subsystems = collections.defaultdict(list)
    for e in entries:
        subsystems[e.subsystem or '(none)'].append(e)
    by_subsystem = []
    for name, mine in subsystems.items():
        by_subsystem.append({
            'subsystem': name,
            'handlers': len(mine),
            'remaining': sum(remaining(e.family) for e in mine),
            'statuses': count(e.family for e in mine),
        })
    by_subsystem.sort(key=lambda s: (-s['remaining'], -s['handlers'], s['subsystem']))
    prims = collections.defaultdict(list)
    for e in entries:
        if e.family in POPULATING:
            for p in e.primitives or ['(no populate call)']:
                prims[p].append(e)
    by_primitive = [{'primitive': p, 'handlers': len(mine),
                     'statuses': count(e.family for e in mine),
                     'examples': sorted(e.handler for e in mine)[:8]}
                    for p, mine in prims.items()]
    by_primitive.sort(key=lambda r: (-r['handlers'], r['primitive']))
    helpers = collections.defaultdict(list)
    for e in entries:
        if e.family == statuses.DELEGATES:
            helpers[e.blocker or '?'].append(e)
    by_helper = [{'helper': h, 'handlers': len(mine),
                  'subsystems': sorted({e.subsystem or '(none)' for e in mine})}
                 for h, mine in helpers.items()]
    by_helper.sort(key=lambda r: (-r['handlers'], r['helper']))
    converted = sum(statuses.converted(e.family) for e in entries)
    out = {
        'handlers': len(entries),
        'converted': converted,
        'remaining': sum(remaining(e.family) for e in entries),
        'by_status': by_status,
        'by_subsystem': by_subsystem,
        'by_primitive': by_primitive,
        'by_helper': by_helper,
    }
    if verify is not None:
        builds = count(e.build for e in entries if e.build)
        out['build'] = {'overlay': verify['overlay'], 'counts': builds,
                        'verified': builds.get('built', 0)}
        for key in ('configs', 'arches', 'regions'):
            if verify.get(key) is not None:
                out['build'][key] = verify[key]
    return out


# --- inputs -------------------------------------------------------------------

def tree_version(kdir):
    """'6.12.57' from the top Makefile's VERSION, PATCHLEVEL, SUBLEVEL, EXTRAVERSION."""
    fields = {}
    try:
        with open(os.path.join(kdir, 'Makefile'), errors='replace') as src:
            for line in src:
                m = re.match(r'^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)\s*=\s*(\S*)', line)
                if m:
                    fields.setdefault(m.group(1), m.group(2))
                if len(fields) == 4:
                    break
    except OSError:
        pass
    text = '.'.join(fields[k] for k in ('VERSION', 'PATCHLEVEL', 'SUBLEVEL')
                    if fields.get(k))
    return (text + fields.get('EXTRAVERSION', '')) or 'unknown'


def read_json(path, what):
    try:
        with open(path) as src:
            return json.load(src)
    except OSError as err:
        raise UserError('cannot read %s %s: %s' % (what, path, err.strerror))
    except ValueError as err:
        raise UserError('%s %s is not JSON: %s' % (what, path, err))


def check_audit(data, path):
    """data, read from path, as an audit compare() can use."""
    handlers = data.get('handlers') if isinstance(data, dict) else None
    if not isinstance(handlers, list) or not all(
            isinstance(h, dict) and all(isinstance(h.get(k), str)
                                        for k in ('file', 'handler', 'status'))
            for h in handlers):
        raise UserError('%s is not an audit of convert.py audit --json (no "handlers" '
                        'list of file, handler and status)' % path)
    paths = data.get('paths', [])
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise UserError('%s is not an audit of convert.py audit --json ("paths" is not '
                        'a list of folders)' % path)
    return data


def read_verify(path):
    """Build results of `convert.py verify` (docs/audit.md); None, with a
    warning, when the file is not there: the audit then has no build column."""
    if not os.path.exists(path):
        processes.log('audit: no build results in %s (run verify first); '
                  'the audit goes on without them' % path)
        return None
    data = read_json(path, 'build results')
    files = data.get('files') if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise UserError('build results %s have no "files" object' % path)
    details = {os.path.normpath(k): detail(v) for k, v in files.items() if isinstance(v, dict)}
    regions = data.get('regions') if isinstance(data.get('regions'), dict) else None
    return {'overlay': bool(data.get('overlay')),
            'files': {os.path.normpath(k): (v.get('status') if isinstance(v, dict) else v)
                      for k, v in files.items()},
            'details': {k: v for k, v in details.items() if v},
            'configs': [c.get('name') for c in data.get('configs', [])
                        if isinstance(c, dict) and c.get('built')] or None,
            'arches': data.get('arches'),
            'regions': regions}


def detail(result):
    """One line for a file's build: the configurations that compiled it and
    its touched branches compiled, or why none built it (verify.json of
    convert.py verify; older results have neither)."""
    configs, regions = result.get('configs'), result.get('regions')
    if not configs:
        return result.get('reason') or ''
    text = ', '.join(configs)
    if isinstance(regions, dict) and regions.get('total'):
        text += '; branches %d/%d' % (regions.get('covered', 0), regions['total'])
        missing = [r for r in regions.get('list', []) if not r.get('configs')]
        if missing:
            text += ' (%s: %s)' % (missing[0].get('lines'), missing[0].get('reason'))
    return text


def apply_verify(entries, verify):
    for e in entries:
        if statuses.converted(e.family):
            state = verify['files'].get(e.file)
            e.build = state if state in BUILD_STATES else 'not built'
            e.build_detail = verify.get('details', {}).get(e.file) or None


def in_scope(path, paths):
    return not paths or any(p in ('', '.') or path == p or path.startswith(p.rstrip('/') + '/')
                            for p in paths)


def compare(old, new):
    """Handlers that changed status, appeared or disappeared between two
    audits, within the folders both audits cover."""
    def index(audit, other):
        return {(h['file'], h['handler']): h for h in audit.get('handlers', [])
                if in_scope(h['file'], other.get('paths'))}
    before, after = index(old, new), index(new, old)
    changed = [{'file': k[0], 'handler': k[1], 'old': before[k]['status'],
                'new': after[k]['status']}
               for k in sorted(before.keys() & after.keys())
               if before[k]['status'] != after[k]['status']]
    appeared = [{'file': k[0], 'handler': k[1], 'status': after[k]['status']}
                for k in sorted(after.keys() - before.keys())]
    gone = [{'file': k[0], 'handler': k[1], 'status': before[k]['status']}
            for k in sorted(before.keys() - after.keys())]
    return {'old_tree': old.get('tree'), 'changed': changed, 'appeared': appeared,
            'disappeared': gone}


def cocci_digests():
    out = {}
    for path in conv.semantic_patches():
        with open(path, 'rb') as src:
            out[os.path.basename(path)] = hashlib.sha256(src.read()).hexdigest()[:16]
    return out


# --- the whole audit ------------------------------------------------------------

def audit(kdir, paths=(), jobs=2, timeout=120, cache_dir=None, verify=None, target=None):
    """Classify every handler of KDIR (or of PATHs in it); the audit as a
    JSON-ready dict (docs/audit.md)."""
    target = target or tgt.detect(kdir)
    handlers, diffs, errors, nfiles = conv.convert(kdir, paths, jobs=jobs, timeout=timeout,
                                                   cache_dir=cache_dir, target=target)
    maint = maintainers.Maintainers.of_tree(kdir)
    entries = [entry(h) for h in handlers]
    tool = {'toolkit': VERSION, 'spatch': processes.spatch_version(),
            'semantic_patches': cocci_digests(),
            'target': {'name': target.name, 'flags': target.flags, 'why': target.why}}
    overlay = None
    if target.overlay:
        with open(OVERLAY) as src:
            overlay = src.read()
    found = consumers.scan(kdir, paths)
    return assemble(tree_version(kdir), tree.relative_paths(kdir, paths), tool, nfiles,
                    errors, entries, scan(kdir, paths), maint.subsystem, verify,
                    lambda entries, members: consumers.settle(found, entries, members,
                                                              diffs, overlay))


def assemble(version, paths, tool, nfiles, errors, entries, members, subsystem, verify=None,
             settle_consumers=None):
    """The audit dict from its parts; subsystem(path) names a file's subsystem;
    settle_consumers(entries, members) gives the f_op->mmap consumers."""
    unexplained = account(members, entries, errors)
    found = settle_consumers(entries, members) if settle_consumers else []
    for e in entries:
        e.subsystem = subsystem(e.file)
    if verify is not None:
        apply_verify(entries, verify)
    entries.sort(key=lambda e: (e.file, e.line, e.handler))
    return {
        'tree': version,
        'paths': sorted(paths),
        'tool': tool,
        'files_analysed': nfiles,
        'errors': dict(sorted(errors.items())),
        'handlers': [e.to_json() for e in entries],
        'summary': summarize(entries, verify),
        'census': census_summary(members, entries, unexplained),
        'consumers': [c.to_json() for c in found],
    }


def dumps(data):
    """The JSON text: sorted keys, so that reruns give the same bytes."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + '\n'
