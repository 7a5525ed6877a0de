"""Words of a patch series: subject prefixes, commit messages, cover letters.

Pure text functions, testable without git or a kernel tree.  A commit
message is written from what the semantic patch said about each handler of
the file (verdicts.Handler) and from what the diff and the converted source
show: which checks stay, what is set on the desc, which populate call moved
to mmap_complete, what travels in mmap_context and why an abort hook exists.
"""

import collections
import os
import re
import textwrap

from . import branches
from . import comments
from . import csource
from . import statuses

WIDTH = 72

# Subjects that say nothing about the file's usual prefix.
NOT_A_PREFIX = re.compile(r'^(Merge|Revert|treewide|tree-wide|Linux|base)\b', re.I)
# 'misc: foo: fix x' -> 'misc: foo:'; 'KVM: PPC: Book3S HV: fix' -> all three.
# A component is at most three words, so that a sentence with a colon in it
# ('Fix the bug: ...') is not read as a prefix.
PREFIX = re.compile(r'^((?:[\w.,/+&-]+(?: [\w.,/+&-]+){0,2}: )+)')

POPULATE_CALLS = ('remap_pfn_range_complete', 'io_remap_pfn_range_complete',
                  'remap_pfn_range', 'io_remap_pfn_range', 'vm_iomap_memory',
                  'vm_insert_pages', 'vm_insert_page', 'vm_map_pages_zero', 'vm_map_pages',
                  'remap_vmalloc_range_partial', 'remap_vmalloc_range',
                  'vmf_insert_pfn_prot', 'vmf_insert_pfn', 'vmf_insert_mixed')
HOOK = re.compile(r'^\+\s*\.(?:proc_)?(mmap_prepare|mmap_complete|mmap_abort)\s*=\s*(\w+)', re.M)
OLD_HOOK = re.compile(r'^-\s*\.(?:proc_)?mmap\s*=\s*(\w+)', re.M)


def wrap(text, indent=''):
    return textwrap.fill(' '.join(text.split()), WIDTH, initial_indent=indent,
                         subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False)


def join_words(items):
    items = list(items)
    if len(items) <= 1:
        return ''.join(items)
    return ', '.join(items[:-1]) + ' and ' + items[-1]


# --- subject prefixes -----------------------------------------------------

def prefix_of(subject):
    if NOT_A_PREFIX.match(subject):
        return None
    m = PREFIX.match(subject)
    return m.group(1).strip() if m else None


def prefix_from_history(subjects):
    """The most common prefix of a file's recent subjects (newest first);
    a tie goes to the most recent."""
    found = [p for p in map(prefix_of, subjects) if p]
    if not found:
        return None
    counts = collections.Counter(found)
    best = max(counts.values())
    return next(p for p in found if counts[p] == best)


# Sections whose subsystems write their prefix in capitals or their own way.
SECTION_PREFIX = [
    (re.compile(r'^KERNEL VIRTUAL MACHINE'), 'KVM:'),
    (re.compile(r'^SOUND - SOC|^ASOC'), 'ASoC:'),
    (re.compile(r'^SOUND'), 'ALSA:'),
    (re.compile(r'^DRM DRIVER'), 'drm:'),
    (re.compile(r'^USB'), 'usb:'),
    (re.compile(r'^ACPI'), 'ACPI:'),
]
ARCH_KVM = {'powerpc': 'KVM: PPC:', 'x86': 'KVM: x86:', 'arm64': 'KVM: arm64:',
            's390': 'KVM: s390:', 'riscv': 'RISC-V: KVM:', 'mips': 'KVM: MIPS:',
            'loongarch': 'LoongArch: KVM:'}


# drivers/hsi/clients/cmt_speech.c is 'cmt_speech', not 'clients'
GROUPING_DIRS = ('core', 'common', 'clients', 'host', 'lib', 'misc', 'platform')


def stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def prefix_from_path(path, sections=(), exists=lambda p: False):
    """The prefix kernel developers would write for a file with no history:
    'misc: foo:', 'ext2:', 'fs/9p:', 'x86/sgx:', 'mm/shmem:', 'ALSA: core:'.
    sections: the file's MAINTAINERS sections, most specific first;
    exists(path): whether a folder exists in the tree."""
    parts = path.split('/')
    top, dirs = parts[0], parts[1:-1]
    name = stem(path)
    section = next((s for s in sections if s != 'THE REST'), '')
    if top == 'sound':
        for pattern, word in SECTION_PREFIX:
            if pattern.match(section.upper()):
                break
        else:
            word = 'ASoC:' if dirs[:1] == ['soc'] else 'ALSA:'
        return '%s %s:' % (word, dirs[0] if dirs else name)
    if top == 'virt' and dirs[:1] == ['kvm'] or (top == 'arch' and 'kvm' in dirs):
        return ARCH_KVM.get(dirs[0], 'KVM:') if top == 'arch' else 'KVM:'
    if top == 'arch':
        # arch/x86/kernel/cpu/sgx/virt.c -> x86/sgx
        return '%s/%s:' % (dirs[0], dirs[-1] if len(dirs) > 1 else name)
    if top == 'fs':
        if not dirs:
            # fs/aio.c has its own section (AIO), fs/read_write.c is the VFS
            own = any(name.upper() in s.upper().split() for s in sections)
            return '%s:' % name if own else 'fs:'
        # fs/9p beside net/9p is written fs/9p; most filesystems go by name
        return 'fs/%s:' % dirs[0] if exists('net/' + dirs[0]) else '%s:' % dirs[0]
    if top == 'mm':
        return 'mm/%s:' % (dirs[0] if dirs else name)
    if top in ('kernel', 'security', 'block', 'ipc', 'lib', 'init'):
        if top == 'security' and dirs:
            return '%s:' % dirs[0]
        if top == 'kernel':
            return '%s:' % (dirs[0] if dirs else name)
        if top == 'lib':
            # lib/test_hmm.c is written lib/test_hmm
            return 'lib/%s:' % (dirs[0] if dirs else name)
        return '%s:' % top
    if top == 'net':
        return 'net: %s:' % (dirs[0] if dirs else name)
    if top == 'drivers' and dirs:
        for pattern, word in SECTION_PREFIX:
            if pattern.match(section.upper()):
                return '%s %s:' % (word, name) if word != 'drm:' else \
                    'drm/%s:' % (dirs[-1] if len(dirs) > 1 else name)
        sub = dirs[0]
        # drivers/vdpa/vdpa_user/iova_domain.c -> vdpa: vdpa_user:
        driver = dirs[1] if len(dirs) > 1 and dirs[1] not in GROUPING_DIRS else name
        if driver == sub:
            return '%s:' % sub
        return '%s: %s:' % (sub, driver)
    return '%s: %s:' % (top, name) if dirs or top != name else '%s:' % name


# --- what a diff does -------------------------------------------------------

def hooks_added(diff):
    """{'mmap_prepare': [names], 'mmap_complete': [...], 'mmap_abort': [...]}"""
    hooks = collections.defaultdict(list)
    for kind, name in HOOK.findall(diff):
        if name not in hooks[kind]:
            hooks[kind].append(name)
    return hooks


def subject_summary(diff):
    hooks = hooks_added(diff)
    if hooks.get('mmap_abort'):
        return 'convert mmap to mmap_prepare, mmap_complete and mmap_abort'
    if hooks.get('mmap_complete'):
        return 'convert mmap to mmap_prepare and mmap_complete'
    return 'convert mmap to mmap_prepare'


FOPS = re.compile(r'\bstruct\s+(?:file_operations|proc_ops)\s+(\w+)')


def handlers_from_diff(path, diff, make_handler):
    """Statuses read from the diff alone, for --patch without a report: each
    removed .mmap = X becomes one handler; generic_file_* is 'generic', a
    new .mmap_abort 'abort', a new .mmap_complete 'complete', an
    mmap_action in the one handler of a file 'action'.  The
    initializer is the last struct file_operations (or proc_ops) named
    above the line, in a hunk header or a line of the diff."""
    hooks = hooks_added(diff)
    found = collections.OrderedDict()
    fops = None
    for line in diff.splitlines():
        m = FOPS.search(line)
        if m:
            fops = m.group(1)
        m = OLD_HOOK.match(line)
        if m:
            found.setdefault(m.group(1), [])
            if fops and fops not in found[m.group(1)]:
                found[m.group(1)].append(fops)
    out = []
    for old, names in found.items():
        if old.startswith('generic_file_'):
            status = statuses.GENERIC
        elif any(n.startswith(old) for n in hooks.get('mmap_abort', [])):
            status = statuses.ABORT
        elif any(n.startswith(old) for n in hooks.get('mmap_complete', [])):
            status = statuses.COMPLETE
        elif re.search(r'^\+\s*mmap_action_\w+\(', diff, re.M) and len(found) == 1:
            status = statuses.ACTION
        else:
            status = statuses.PREPARE
        h = make_handler(path, old, status)
        h.fops = names
        out.append(h)
    return out


def function_body(source, name):
    """The body of the definition of name in C source, or ''."""
    d = csource.definition(source, name)
    return d.body if d else ''


def prepare_body(source, name):
    """The Body of the definition of name in C source, a prepare hook,
    read with the name its header gives the desc."""
    d = csource.definition(source, name)
    m = d and comments.DESC_PARAM.search(d.params)
    return Body(d.body if d else '', m.group(1) if m else 'desc')


def strip_parens(expr):
    expr = ' '.join(expr.split())
    while expr.startswith('(') and expr.endswith(')') and expr.count('(') == 1:
        expr = expr[1:-1]
    return expr


class Body:
    """What a converted prepare (or complete, abort) function does; desc:
    the name of its struct vm_area_desc *."""

    def __init__(self, text, desc='desc'):
        self.text, self.desc = text, desc
        d = re.escape(desc)
        self.errors = list(dict.fromkeys(re.findall(r'\breturn\s+(-E[A-Z0-9]+)', text)))
        self.errors += [e for e in dict.fromkeys(re.findall(r'=\s*(-E[A-Z0-9]+)\s*;', text))
                        if e not in self.errors]
        self.set_flags = [strip_parens(f) for f in
                          re.findall(r'\b%s->vm_flags\s*\|=\s*([^;]+);' % d, text)]
        self.clear_flags = [strip_parens(f) for f in
                            re.findall(r'\b%s->vm_flags\s*&=\s*~\s*([^;]+);' % d, text)]
        # mainline: vma_desc_set_flags(desc, VMA_A_BIT, ...), read as VM_A | ...
        for call, out in (('set', self.set_flags), ('clear', self.clear_flags)):
            for bits in re.findall(r'\bvma_desc_%s_flags\s*\(\s*%s\s*,([^;]*)\)\s*;'
                                   % (call, d), text):
                out.append(' | '.join('VM_' + b for b in
                                      re.findall(r'\bVMA_(\w+)_BIT\b', bits)))
        self.actions = list(dict.fromkeys(re.findall(r'\b(mmap_action_\w+)\s*\(', text)))
        m = re.search(r'\b%s->action\.error_override\s*=\s*(-E[A-Z0-9]+)' % d, text)
        self.error_override = m.group(1) if m else None
        self.fields = {}
        for field, value in re.findall(r'\b%s->(vm_ops|private_data|page_prot|pgoff|'
                                       r'vm_file|mmap_context)\s*=(?!=)\s*([^;]+);' % d, text):
            self.fields.setdefault(field, strip_parens(value))
        self.prepare_helpers = list(dict.fromkeys(
            re.findall(r'\b(\w+_prepare)\s*\(\s*%s\b' % d, text)))
        if self.error_override:
            self.errors = [e for e in self.errors if e != self.error_override] or []
        self.calls = list(dict.fromkeys(re.findall(r'\b(\w+)\s*\(', text)))

    def populates(self):
        return [c for c in self.calls if c in POPULATE_CALLS]

    def configuration(self):
        """What prepare sets on the desc, in words."""
        out = []
        if self.set_flags:
            out.append('sets %s' % ' | '.join(self.set_flags))
        if self.clear_flags:
            out.append('clears %s' % ' | '.join(self.clear_flags))
        if 'vm_ops' in self.fields:
            out.append('installs %s' % self.fields['vm_ops'].lstrip('&'))
        if 'private_data' in self.fields:
            out.append('clears the private data' if self.fields['private_data'] == 'NULL'
                       else 'sets the private data')
        if 'page_prot' in self.fields:
            m = re.match(r'(pgprot_\w+)', self.fields['page_prot'])
            out.append('makes the mapping %s' % m.group(1)[len('pgprot_'):]
                       if m else 'sets the page protection')
        if 'pgoff' in self.fields:
            out.append('adjusts the page offset')
        if 'vm_file' in self.fields:
            out.append('replaces the mapped file')
        for helper in self.prepare_helpers:
            if helper.startswith('generic_file_'):
                out.append('calls %s()' % helper)
        return out


def checks_words(errors):
    if not errors:
        return ''
    return 'its checks (%s)' % ', '.join(errors)


# --- the commit message ----------------------------------------------------

WHY = ('f_op->mmap is deprecated: it is called with a VMA that is already '
       'half set up, and lets the driver change that VMA behind the back of '
       'the mm core, which must then cope with whatever it finds.  Its '
       'replacement, f_op->mmap_prepare, is called before the VMA exists and '
       'describes the mapping on a struct vm_area_desc, from which the core '
       'then builds the VMA in one go.')
WHY_COMPLETE = ('Page tables are populated in f_op->mmap_complete instead, '
                'which runs once the VMA is fully set up and must not modify '
                'it.')


def describe_prepare(handlers, bodies):
    """One paragraph for handlers that moved to prepare alike."""
    body = bodies[0]
    what = body.configuration()
    if len(handlers) == 1:
        h = handlers[0]
        text = ('%s() only checks the request and configures the mapping, so all '
                'of it becomes %s_prepare()' % (h.handler, h.handler))
        its, it = 'its', 'it'
    else:
        text = ('%s only check the request and configure the mapping, so each '
                'becomes its _prepare() twin' % join_words('%s()' % h.handler
                                                            for h in handlers))
        its, it = 'their', 'each'
        what = ['installs its vm_ops' if w.startswith('installs') else w for w in what]
    details = []
    if body.errors:
        details.append('%s checks (%s) run as before' % (its, ', '.join(body.errors)))
    if what:
        details.append('%s %s on the desc instead of the VMA' % (it, join_words(what)))
    if details:
        text += ': ' + '; '.join(details)
    return text + '.'


def prepare_shape(body):
    """Bodies that read the same in a commit message, whatever their names."""
    return (tuple(body.errors), tuple(body.set_flags), tuple(body.clear_flags),
            tuple(w for w in body.configuration() if not w.startswith('installs')),
            'vm_ops' in body.fields)


def describe_generic(handlers):
    fops = sorted({f for h in handlers for f in h.fops})
    olds = sorted({h.handler for h in handlers})
    return ('%s %s %s(), which becomes %s: it installs the same vm_ops on the '
            'desc that the old helper installed on the VMA.' % (
                join_words(fops) or 'The file operations', 'uses' if len(fops) == 1 else 'use',
                '() and '.join(olds), join_words('%s_prepare()' % o for o in olds)))


WHY_ACTION = ('Page tables are populated by the mm core itself: mmap_prepare '
              'records the population in desc->action, and the core performs '
              'it once the VMA is fully set up.')


def describe_action(h, prepare, body, primitives):
    """A mainline conversion whose populate call became an mmap_action."""
    legacy = [p for p in primitives if not p.startswith('dma_')] or ['its populate call']
    text = ('%s() populates page tables with %s, which needs the VMA.  %s() keeps'
            % (h.handler, join_words('%s()' % p for p in legacy), prepare))
    keeps = []
    if body.errors:
        keeps.append(checks_words(body.errors))
    if body.configuration():
        keeps.append('the configuration of the mapping')
    text += ' %s and' % join_words(keeps) if keeps else ''
    text += ' records the population as %s(), with the same arguments' % (
        join_words(body.actions) or 'an mmap_action')
    text += ('; a failure still returns %s, through desc->action.error_override.'
             % body.error_override if body.error_override else '.')
    return text


def describe_split(h, names, prepare_body, complete_body, abort_body, primitives):
    prims = primitives or complete_body.populates() or ['its populate call']
    legacy = [p[:-len('_complete')] if p.endswith('_complete') else p for p in prims]
    text = ('%s() populates page tables with %s, which needs the VMA, so it is '
            'split in two.' % (h.handler, join_words('%s()' % p for p in legacy)))
    keeps = []
    if prepare_body.errors:
        keeps.append(checks_words(prepare_body.errors))
    if prepare_body.configuration():
        keeps.append('the configuration of the mapping')
    prep = '%s()' % names['mmap_prepare']
    if keeps:
        prep += ' keeps ' + join_words(keeps)
    helpers = [x for x in prepare_body.prepare_helpers if not x.startswith('generic_')]
    if helpers:
        prep += ('%s calls %s, which %s the flags the remap needs on the desc' % (
            ' and' if keeps else '', join_words('%s()' % x for x in helpers),
            'sets' if len(helpers) == 1 else 'set'))
    elif prepare_body.set_flags:
        prep += ', including %s, which the populate call needs' % ' | '.join(
            prepare_body.set_flags)
    text += ' ' + prep + '.'
    comp = complete_body.populates() or prims
    text += (' %s() then calls %s on the finished VMA and changes nothing else '
             'in it.' % (names['mmap_complete'], join_words('%s()' % c for c in comp)))
    if 'mmap_context' in prepare_body.fields:
        text += (' desc->mmap_context carries to complete what it needs and cannot '
                 'recompute from the file and the VMA: %s.' %
                 prepare_body.fields['mmap_context'])
    if names.get('mmap_abort'):
        released = [c for c in abort_body.calls if c not in ('if', 'while', 'for', 'sizeof')]
        text += (' %s() gives back what prepare took%s if the mapping fails '
                 'between prepare and complete: mmap_abort is not called when '
                 'prepare itself fails, and vm_ops->close is never called for a '
                 'mapping that was not established.' % (
                     names['mmap_abort'],
                     ' (%s)' % join_words('%s()' % c for c in released) if released else ''))
    return text


def commit_message(subject, path, handlers, diff, source, cocci, signoff, others=()):
    """The full commit message: subject, blank line, body, Signed-off-by.
    source: the converted file; others: handlers of the same file left alone."""
    hooks = hooks_added(diff)
    paragraphs = [WHY]
    if hooks.get('mmap_complete'):
        paragraphs.append(WHY_COMPLETE)
    if any(h.status == statuses.ACTION for h in handlers):
        paragraphs.append(WHY_ACTION)
    generic = [h for h in handlers if h.status == statuses.GENERIC]
    split = False
    alike = collections.OrderedDict()
    for h in handlers:
        if h.status == statuses.GENERIC:
            continue
        condition = branches.condition_of(h.reason)
        if condition:
            paragraphs.append('The whole body of %s() is one %s with an #else, two handlers '
                              'in one definition: it is written as one definition per branch, '
                              'under the same preprocessor lines, and each is converted on its '
                              'own.' % (h.handler, condition))
        names = {kind: next((n for n in hooks.get(kind, []) if n.startswith(h.handler)),
                            None) for kind in ('mmap_prepare', 'mmap_complete', 'mmap_abort')}
        prepare = names['mmap_prepare'] or h.handler + '_prepare'
        pbody = prepare_body(source, prepare)
        if h.status == statuses.ACTION:
            split = True
            paragraphs.append(describe_action(h, prepare, pbody,
                                              list(getattr(h, 'primitives', []) or [])))
        elif names['mmap_complete']:
            split = True
            paragraphs.append(describe_split(
                h, dict(names, mmap_prepare=prepare), pbody,
                Body(function_body(source, names['mmap_complete'])),
                Body(function_body(source, names['mmap_abort']) if names['mmap_abort'] else ''),
                list(getattr(h, 'primitives', []) or [])))
        else:
            shape = prepare_shape(pbody)
            if shape not in alike:
                alike[shape] = ([], [])
                paragraphs.append(shape)
            alike[shape][0].append(h)
            alike[shape][1].append(pbody)
    paragraphs = [describe_prepare(*alike[p]) if isinstance(p, tuple) else p
                  for p in paragraphs]
    if generic:
        paragraphs.append(describe_generic(generic))
    for h in others:
        paragraphs.append('%s() in the same file is left as it is (%s): %s' % (
            h.handler, h.status, h.reason.rstrip('.') + '.'))
    paragraphs.append('The order of the checks and of the configuration is unchanged.'
                      if split else 'No functional change intended.')
    paragraphs.append('Generated with the semantic patch%s %s of mmap-convert.' % (
        'es' if len(cocci) > 1 else '', join_words(cocci)))
    body = '\n\n'.join(wrap(p) for p in paragraphs)
    return '%s\n\n%s\n\nSigned-off-by: %s\n' % (subject, body, signoff)
