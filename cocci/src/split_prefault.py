# SPDX-License-Identifier: GPL-2.0-only
# The text side of split_prefault.cocci: from the source of an f_op->mmap
# handler that populates page tables, write mmap_prepare and mmap_complete
# (and mmap_abort).  scripts/gen_cocci.py embeds this file into
# cocci/split_prefault.cocci, so that the semantic patch stays one
# self-contained file for make coccicheck; tests/unit imports it directly.
# Inside the .cocci, spatch strips C++-style comments even from Python code,
# so this file never uses a double slash (integer division is divmod()).
# The C lexer of spatch also reads this code: an apostrophe in a comment
# pairs with the next single quote and can hide the end of the block. If
# make check-fixtures reports a parse error of split_prefault.cocci after an
# edit here, look at the quotes of that edit first.

import re

# API.md, "Legacy populate calls".
REMAPS = {'remap_pfn_range', 'io_remap_pfn_range'}
MIXEDMAP_CALLS = {'vm_insert_page', 'vm_insert_pages', 'vm_map_pages',
                  'vm_map_pages_zero'}
VMALLOC_CALLS = {'remap_vmalloc_range', 'remap_vmalloc_range_partial'}
FAULT_CALLS = {'vmf_insert_pfn': 'VM_PFNMAP', 'vmf_insert_pfn_prot': 'VM_PFNMAP',
               'vmf_insert_mixed': 'VM_MIXEDMAP'}
SPLIT_POPULATE = REMAPS | MIXEDMAP_CALLS | VMALLOC_CALLS | set(FAULT_CALLS)

# Calls that only compute a value from their arguments: a local set from
# them may be computed again in complete.
PURE_CALLS = {
    '__pa', 'virt_to_phys', 'virt_to_pfn', 'PHYS_PFN', 'PFN_DOWN', 'PFN_UP',
    'PFN_PHYS', 'page_to_pfn', 'pfn_to_page', 'virt_to_page', 'page_to_phys',
    'vmalloc_to_page', 'vmalloc_to_pfn', 'page_address', 'pde_data',
    'file_inode', 'iminor', 'imajor', 'PAGE_ALIGN', 'ALIGN', 'min', 'max',
    'min_t', 'max_t', 'sizeof', 'offset_in_page', 'container_of',
    'dev_get_drvdata', 'platform_get_drvdata', 'to_platform_device',
    'pgprot_noncached', 'pgprot_writecombine', 'pgprot_device',
    'pgprot_decrypted', 'pgprot_val', 'BIT', 'GENMASK', 'lower_32_bits',
    'upper_32_bits', 'ARRAY_SIZE', 'pfn_valid', 'is_vmalloc_addr', 'vma_pages',
}

# Lock calls whose lock is still held when they return; the unlock that
# releases the same lock expression.
LOCKS = {
    'mutex_lock': 'mutex_unlock', 'mutex_lock_interruptible': 'mutex_unlock',
    'mutex_lock_killable': 'mutex_unlock', 'spin_lock': 'spin_unlock',
    'spin_lock_irq': 'spin_unlock_irq', 'spin_lock_irqsave': 'spin_unlock_irqrestore',
    'spin_lock_bh': 'spin_unlock_bh', 'down_read': 'up_read',
    'down_write': 'up_write', 'down_read_interruptible': 'up_read',
    'down_write_killable': 'up_write', 'down_interruptible': 'up', 'down': 'up',
    'read_lock': 'read_unlock', 'write_lock': 'write_unlock',
    'raw_spin_lock': 'raw_spin_unlock', 'raw_spin_lock_irqsave': 'raw_spin_unlock_irqrestore',
    'rcu_read_lock': 'rcu_read_unlock', 'srcu_read_lock': 'srcu_read_unlock',
}
SCOPED_LOCKS = {'guard', 'scoped_guard', 'scoped_cond_guard'}

# Types a value may have to travel as the mmap_context pointer itself.
POINTER_SIZED = {
    'unsigned long', 'long', 'int', 'unsigned int', 'unsigned', 'pgoff_t',
    'size_t', 'ssize_t', 'bool', 'u32', 's32', 'u16', 's16', 'u8', 's8',
    'unsigned short', 'short', 'char', 'unsigned char',
}

# VMA fields a desc mirrors (CONVERSION.md section 2).
DESC_FIELD = {
    'vm_start': 'start', 'vm_end': 'end', 'vm_pgoff': 'pgoff',
    'vm_flags': 'vm_flags', 'vm_page_prot': 'page_prot', 'vm_ops': 'vm_ops',
    'vm_private_data': 'private_data', 'vm_file': 'vm_file', 'vm_mm': 'mm',
}
VMA_WRITERS = {'vm_flags_set', 'vm_flags_clear', 'vm_flags_mod', 'vm_flags_init',
               'vm_flags_reset'}
ASSIGN_OPS = {'=', '+=', '-=', '|=', '&=', '^=', '<<=', '>>=', '*=', '/=', '%='}
TYPE_WORDS = {
    'struct', 'union', 'enum', 'const', 'volatile', 'unsigned', 'signed', 'int',
    'long', 'short', 'char', 'void', 'bool', 'static', 'register',
}
KEYWORDS = {'if', 'else', 'for', 'while', 'do', 'switch', 'return', 'goto',
            'case', 'default', 'break', 'continue', 'sizeof', 'typeof'}


# the lexer of spatch counts the braces of embedded Python too: keep them
# balanced
OPEN_BRACE = chr(123)


class Blocked(Exception):
    """The handler cannot be split mechanically: (code, reason)."""

    def __init__(self, code, reason):
        Exception.__init__(self, reason)
        self.code, self.reason = code, reason


# ---------------------------------------------------------------------------
# Tokens and statements
# ---------------------------------------------------------------------------

TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<comment>/\*.*?\*/|/[/].*?$)
  | (?P<pp>^[ \t]*\#(?:\\\n|.)*?$)
  | (?P<str>"(?:\\.|[^"\\\n])*")
  | (?P<chr>'(?:\\.|[^'\\\n])*')
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<num>\.?\d(?:[\w.]|[eEpP][+-])*)
  | (?P<punct><<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^!=<>]=|\.\.\.|[^\s\w])
''', re.S | re.M | re.X)


class Tok:
    __slots__ = ('kind', 'text', 'start', 'end')

    def __init__(self, kind, text, start, end):
        self.kind, self.text, self.start, self.end = kind, text, start, end

    def __repr__(self):
        return self.text


def tokenize(text, start, end):
    """Tokens of text[start:end], comments and whitespace left out."""
    toks = []
    pos = start
    while pos < end:
        m = TOKEN.match(text, pos)
        if not m:
            raise Blocked('blocked:order', 'cannot read the source at offset %d' % pos)
        kind = m.lastgroup
        if kind == 'pp':
            raise Blocked('blocked:order', 'the handler has preprocessor lines (line %d) '
                          'in its body; split it by hand'
                          % (text.count('\n', 0, m.start()) + 1))
        if kind not in ('ws', 'comment'):
            toks.append(Tok(kind, m.group(), m.start(), m.end()))
        pos = m.end()
    return toks


def match_close(toks, i):
    """Index of the bracket closing toks[i]."""
    pairs = {'(': ')', '[': ']', '{': '}'}
    depth = 0
    for j in range(i, len(toks)):
        t = toks[j].text
        if t in pairs:
            depth += 1
        elif t in (')', ']', '}'):
            depth -= 1
            if depth == 0:
                return j
    raise Blocked('blocked:order', 'unbalanced brackets in the handler')


def statement_end(toks, i):
    """Index just past the statement starting at toks[i]."""
    t = toks[i].text
    if toks[i].kind == 'ident' and i + 1 < len(toks) and toks[i + 1].text == ':' \
       and t not in KEYWORDS:
        return i + 2                                    # a label
    if t == '{':
        return match_close(toks, i) + 1
    if t in ('if', 'while', 'for', 'switch'):
        j = match_close(toks, i + 1) + 1
        j = statement_end(toks, j)
        if t == 'if' and j < len(toks) and toks[j].text == 'else':
            j = statement_end(toks, j + 1)
        return j
    if t == 'do':
        j = statement_end(toks, i + 1)                  # body, then while (...);
        j = match_close(toks, j + 1) + 1
        return j + 1
    j = i
    while j < len(toks):
        if toks[j].text in ('(', '[', '{'):
            j = match_close(toks, j) + 1
            continue
        if toks[j].text == ';':
            return j + 1
        j += 1
    raise Blocked('blocked:order', 'a statement of the handler has no end')


class Stmt:
    """One top-level statement of the body: tokens [i, j)."""

    def __init__(self, toks, i, j):
        self.toks = toks[i:j]
        self.start, self.end = toks[i].start, toks[j - 1].end
        self.decl = None                # [Declarator] for a declaration
        self.label = self.toks[0].text if len(self.toks) == 2 and \
            self.toks[1].text == ':' else None

    @property
    def words(self):
        return [t.text for t in self.toks]


class Declarator:
    def __init__(self, name, type_text, stars, suffix, init):
        self.name, self.type_text, self.stars = name, type_text, stars
        self.suffix, self.init = suffix, init      # init: list of Tok or None

    def text(self, with_init=True, init_text=None):
        s = '%s %s%s%s' % (self.type_text, self.stars, self.name, self.suffix)
        if init_text is not None:
            return s + ' = ' + init_text
        if with_init and self.init is not None:
            return s + ' = ' + self.init_text
        return s


def parse_declaration(text, toks):
    """[Declarator] when toks is a declaration statement, else None."""
    if len(toks) < 3 or toks[0].kind != 'ident' or toks[0].text in KEYWORDS:
        return None
    # Type: words up to the first declarator; a declaration has two
    # identifiers in a row (with stars between) before '=', ',', ';' or '['.
    i = 0
    words = []
    while i < len(toks) and (toks[i].kind == 'ident' or toks[i].text == '*'):
        words.append(toks[i])
        i += 1
    if i >= len(toks) or toks[i].text not in ('=', ',', ';', '['):
        return None
    idents = [t for t in words if t.kind == 'ident']
    if len(idents) < 2 and not (len(idents) == 1 and words[0].text in TYPE_WORDS):
        return None
    if idents[0].text not in TYPE_WORDS and len(idents) < 2:
        return None
    # the type ends before the stars of the first declarator
    k = len(words) - 1                  # words[k] is the first declarator name
    first = k
    while first > 0 and words[first - 1].text == '*':
        first -= 1
    type_text = ' '.join(t.text for t in words[:first])
    decls = []
    j = first
    while j < len(toks):
        stars = ''
        while toks[j].text == '*':
            stars += '*'
            j += 1
        if toks[j].kind != 'ident':
            return None
        name = toks[j].text
        j += 1
        suffix = ''
        while toks[j].text == '[':
            c = match_close(toks, j)
            suffix += text[toks[j].start:toks[c].end]
            j = c + 1
        init = None
        if toks[j].text == '=':
            k2 = j + 1
            while toks[k2].text not in (',', ';'):
                if toks[k2].text in ('(', '[', '{'):
                    k2 = match_close(toks, k2)
                k2 += 1
            init = toks[j + 1:k2]
            j = k2
        d = Declarator(name, type_text, stars, suffix, init)
        d.init_text = text[init[0].start:init[-1].end] if init else None
        decls.append(d)
        if toks[j].text == ';':
            return decls
        j += 1                          # ','
    return None


def find_function(text, name, line):
    """(start of the header line, offset of the name, '{' and '}' offsets of
    the body) of the definition of name whose name is on line (1-based)."""
    offset = 0
    for _ in range(line - 1):
        offset = text.index('\n', offset) + 1
    m = re.compile(r'\b%s\s*\(' % re.escape(name)).search(text, offset)
    if not m:
        raise Blocked('blocked:order', 'cannot find the definition of %s' % name)
    depth = 0
    brace = None
    for tm in TOKEN.finditer(text, m.end() - 1):
        kind, word = tm.lastgroup, tm.group()
        if kind != 'punct':
            continue
        if brace is None:
            if word == '{' and depth == 0:
                brace = tm.start()
                depth = 1
            elif word == '(':
                depth += 1
            elif word == ')':
                depth -= 1
            continue
        if word == '{':
            depth += 1
        elif word == '}':
            depth -= 1
            if depth == 0:
                head = text.rfind('\n', 0, m.start()) + 1
                # a header written over two lines: 'static int\nfoo_mmap(...)'
                if not text[head:m.start()].strip():
                    head = text.rfind('\n', 0, head - 1) + 1
                return head, m.start(), brace, tm.start()
    raise Blocked('blocked:order', 'cannot find the end of %s' % name)


def column(text, offset):
    """Visual column of offset, tabs at 8."""
    line = text[text.rfind('\n', 0, offset) + 1:offset]
    col = 0
    for c in line:
        col = col + 8 - col % 8 if c == '\t' else col + 1
    return col


def indent_to(col):
    tabs, spaces = divmod(col, 8)
    return '\t' * tabs + ' ' * spaces


class Edits:
    """Replacements of spans of the original text."""

    def __init__(self, text):
        self.text = text
        self.spans = []

    def replace(self, start, end, new):
        self.spans.append((start, end, new))

    def render(self, start, end):
        out, pos = [], start
        for (s, e, new) in sorted(x for x in self.spans if x[0] >= start and x[1] <= end):
            if s < pos:
                continue
            out.append(self.text[pos:s])
            out.append(new)
            pos = e
        out.append(self.text[pos:end])
        return ''.join(out)


def normalized(text, toks):
    """Source text of toks on one line, single spaces kept as written."""
    return ' '.join(text[toks[0].start:toks[-1].end].split())


def wrap_flags(flags, col, op):
    """'desc->vm_flags OP FLAGS;' wrapped at 80 columns like kernel code."""
    lead = 'desc->vm_flags ' + op + ' '
    opening, closing = '', ''
    if op == '&=':
        simple = re.match(r'^\w+$', flags)
        opening, closing = ('~', '') if simple else ('~(', ')')
    align = col + len(lead + opening)
    lines, line = [], ''
    parts = flags.split(' | ')
    for i, part in enumerate(parts):
        cand = part if not line else line + ' | ' + part
        tail = 2 if i < len(parts) - 1 else len(closing) + 1
        if line and align + len(cand) + tail > 80:
            lines.append(line + ' |')
            line = part
        else:
            line = cand
    lines.append(line)
    return lead + opening + ('\n' + indent_to(align)).join(lines) + closing + ';'


def wrap_assignment(var, expr, col):
    """'var = expr;', the expression continued on an aligned line when the
    whole passes 80 columns."""
    line = '%s = %s;' % (var, expr)
    if col + len(line) <= 80 or ' ' not in expr:
        return line
    align = col + len(var) + 3
    cut = expr.rfind(' ', 0, 80 - align)
    if cut <= 0:
        return line
    return '%s = %s\n%s%s;' % (var, expr[:cut], indent_to(align), expr[cut + 1:])


def wrap_call(name, args, col, suffix=';', reserve=0):
    """'name(args...)suffix' starting at col, wrapped at 80 columns with the
    continuation lines aligned to the opening parenthesis; reserve: what
    follows on the last line."""
    align = col + len(name) + 1
    lines, line = [], ''
    for i, arg in enumerate(args):
        last = i == len(args) - 1
        piece = arg + ('' if last else ',')
        end = len(suffix) + 1 + reserve if last else 0
        cand = piece if not line else line + ' ' + piece
        if line and align + len(cand) + end > 80:
            lines.append(line)
            line = piece
        else:
            line = cand
    lines.append(line)
    return name + '(' + ('\n' + indent_to(align)).join(lines) + ')' + suffix


def call_args(toks, i):
    """[(first, last) token index of each argument] of the call at toks[i]."""
    open_ = i + 1
    close = match_close(toks, open_)
    args, start, j = [], open_ + 1, open_ + 1
    while j < close:
        if toks[j].text in ('(', '[', '{'):
            j = match_close(toks, j) + 1
            continue
        if toks[j].text == ',':
            args.append((start, j - 1))
            start = j + 1
        j += 1
    if start < close:
        args.append((start, close - 1))
    return args, close


# ---------------------------------------------------------------------------
# The split
# ---------------------------------------------------------------------------

class Split:
    """What split_handler() writes for one definition."""

    def __init__(self):
        self.body = None          # text replacing the body statements
        self.context_struct = None    # 'NAME_context {...}' or None
        self.abort = False
        self.primitives = []
        self.carried = []         # names travelling in mmap_context
        self.reason = ''
        self.remove = set()       # (line, column) of the statements to remove


def is_pure(toks, i, j, ok_ident):
    """Do toks[i:j] compute a value without side effects, reading only
    what ok_ident(index) accepts?"""
    k = i
    while k < j:
        t = toks[k]
        if t.text in ('=', '++', '--') or t.text in ASSIGN_OPS:
            return False
        if t.kind == 'ident':
            member = k > 0 and toks[k - 1].text in ('->', '.')
            call = k + 1 < j and toks[k + 1].text == '('
            if call and not member:
                if t.text not in PURE_CALLS and not re.match(r'^[A-Z][A-Z0-9_]*$', t.text):
                    return False
            elif not member and not ok_ident(k):
                return False
        k += 1
    return True


def split_handler(text, name, line, vma, filep, kind='mmap'):
    """Split the definition of handler name (its name on line) into
    mmap_prepare + mmap_complete.  Returns a Split, raises Blocked."""
    head, name_at, lbrace, rbrace = find_function(text, name, line)
    toks = tokenize(text, lbrace + 1, rbrace)
    if not toks:
        raise Blocked('blocked:order', '%s has an empty body' % name)
    for suffix in ('_prepare', '_complete', '_abort', '_context'):
        if re.search(r'\b%s%s\b' % (re.escape(name), suffix), text):
            raise Blocked('blocked:order', '%s%s already exists in this file; rename '
                          'it, then rerun' % (name, suffix))
    def line_of(tok):
        return text.count('\n', 0, tok.start) + 1

    proto = re.search(r'^[^\n;{}()]*\b%s\s*\([^;{}]*\)\s*;' % re.escape(name), text, re.M)
    if proto:
        # three prototypes cannot take the place of one in spatch
        raise Blocked('blocked:order', '%s has a forward declaration (line %d); move the '
                      'definition above its first use, then rerun'
                      % (name, text.count('\n', 0, proto.start()) + 1))
    stmts = []
    i = 0
    while i < len(toks):
        j = statement_end(toks, i)
        st = Stmt(toks, i, j)
        st.decl = parse_declaration(text, st.toks)
        stmts.append(st)
        i = j

    def calls_in(st, names):
        return [k for k, t in enumerate(st.toks)
                if t.text in names and k + 2 < len(st.toks) and st.toks[k + 1].text == '('
                and st.toks[k + 2].text == vma and (k == 0 or st.toks[k - 1].text not in ('->', '.'))]

    split_at = next((n for n, st in enumerate(stmts)
                     if calls_in(st, SPLIT_POPULATE)), None)
    if split_at is None:
        iomap = [st for st in stmts if calls_in(st, {'vm_iomap_memory'})]
        if iomap:
            raise Blocked('blocked:unknown-vma-use(vm_iomap_memory)',
                          '%s maps with vm_iomap_memory() (line %d), which checks the '
                          'range and derives its pfn from vm_pgoff itself and has no '
                          'prepare form: in prepare, compute pfn = (phys >> PAGE_SHIFT) '
                          '+ desc->pgoff and call io_remap_pfn_range_prepare(desc, pfn, '
                          'vma_desc_size(desc)); in complete, io_remap_pfn_range_complete()'
                          % (name, line_of(iomap[0].toks[0])))
        helper = vma_callee(toks, vma)
        raise Blocked('blocked:unknown-vma-use(%s)' % helper,
                      '%s populates page tables inside %s(), which takes the VMA; split '
                      '%s() by hand into a part on the desc and a part on the VMA, then '
                      'rerun' % (name, helper, helper))
    # a lock taken right before the population goes to complete with it
    while split_at > 0 and lock_taken(stmts[split_at - 1]):
        split_at -= 1
    prep, tail = stmts[:split_at], stmts[split_at:]
    pop_line = text.count('\n', 0, tail[0].start) + 1

    locals_ = {}
    for n, st in enumerate(stmts):
        for d in st.decl or []:
            locals_[d.name] = (d, n)

    # --- what the tail does to the VMA
    prims = []
    for st in tail:
        w = st.toks
        for k, t in enumerate(w):
            if t.text != vma or t.kind != 'ident':
                continue
            if k > 0 and w[k - 1].text in ('->', '.'):
                continue
            nxt = w[k + 1].text if k + 1 < len(w) else ''
            if nxt == '->':
                fld = w[k + 2].text
                after = w[k + 3].text if k + 3 < len(w) else ''
                if after in ASSIGN_OPS or after in ('++', '--') or \
                   (k > 0 and w[k - 1].text in ('++', '--', '&')):
                    raise Blocked('blocked:order',
                                  '%s writes vma->%s (line %d) after it starts populating '
                                  'page tables (line %d); move that write before the '
                                  'populate call by hand, then rerun'
                                  % (name, fld, line_of(t), pop_line))
                if fld == 'vm_flags':
                    raise Blocked('blocked:order',
                                  '%s reads vma->vm_flags (line %d) after it starts populating '
                                  '(line %d); prepare adds flags to the desc, so complete '
                                  'would read other flags' % (name, line_of(t), pop_line))
                continue
            callee = w[k - 2].text if k >= 2 and w[k - 1].text == '(' else None
            if callee == 'vma_pages':
                continue
            if callee in SPLIT_POPULATE:
                prims.append((callee, st, k - 2))
                continue
            if callee in VMA_WRITERS:
                raise Blocked('blocked:order',
                              '%s calls %s() (line %d) after it starts populating page '
                              'tables (line %d); move it before the populate call by '
                              'hand, then rerun' % (name, callee, line_of(t), pop_line))
            raise Blocked('blocked:unknown-vma-use(%s)' % (callee or vma),
                          '%s passes the VMA to %s (line %d) after it starts populating; '
                          'complete may only populate' % (name, callee or 'an expression',
                                                          line_of(t)))
    for st in prep:
        for k, t in enumerate(st.toks):
            if t.text in SCOPED_LOCKS and k + 1 < len(st.toks) and st.toks[k + 1].text == '(':
                raise Blocked('blocked:order',
                              '%s holds a scoped lock (%s, line %d) across the populate '
                              'call (line %d); split the locking by hand'
                              % (name, t.text, line_of(t), pop_line))

    # --- locks held where the population starts
    held = {}
    for st in prep:
        call = lock_call(text, st)
        if call and call[0] in LOCKS:
            held[(LOCKS[call[0]], call[1])] = st
        elif call and call[0] in LOCKS.values():
            held.pop(call, None)
    if held:
        (unlock, what), st = next(iter(held.items()))
        raise Blocked('blocked:order',
                      '%s holds %s from line %d across the populate call (line %d); '
                      'prepare would have to drop it before complete takes it again, '
                      'which changes what it protects: split the handler by hand'
                      % (name, what or unlock, line_of(st.toks[0]), pop_line))

    # --- gotos and labels
    def gotos(sts):
        return {st.toks[k + 1].text for st in sts for k, t in enumerate(st.toks)
                if t.text == 'goto' and k + 1 < len(st.toks)}
    prep_labels = {st.label for st in prep if st.label}
    if gotos(tail) & prep_labels:
        raise Blocked('blocked:order', '%s jumps back from the populate part to a label of '
                      'its checks; split it by hand' % name)
    prep_targets = gotos(prep) - prep_labels
    if prep_targets - {st.label for st in tail}:
        raise Blocked('blocked:order', '%s jumps to a label it does not define' % name)
    # the error paths the checks jump to are copied into prepare; complete
    # keeps what it reaches itself
    label_block = reachable(tail, prep_targets, dead=True) if prep_targets else []
    if any(calls_in(st, SPLIT_POPULATE) for st in label_block):
        raise Blocked('blocked:order', 'an error path of %s that its checks jump to also '
                      'populates page tables; split it by hand' % name)
    tail_all = tail
    tail = reachable(tail, set())

    # --- the prepare-side effect of each populate call
    def tok_text(w, a, b):
        return text[w[a].start:w[b].end]

    effects = []
    remap_pfns = set()
    pfn_is_pgoff = True
    prep_text = text[prep[0].start:prep[-1].end] if prep else ''
    tail_defined = set()
    for callee, st, k in prims:
        args, close = call_args(st.toks, k)
        if callee in REMAPS:
            if st.toks[0].text in ('for', 'while', 'do'):
                raise Blocked('blocked:order', '%s calls %s() in a loop; '
                              'remap_pfn_range_prepare() describes one remap of the whole '
                              'mapping: split it by hand' % (name, callee))
            pfn = args[2]
            pfn_text = ' '.join(tok_text(st.toks, *pfn).split())
            remap_pfns.add(pfn_text)
            if pfn_text != '%s->vm_pgoff' % vma:
                pfn_is_pgoff = False
            if callee == 'remap_pfn_range':
                effects.append(('remap_pfn_range_prepare', [pfn], st))
            else:
                effects.append(('io_remap_pfn_range_prepare', [pfn, args[3]], st))
        elif callee in MIXEDMAP_CALLS:
            effects.append(('flags', 'VM_MIXEDMAP', st))
        elif callee in VMALLOC_CALLS:
            effects.append(('flags', 'VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTDUMP', st))
        else:
            if 'VM_PFNMAP' not in prep_text and 'VM_MIXEDMAP' not in prep_text:
                effects.append(('flags', FAULT_CALLS[callee], st))
    if len(remap_pfns) > 1 or sum(1 for e in effects if e[0] != 'flags') > 1:
        raise Blocked('blocked:order', '%s remaps more than once; '
                      'remap_pfn_range_prepare() describes one remap of the whole '
                      'mapping: split it by hand' % name)
    conditional = [st for (_, st, k) in prims if not unconditional(st, k)]
    if conditional:
        raise Blocked('blocked:order', '%s populates page tables only on some paths '
                      '(line %d); prepare cannot tell which flags the mapping needs: '
                      'split it by hand' % (name, line_of(conditional[0].toks[0])))

    # --- values complete needs
    pgoff_written = re.search(r'\b%s\s*->\s*vm_pgoff\s*(?:[-+|&^]?=[^=]|\+\+|--)' % vma,
                              prep_text) is not None
    pgoff_stable = not pgoff_written and (pfn_is_pgoff or not remap_pfns)
    prot_written = re.search(r'\b%s\s*->\s*vm_page_prot\s*=[^=]|&\s*%s\s*->\s*vm_page_prot'
                             % (vma, vma), prep_text) is not None

    lock_depth = []
    depth = 0
    for st in prep:
        w = st.words
        if len(w) > 2 and w[1] == '(' and w[0] in LOCKS:
            depth += 1
        elif len(w) > 2 and w[1] == '(' and w[0] in LOCKS.values():
            depth -= 1
        lock_depth.append(depth)

    def writes(st, x):
        """Does st assign x anywhere, take its address or step it?"""
        w = st.toks
        for k, t in enumerate(w):
            if t.text != x or t.kind != 'ident' or (k and w[k - 1].text in ('->', '.')):
                continue
            nxt = w[k + 1].text if k + 1 < len(w) else ''
            prev = w[k - 1].text if k else ''
            if nxt in ASSIGN_OPS or nxt in ('++', '--') or prev in ('++', '--'):
                return True
            if prev == '&' and nxt not in ('->', '.', '['):
                return True
        return False

    def top_assignment(st, x):
        w = st.toks
        return len(w) > 2 and w[0].text == x and w[1].text == '=' and w[-1].text == ';'

    def uses(sts, x):
        return any(t.text == x and t.kind == 'ident' and
                   (k == 0 or st.toks[k - 1].text not in ('->', '.'))
                   for st in sts for k, t in enumerate(st.toks))

    # where each local gets its value before the tail
    definitions = {}
    for x in locals_:
        defs = [n for n, st in enumerate(prep) if not st.decl and writes(st, x)]
        definitions[x] = defs

    def defined_in_tail(x):
        """Does every path through the tail set x before reading it?"""
        first_goto = next((n for n, st in enumerate(tail) if 'goto' in st.words), len(tail))
        for n, st in enumerate(tail):
            if uses([st], x):
                how = n <= first_goto and assigned_first(st.toks, x)
                return how == 'top' or how == 'loop' and not uses(tail[n + 1:], x)
        return False

    recompute, carried, bare, assign_stmts = {}, [], set(), []
    assign_stmts_of = {}
    seen = set()

    def vma_field_ok(w, k):
        if k + 2 >= len(w) or w[k + 1].text != '->':
            return k >= 2 and w[k - 2].text == 'vma_pages' and w[k - 1].text == '('
        fld = w[k + 2].text
        if fld in ('vm_start', 'vm_end', 'vm_file', 'vm_mm'):
            return True
        if fld == 'vm_page_prot':
            return not prot_written
        if fld == 'vm_pgoff':
            return pgoff_stable
        return False

    def value_of(x):
        """How complete gets x: 'init', 'assign', 'bare' or 'carry'."""
        if x in seen:
            return recompute.get(x) or ('carry' if x in carried else 'bare')
        seen.add(x)
        d, n = locals_[x]
        defs = definitions[x]
        if d.suffix:
            how = 'carry'
        elif not defs and d.init is None:
            how = 'bare'
        elif not defs:
            how = 'init' if pure(d.init, 0, len(d.init)) else 'carry'
        elif len(defs) == 1 and top_assignment(prep[defs[0]], x) and \
                lock_depth[defs[0]] == 0 and \
                (d.init is None or pure(d.init, 0, len(d.init))) and \
                pure(prep[defs[0]].toks, 2, len(prep[defs[0]].toks) - 1):
            # the value of the declaration, then the one assignment, as before
            how = 'assign'
            assign_stmts.append(defs[0])
            assign_stmts_of[x] = defs[0]
        else:
            how = 'carry'
        if how == 'carry':
            carried.append(x)
        elif how == 'bare':
            bare.add(x)
        else:
            recompute[x] = how
        return how

    def pure(w, i, j):
        needed = []

        def ok(k):
            t = w[k].text
            if t == vma:
                return vma_field_ok(w, k)
            if t in locals_:
                needed.append(t)
            return True
        if not is_pure(w, i, j, ok):
            return False
        # the locals the value reads are classified too
        for y in needed:
            value_of(y)
        return True

    declared_in_tail = {d.name for st in tail for d in st.decl or []}
    for x in sorted(locals_, key=lambda x: locals_[x][1]):
        if x in declared_in_tail:
            continue
        if uses(tail, x) and not defined_in_tail(x):
            value_of(x)
        elif uses(tail, x):
            bare.add(x)
    # a recomputed value may need other locals: declare them too
    changed = True
    while changed:
        changed = False
        for x in list(recompute):
            d, n = locals_[x]
            src = d.init if recompute[x] == 'init' else prep[definitions[x][0]].toks[2:-1]
            for t in src:
                if t.text in locals_ and t.text not in seen:
                    value_of(t.text)
                    changed = True
    pgoff_name = None
    if not pgoff_stable and re.search(r'\b%s\s*->\s*vm_pgoff\b' % vma,
                                      text[tail[0].start:tail[-1].end]):
        pgoff_name = 'pgoff' if 'pgoff' not in locals_ else 'orig_pgoff'
        carried.append(pgoff_name)

    # When what travels only serves to compute the pfn of the one remap,
    # the pfn itself travels: prepare computes it once, as the remap did.
    pfn_name = None
    remaps = [(c, st, k) for (c, st, k) in prims if c in REMAPS]
    if carried and len(remaps) == 1:
        _, rst, rk = remaps[0]
        (pa, pb) = call_args(rst.toks, rk)[0][2]

        def outside_pfn(x):
            for st in tail:
                w = st.toks
                for j, t in enumerate(w):
                    hit = (t.text == x and t.kind == 'ident' and
                           (j == 0 or w[j - 1].text not in ('->', '.'))) or \
                        (x == pgoff_name and t.text == vma and j + 2 < len(w) and
                         w[j + 2].text == 'vm_pgoff')
                    if hit and (st is not rst or not pa <= j <= pb):
                        return True
            for y, how in recompute.items():
                src = locals_[y][0].init if how == 'init' else \
                    prep[definitions[y][0]].toks[2:-1]
                if x in variables(src):
                    return True
            return False
        single = len(carried) == 1 and carried[0] != pgoff_name and \
            (locals_[carried[0]][0].stars or
             ' '.join(locals_[carried[0]][0].type_text.split()) in POINTER_SIZED)
        if not single and not any(outside_pfn(x) for x in carried):
            body_text = text[lbrace:rbrace]
            pfn_name = next(n for n in ('pfn', 'mmap_pfn', 'remap_pfn')
                            if not re.search(r'\b%s\b' % n, body_text))
            carried = [pfn_name]
            pgoff_name = None
            # locals that only served the pfn are not needed in complete
            changed = True
            while changed:
                changed = False
                for y in list(recompute) + sorted(bare):
                    others = {z: h for z, h in recompute.items() if z != y}
                    saved = recompute
                    recompute = others
                    needed = outside_pfn(y)
                    recompute = saved
                    if not needed:
                        recompute.pop(y, None)
                        bare.discard(y)
                        if y in assign_stmts_of:
                            assign_stmts.remove(assign_stmts_of[y])
                        changed = True

    split = Split()
    split.primitives = sorted({c for (c, _, _) in prims})
    # the context: one value as the pointer itself, else an object
    ctx_fields = []
    if len(carried) == 1:
        x = carried[0]
        if x == pgoff_name:
            ctx_type = 'pgoff_t'
            stars = ''
        elif x == pfn_name:
            ctx_type = 'unsigned long'
            stars = ''
        else:
            d = locals_[x][0]
            ctx_type, stars = d.type_text, d.stars
        if not stars and ' '.join(ctx_type.split()) not in POINTER_SIZED:
            ctx_fields = carried
    elif len(carried) > 1:
        ctx_fields = carried
    split.carried = carried
    if any(x in ('ctx', 'desc') for x in locals_) and ctx_fields:
        raise Blocked('blocked:order', '%s already has a local named ctx; rename it, '
                      'then rerun' % name)

    # --- prepare
    edits = Edits(text)
    translate_prepare(text, edits, prep + label_block, vma, filep, name)
    used_in_prepare = set()
    for n, st in enumerate(prep):
        if st.decl:
            continue
        if n in assign_stmts and not any(
                uses([s2], st.words[0]) for m, s2 in enumerate(prep) if m != n and not s2.decl) \
                and st.words[0] not in carried:
            # with the comment above it: it goes to complete
            edits.replace(comment_start(text, prep, n), line_end(text, st.end) + 1, '')
            continue
        used_in_prepare.update(variables(st.toks))
    for st in label_block:
        used_in_prepare.update(variables(st.toks))
    used_in_prepare.update(x for x in carried if x != pgoff_name)
    for (fn, args, st) in effects:
        if fn != 'flags':
            for (a, b) in args:
                used_in_prepare.update(variables(st.toks[a:b + 1]))
    # declarations whose variables prepare no longer uses go, with what
    # only their initializers used
    changed = True
    while changed:
        changed = False
        for st in prep:
            for d in st.decl or []:
                if d.init and d.name in used_in_prepare and \
                   not variables(d.init) <= used_in_prepare:
                    used_in_prepare |= variables(d.init)
                    changed = True
    for st in prep:
        if not st.decl:
            continue
        keep = [d for d in st.decl if d.name in used_in_prepare or
                (d.init and not is_pure(d.init, 0, len(d.init), lambda k: True))]
        if len(keep) == len(st.decl):
            continue
        if not keep:
            edits.replace(line_start(text, st.start), line_end(text, st.end) + 1, '')
        else:
            edits.replace(st.start, st.end, '%s;' % ', '.join(
                render_declarator(edits, d, i) for i, d in enumerate(keep)))
    ctx_name = 'ctx'
    body = edits.render(line_start(text, prep[0].start),
                        line_end(text, prep[-1].end) + 1).rstrip('\n') if prep else ''
    # the tail's effects, in the prepare
    out = []
    if carried:
        if ctx_fields:
            out += ['\t%s = kmalloc(sizeof(*%s), GFP_KERNEL);' % (ctx_name, ctx_name),
                    '\tif (!%s)' % ctx_name, '\t\treturn -ENOMEM;']
            for x in carried:
                out.append('\t%s->%s = %s;' % (ctx_name, x,
                                               'desc->pgoff' if x == pgoff_name else x))
            out.append('\tdesc->mmap_context = %s;' % ctx_name)
        else:
            x = carried[0]
            if x == pfn_name:
                out.append('\t' + wrap_assignment(pfn_name, translate_expr(
                    text, rst.toks, pa, pb, vma, name), 8))
                out.append('\tdesc->mmap_context = (void *)%s;' % pfn_name)
            elif x == pgoff_name:
                out.append('\tdesc->mmap_context = (void *)desc->pgoff;')
            elif locals_[x][0].stars and 'const' not in locals_[x][0].type_text:
                out.append('\tdesc->mmap_context = %s;' % x)
            else:
                out.append('\tdesc->mmap_context = (void *)%s;' % x)
    done = set()
    for (fn, args, st) in effects:
        if fn == 'flags':
            line = '\t' + wrap_flags(args, 8, '|=')
        else:
            texts = [translate_expr(text, st.toks, a, b, vma, name) for (a, b) in args]
            if pfn_name:
                texts[0] = pfn_name
            line = '\t' + wrap_call(fn, ['desc'] + texts, 8)
        if line not in done:
            done.add(line)
            out.append(line)
    out.append('\treturn 0;')
    if label_block:
        out.append(render(text, edits, label_block))
    decls = [st for st in prep if st.decl]
    if ctx_fields or pfn_name:
        decl_line = '\t%s *%s;\n' % ('struct %s_context' % name, ctx_name) if ctx_fields \
            else '\tunsigned long %s;\n' % pfn_name
        if decls:
            k = len(edits.render(line_start(text, prep[0].start),
                                 line_end(text, decls[-1].end) + 1))
            body = body[:k] + decl_line + body[k:] if k <= len(body) else \
                body + '\n' + decl_line.rstrip('\n')
        else:
            body = decl_line + '\n' + body
    written = body
    written += '\n'.join(out)
    if filep and re.search(r'\b%s\b' % re.escape(filep), re.sub(
            r'/\*.*?\*/|"(?:\\.|[^"\\])*"', '', written, flags=re.S)):
        body = '\tstruct file *%s = desc->file;\n' % filep + \
            ('' if decls or ctx_fields or pfn_name else '\n') + body
    if prep:
        # as far apart from the checks as the populate call was
        gap = text[prep[-1].end:line_start(text, tail_all[0].start)]
        body = body.rstrip('\n') + ('\n\n' if prep[-1].decl or '\n\n' in gap or
                                    not gap.strip('\n') == '' else '\n')
    prepare_text = re.sub(r'\n{3,}', '\n\n', body.lstrip('\n') + '\n'.join(out))
    split.prepare = prepare_text

    # --- complete
    tedits = Edits(text)
    if pgoff_name:
        for st in tail:
            w = st.toks
            for k, t in enumerate(w):
                if t.text == vma and k + 2 < len(w) and w[k + 1].text == '->' and \
                   w[k + 2].text == 'vm_pgoff':
                    tedits.replace(t.start, w[k + 2].end, pgoff_name)
    if pfn_name:
        tedits.replace(rst.toks[pa].start, rst.toks[pb].end, pfn_name)
    for callee, st, k in prims:
        if callee in REMAPS:
            tedits_call_rename(text, tedits, st, k, callee + '_complete')
    lines = []
    if ctx_fields:
        lines.append('\tconst struct %s_context *%s = context;' % (name, ctx_name))
    for x in sorted(set(carried) | set(recompute) | bare,
                    key=lambda x: (locals_[x][1], list(locals_).index(x)) if x in locals_
                    else (-1, 0)):
        if x == pgoff_name:
            lines.append('\tpgoff_t %s = %s;' % (x, '%s->%s' % (ctx_name, x) if ctx_fields
                                                 else '(pgoff_t)context'))
            continue
        if x == pfn_name:
            lines.append('\tunsigned long %s = (unsigned long)context;' % x)
            continue
        d = locals_[x][0]
        if x in carried:
            if ctx_fields:
                value = '%s->%s' % (ctx_name, x)
            elif d.stars:
                value = 'context' if 'const' in d.type_text else '(void *)context'
            else:
                value = '(%s)context' % ' '.join(d.type_text.split())
            lines.append('\t%s;' % d.text(init_text=value))
        elif recompute.get(x) in ('init', 'assign') and d.init is not None:
            lines.append('\t%s;' % d.text())
        else:
            lines.append('\t%s;' % d.text(with_init=False))
    start = []
    if ctx_fields:
        start.append('\tkfree(%s);' % ctx_name)
    for n in sorted(assign_stmts):
        start.append(text[comment_start(text, prep, n):prep[n].end])
    tail_text = render(text, tedits, tail)
    gap = '\n' if tail[0].decl and not start else '\n\n'
    complete = '\n'.join(lines) + (gap if lines else '') + \
        ('\n'.join(start) + '\n' if start else '') + tail_text
    split.complete = complete
    split.context_struct = None
    if ctx_fields:
        fields = []
        for x in carried:
            if x == pgoff_name:
                fields.append('\tpgoff_t %s;' % x)
            else:
                d = locals_[x][0]
                fields.append('\t%s;' % d.text(with_init=False))
        split.context_struct = '%s_context {\n%s\n}' % (name, '\n'.join(fields))
        split.abort = True
    prefix = text[head:name_at]
    params = '(struct file *%s, struct vm_area_struct *%s,' % (filep or 'file', vma)
    col = column(prefix + name + '_complete', len(prefix + name + '_complete'))
    complete_header = '%s%s_complete%s\n%sconst void *context)' % (
        prefix, name, params, indent_to(col + 1))
    if col + 1 + len(params) > 80:
        complete_header = '%s%s_complete(struct file *%s,\n%sstruct vm_area_struct *%s,' \
            '\n%sconst void *context)' % (prefix, name, filep or 'file', indent_to(col + 1),
                                         vma, indent_to(col + 1))
    text_out = split.prepare + '\n}\n\n' + complete_header + '\n{\n' + split.complete
    if split.abort:
        abort_prefix = prefix.replace('int', 'void', 1)
        acol = column(abort_prefix + name + '_abort', len(abort_prefix + name + '_abort'))
        params = ['const struct file *file,', 'const void *vm_private_data,',
                  'const void *context)']
        if acol + 1 + len(' '.join(params[:2])) <= 80:
            params = [' '.join(params[:2]), params[2]]
        text_out += '\n}\n\n%s%s_abort(%s\n{\n\tkfree(context);' % (
            abort_prefix, name, ('\n' + indent_to(acol + 1)).join(params))
    text_out = text_out.lstrip('\t')
    if not text_out.endswith(';'):
        raise Blocked('blocked:order', '%s does not end with a return statement; split it '
                      'by hand' % name)
    split.body = text_out[:-1]
    # where spatch finds each top-level statement and declaration it removes
    split.remove = {(text.count('\n', 0, st.start) + 1, st.start - line_start(text, st.start))
                    for st in stmts}
    what = ', '.join('%s()' % p for p in split.primitives)
    split.reason = '%s becomes %s_prepare (checks and VMA setup) and %s_complete (%s)' % (
        name, name, name, what)
    if carried:
        split.reason += '; %s travel%s in mmap_context' % (
            ', '.join('the original pgoff' if x == pgoff_name else x for x in carried),
            '' if len(carried) > 1 else 's')
    if split.abort:
        split.reason += ', allocated by prepare and freed by complete or %s_abort' % name
    return split


def comment_start(text, stmts, n):
    """Start of the line of stmts[n], or of the comment right above it."""
    start = line_start(text, stmts[n].start)
    prev = stmts[n - 1].end if n else text.rfind(OPEN_BRACE, 0, start) + 1
    between = text[prev:start]
    # [/][*] rather than the plain characters: the lexer of spatch reads those
    m = re.search(r'\n([ \t]*[/][*](?:(?![*][/]).)*[*][/][ \t]*\n)$', between, re.S)
    return start - len(m.group(1)) if m else start


def variables(w):
    """Identifiers of w that are not struct members."""
    return {t.text for k, t in enumerate(w) if t.kind == 'ident' and
            (k == 0 or w[k - 1].text not in ('->', '.'))}


def line_start(text, offset):
    return text.rfind('\n', 0, offset) + 1


def line_end(text, offset):
    k = text.find('\n', offset)
    return len(text) if k < 0 else k


def render_declarator(edits, d, i):
    """A declarator of a shortened declaration, type on the first one."""
    s = '%s%s%s' % (d.stars, d.name, d.suffix)
    if d.init:
        s += ' = ' + edits.render(d.init[0].start, d.init[-1].end)
    return (d.type_text + ' ' + s) if i == 0 else s


def vma_callee(w, vma):
    """Name of the first function the VMA itself is passed to."""
    for k, t in enumerate(w):
        if t.text == vma and k and w[k - 1].text in ('(', ',') and \
           (k + 1 >= len(w) or w[k + 1].text not in ('->', '.')):
            depth = 0
            for j in range(k - 1, 0, -1):
                if w[j].text == ')':
                    depth += 1
                elif w[j].text == '(':
                    if depth == 0 and w[j - 1].kind == 'ident':
                        return w[j - 1].text
                    depth -= 1
    return vma


def lock_call(text, st):
    """(function, first argument) when st takes or releases a lock at its
    top level: 'mutex_lock(&x);' or 'if (mutex_lock_interruptible(&x)) ...'."""
    w = st.toks
    k = 0
    if len(w) > 3 and w[0].text == 'if' and w[2].text in LOCKS:
        k = 2
    if k + 1 >= len(w) or w[k + 1].text != '(' or \
       (w[k].text not in LOCKS and w[k].text not in LOCKS.values()):
        return None
    args, close = call_args(w, k)
    first = ' '.join(text[w[args[0][0]].start:w[args[0][1]].end].split()) if args else ''
    return w[k].text, first


def lock_taken(st):
    w = st.words
    return len(w) > 2 and w[0] in LOCKS and w[1] == '(' and w[-1] == ';'


def assigned_first(w, x):
    """Is the first use of x in statement w an assignment that runs before
    any read: at its top level, in a for header, or at the top level of a
    loop body that holds every later use?"""
    stack = []
    for k, t in enumerate(w):
        if t.text == '{':
            kind = 'other'
            if k and w[k - 1].text == 'do':
                kind = 'loop'
            elif k and w[k - 1].text == ')':
                opening = next(m for m in range(k - 1, -1, -1)
                               if w[m].text == '(' and match_close(w, m) == k - 1)
                if opening and w[opening - 1].text in ('for', 'while'):
                    kind = 'loop'
            stack.append(kind)
        elif t.text == '}':
            stack.pop()
        if t.text != x or t.kind != 'ident' or (k and w[k - 1].text in ('->', '.')):
            continue
        if k + 1 >= len(w) or w[k + 1].text != '=':
            return False
        if k == 0:
            return 'top'
        if k >= 2 and w[k - 1].text == '(' and w[k - 2].text == 'for' and not stack:
            return 'top'
        if w[k - 1].text in ('{', ';', '}') and stack and \
           all(kind == 'loop' for kind in stack):
            return 'loop'
        return False
    return False


def reachable(stmts, targets, dead=False):
    """The statements control can reach, given the labels jumped to from
    outside; labels nobody jumps to are left out (their code stays when it
    is reached by falling through)."""
    targets = set(targets)
    while True:
        keep, state = [], dead
        for st in stmts:
            if st.label:
                state = state and st.label not in targets
                continue
            if not state:
                keep.append(st)
                if st.words[0] in ('return', 'goto'):
                    state = True
        found = {st.toks[k + 1].text for st in keep for k, t in enumerate(st.toks)
                 if t.text == 'goto' and k + 1 < len(st.toks)}
        if found <= targets:
            labels = [st for st in stmts if st.label in targets]
            return sorted(keep + labels, key=lambda st: st.start)
        targets |= found


def render(text, edits, stmts):
    """Source of stmts with edits, each from the start of its line, with
    the comments and blank lines that were between consecutive ones."""
    out = []
    prev = None
    for st in stmts:
        start = line_start(text, st.start)
        if prev is not None and text[prev:start].strip('\n\t ') == '' or \
           prev is not None and only_comments(text[prev:start]):
            out.append(edits.render(prev, st.end))
        else:
            if out:
                out.append('\n')
            out.append(edits.render(start, st.end))
        prev = st.end
    return ''.join(out)


def only_comments(between):
    return re.sub(r'/\*.*?\*/|\s', '', between, flags=re.S) == ''


def unconditional(st, k):
    """Is the populate call at st.toks[k] made on every path through st?"""
    w = st.words
    if w[0] in ('for', 'while', 'do'):
        return True
    if w[0] == 'if':
        close = match_close(st.toks, 1)
        return k < close
    if w[0] in ('switch', 'else'):
        return False
    # an expression statement, a return or a declaration: the call runs
    # unless a condition before it in the same expression skips it
    return not any(x in ('?', '&&', '||') for x in w[:k])


def width(candidate, col, rest):
    """Widest line of a call written at col, with rest after it."""
    widths = [len(l.expandtabs(8)) for l in candidate.split('\n')]
    widths[0] += col
    widths[-1] += rest
    return max(widths)


def tedits_call_rename(text, edits, st, k, new_name):
    """Rename the call at st.toks[k] and realign its continuation lines."""
    w = st.toks
    args, close = call_args(w, k)
    name_tok = w[k]
    col = column(text, name_tok.start)
    old_paren = col + len(name_tok.text)
    grow = len(new_name) - len(name_tok.text)
    arg_texts = [' '.join(edits.render(w[a].start, w[b].end).split()) for (a, b) in args]
    # continuation lines aligned to the parenthesis move with it; lines
    # that would pass 80 columns are wrapped again
    segment = edits.render(name_tok.start, w[close].end)
    edits.spans = [x for x in edits.spans if not
                   (x[0] >= name_tok.start and x[1] <= w[close].end)]
    lines = segment.split('\n')
    rest = len(text[w[close].end:line_end(text, w[close].end)])

    def fits(candidate):
        widths = [len(l.expandtabs(8)) for l in candidate.split('\n')]
        widths[0] += col
        widths[-1] += rest
        return max(widths) <= 80
    one_line = segment.replace(name_tok.text, new_name, 1)
    # continuation lines that were aligned to the parenthesis move with it
    aligned = len(lines) > 1 and all(
        len(l.expandtabs(8)) - len(l.expandtabs(8).lstrip()) == old_paren + 1
        for l in lines[1:])
    realigned = '\n'.join([one_line.split('\n')[0]] + [
        indent_to(old_paren + 1 + grow) + l.lstrip() for l in lines[1:]])
    if len(lines) == 1 and fits(one_line):
        new = one_line
    elif aligned and fits(realigned):
        new = realigned
    else:
        # the narrowest of: wrapped again, or every line moved along
        moved = '\n'.join([one_line.split('\n')[0]] + [
            indent_to(len(l.expandtabs(8)) - len(l.expandtabs(8).lstrip()) + grow) +
            l.lstrip() for l in lines[1:]])
        wrapped = wrap_call(new_name, arg_texts, col, '', rest)
        new = wrapped if fits(wrapped) else min(
            [wrapped, moved], key=lambda c: width(c, col, rest))
    edits.replace(name_tok.start, w[close].end, new)


def translate_expr(text, w, a, b, vma, name):
    """An expression of the handler, written on the desc instead of the VMA."""
    edits = Edits(text)
    sub = w[a:b + 1]
    translate_tokens(text, edits, sub, vma, name)
    return ' '.join(edits.render(sub[0].start, sub[-1].end).split())


def translate_prepare(text, edits, stmts, vma, filep, name):
    for st in stmts:
        translate_tokens(text, edits, st.toks, vma, name)


SIZE_PREV = {'(', ',', '=', 'return', '?', ':', '<', '>', '<=', '>=', '==', '!=',
             '&&', '||', '+', ';', '{', '}'}
SIZE_NEXT = {')', ',', ';', '<', '>', '<=', '>=', '==', '!=', '&&', '||', '+', '-',
             '?', ':', '>>', '<<', ']'}


def translate_tokens(text, edits, w, vma, name):
    """Rewrite the VMA uses of w (CONVERSION.md section 2)."""
    k = 0
    n = len(w)

    def at(i, *words):
        return all(i + m < n and w[i + m].text == x for m, x in enumerate(words))
    while k < n:
        t = w[k]
        if t.text in ('vm_flags_set', 'vm_flags_clear', 'vm_flags_mod') and \
           at(k + 1, '(', vma, ','):
            args, close = call_args(w, k)
            if close + 1 >= n or w[close + 1].text != ';':
                raise Blocked('blocked:unknown-vma-use(%s)' % t.text,
                              '%s uses %s() inside an expression' % (name, t.text))
            col = column(text, t.start)
            flags = [' '.join(text[w[a].start:w[b].end].split()) for (a, b) in args[1:]]
            if t.text == 'vm_flags_set':
                new = wrap_flags(flags[0], col, '|=')
            elif t.text == 'vm_flags_clear':
                new = wrap_flags(flags[0], col, '&=')
            else:
                new = wrap_flags(flags[0], col, '|=') + '\n' + indent_to(col) + \
                    wrap_flags(flags[1], col, '&=')
            edits.replace(t.start, w[close + 1].end, new)
            k = close + 2
            continue
        if t.text == 'vma_pages' and at(k + 1, '(', vma, ')'):
            edits.replace(t.start, w[k + 3].end, 'vma_desc_pages(desc)')
            k += 4
            continue
        if at(k, '(', vma, '->', 'vm_end', '-', vma, '->', 'vm_start', ')'):
            edits.replace(t.start, w[k + 8].end, 'vma_desc_size(desc)')
            k += 9
            continue
        if at(k, vma, '->', 'vm_end', '-', vma, '->', 'vm_start') and \
           (k == 0 or w[k - 1].text in SIZE_PREV) and \
           (k + 7 >= n or w[k + 7].text in SIZE_NEXT):
            edits.replace(t.start, w[k + 6].end, 'vma_desc_size(desc)')
            k += 7
            continue
        if t.text == vma and t.kind == 'ident' and not (k and w[k - 1].text in ('->', '.')):
            if at(k + 1, '->') and w[k + 2].text in DESC_FIELD:
                edits.replace(t.start, w[k + 2].end, 'desc->' + DESC_FIELD[w[k + 2].text])
                k += 3
                continue
            callee = vma_callee(w[max(0, k - 60):k + 1], vma)
            line = text.count('\n', 0, t.start) + 1
            if callee != vma:
                raise Blocked('blocked:unknown-vma-use(%s)' % callee,
                              '%s passes the VMA to %s() (line %d) before populating; '
                              'split_prefault.cocci does not convert helpers: give %s() '
                              'a desc twin by hand, then rerun' % (name, callee, line, callee))
            raise Blocked('blocked:unknown-vma-use(%s)' % vma,
                          '%s uses the VMA itself at line %d before populating; a desc '
                          'cannot stand in for it' % (name, line))
        k += 1
