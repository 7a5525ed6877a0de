# SPDX-License-Identifier: GPL-2.0-only
# The Python of split_prefault.cocci: from the source of an f_op->mmap
# handler that populates page tables, write mmap_prepare and mmap_complete
# (and mmap_abort), both on the VMA: the translation rules of the shared
# part then put prepare on the desc.  In order: tokens and statements;
# split_handler() and its phases over a Handler record (cut, one check per
# refusal, value classification, rendering of each hook); split_decide()
# and what the rules of split_prefault.cocci.in ask.  scripts/gen_cocci.py
# embeds this file into cocci/split_prefault.cocci, so that the semantic
# patch stays one self-contained file for make coccicheck; tests/unit
# imports it directly.
# Inside the .cocci, spatch strips C++-style comments even from Python code,
# so this file never uses a double slash (integer division is divmod()).
# The C lexer of spatch also reads this code: an apostrophe in a comment
# pairs with the next single quote and can hide the end of the block. If
# make check-fixtures reports a parse error of split_prefault.cocci after an
# edit here, look at the quotes of that edit first.
#
# In the .cocci, this code runs after the Python of the shared part of
# mmap_to_prepare.cocci (decide(), report_handler(), wrap_list(), ...) and
# uses it; imported on its own, it reads that part from the file.

import dataclasses
import os
import re


def shared_python(path):
    """The Python of the shared part of the semantic patch at path: its
    initialize rule, up to the next rule or comment at column 0."""
    with open(path) as src:
        text = src.read()
    # chr(64): spatch reads an at sign in embedded Python as a rule header
    at = chr(64)
    header = text.index(at + 'initialize:python' + at)
    start = text.index('\n', text.index('\n' + at + at, header) + 1) + 1
    end = re.compile(r'^(?:[/][/]|%s)' % at, re.M).search(text, start).start()
    return text[start:end]


if 'decide' not in globals():
    SHARED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          'mmap_to_prepare.cocci')
    exec(compile(shared_python(SHARED), SHARED, 'exec'), globals())

# docs/api.md, "Legacy populate calls".
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
    # the caching a physical range needs: a lookup on every architecture
    'phys_mem_access_prot',
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


def tokenize(text, start, end, directives=None):
    """Tokens of text[start:end], comments and whitespace left out;
    preprocessor lines go to directives (refused when it is None)."""
    toks = []
    pos = start
    while pos < end:
        m = TOKEN.match(text, pos)
        if not m:
            raise Blocked(order('unreadable'), 'cannot read the source at offset %d' % pos)
        kind = m.lastgroup
        if kind == 'pp' and directives is None:
            raise Blocked(order('preprocessor'), 'the handler has preprocessor lines (line %d) '
                          'in its body; split it by hand'
                          % (text.count('\n', 0, m.start()) + 1))
        if kind == 'pp':
            directives.append(Tok(kind, m.group(), m.start(), m.end()))
        elif kind not in ('ws', 'comment'):
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
    raise Blocked(order('unreadable'), 'unbalanced brackets in the handler')


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
    raise Blocked(order('unreadable'), 'a statement of the handler has no end')


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
        raise Blocked(order('unreadable'), 'cannot find the definition of %s' % name)
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
    raise Blocked(order('unreadable'), 'cannot find the end of %s' % name)


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


def wrap_flags(flags, col, op, desc):
    """'desc->vm_flags OP FLAGS;' (the desc named desc) wrapped at 80
    columns like kernel code."""
    return '%s->vm_flags %s %s;' % (desc, op, flags_operand_at(flags, col, op + ' ', desc,
                                                               op == '&='))


def spelled(expr):
    """c_text() of an expression spatch hands over token by token, with
    commas, casts, subscripts and unary operators spelled as kernel code
    does."""
    text = c_text(expr).replace(' , ', ', ')
    text = re.sub(r'\(((?:\w+ )*\w+(?: \*+)?)\) (?=[\w(])', r'(\1)', text)
    text = re.sub(r'(?<=[\w)\]]) \[ ?', '[', text).replace(' ]', ']')
    return re.sub(r'(^|[(\[]|[-+*/%&|^<>=?:!~,] )([-!~*&]) (?=[\w(])', r'\1\2', text)


def call_too_long(name, args, p):
    """Does the call at p, arguments as spatch hands them over, pass 80
    columns on one line (indented with tabs, as prepare is)?"""
    line = '%s(%s);' % (name, ', '.join(map(spelled, args)))
    return 8 * int(p[0].column) + len(line) > 80


def assignment_too_long(var, expr, p):
    return 8 * int(p[0].column) + len('%s = %s;' % (var, spelled(expr))) > 80


def wrapped_call(name, args, p):
    """The call name(args), arguments as spatch hands them over, wrapped at
    p; without its semicolon, which spatch adds."""
    return wrap_call(name, [spelled(a) for a in args], 8 * int(p[0].column))[:-1]


def wrapped_assignment(var, expr, p):
    return wrap_assignment(var, spelled(expr), 8 * int(p[0].column))[:-1]


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
    end = ')' + suffix + ' ' * reserve
    return name + '(' + wrap_list(args, ', ', col + len(name) + 1, end) + ')' + suffix


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
        self.prototypes = None    # what replaces the name and parameters of a prototype
        self.hooks = {'complete'}     # hooks besides prepare this definition defines
        self.null_hooks = []      # hooks another #ifdef variant has: '#define NAME_hook NULL'
        self.pfn_name = None      # the pfn prepare computes once for complete
        self.anchor = None        # (line, column) of the statement the hooks replace


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


@dataclasses.dataclass
class Handler:
    """One definition being split: what each phase of split_handler() finds,
    for the phases after it."""
    text: str                   # the whole file
    name: str
    vma: str                    # name of the VMA parameter
    filep: str                  # name of the file parameter
    desc: str = DESC_NAMES[0]   # name of the desc prepare takes (desc_name())
    # cut: the body, and where it is cut in two
    head: int = 0               # start of the header line
    name_at: int = 0
    lbrace: int = 0
    rbrace: int = 0
    toks: list = None
    stmts: list = None          # top-level statements of the body
    prep: list = None           # before the cut: prepare
    tail_all: list = None       # from the cut on
    tail: list = None           # from the cut on, as control reaches it: complete
    label_block: list = None    # error paths the checks jump to, copied into prepare
    pop_line: int = 0           # line of the first populate statement
    locals: dict = None         # name -> (Declarator, index of its statement)
    prims: list = None          # (callee, statement, token index) of each populate call
    # what prepare does in place of each populate call
    effects: list = None        # (function or 'flags', arguments or flags, statement)
    remap_pfns: set = None
    pfn_is_pgoff: bool = True
    prep_text: str = ''
    # value classification: how complete gets each local it reads
    pgoff_stable: bool = False  # complete may read vma->vm_pgoff again
    prot_written: bool = False
    lock_depth: list = None     # locks held after each prepare statement
    definitions: dict = None    # local -> prepare statements assigning it
    recompute: dict = None      # local -> 'init' or 'assign': computed again
    carried: list = None        # locals (or pgoff_name, pfn_name) in mmap_context
    bare: set = None            # declared without a value: complete sets them
    assign_stmts: list = None   # prepare statements complete runs again
    assign_stmts_of: dict = None    # local -> [its statements among them]
    equal_to: dict = None       # local -> (tokens, first, last) of what a check proved it equals
    seen: set = None
    pgoff_name: str = None      # the original pgoff, when complete needs it
    pfn_name: str = None        # the pfn of the one remap, when it travels
    remap: tuple = None         # (statement, first, last token of the pfn)
    ctx_fields: list = None     # fields of the context object, [] for none
    ctx_name: str = 'ctx'
    proto: bool = False         # the file declares the handler before its definition
    iomap: tuple = None         # (start, length) of a final return vm_iomap_memory()
    acquire: tuple = None       # (call, (line, column), ...) moved to complete
    acquire_stmt: Stmt = None   # its statement
    # VMA uses the shared translation rules do not rewrite: [(line, column, callee)]
    untranslatable: tuple = ()
    # preprocessor lines of the body (check_directives)
    directives: list = None
    defines: list = None        # #define lines between top-level statements
    deferred: Blocked = None    # the refusal of the other lines, made last

    def line_of(self, tok):
        return self.text.count('\n', 0, tok.start) + 1

    def calls_in(self, st, names):
        """Token indexes of the calls of names that take the VMA first."""
        return [k for k, t in enumerate(st.toks)
                if t.text in names and k + 2 < len(st.toks) and st.toks[k + 1].text == '('
                and st.toks[k + 2].text == self.vma
                and (k == 0 or st.toks[k - 1].text not in ('->', '.'))]

    def tok_text(self, w, a, b):
        return self.text[w[a].start:w[b].end]

    def expr_text(self, w, a, b):
        """An expression of the handler on one line, as prepare writes it."""
        return ' '.join(self.tok_text(w, a, b).split())


def split_handler(text, name, line, vma, filep, kind='mmap', acquire=None, untranslatable=(),
                  desc=DESC_NAMES[0]):
    """Split the definition of handler name (its name on line) into
    mmap_prepare + mmap_complete; acquire: what acquire_blocker() found to
    move to complete.  Returns a Split, raises Blocked.  Prepare is written
    on the VMA: the translation rules of the shared part rewrite it on the
    desc (named desc), except the uses listed in untranslatable."""
    h = Handler(text, name, vma, filep, desc=desc, acquire=acquire,
                untranslatable=untranslatable)
    read_body(h, line)
    try:
        return split_body(h)
    except Blocked as why:
        # a body read without the lines of its conditionals: what does
        # not parse is the doing of the preprocessor
        if h.directives and why.code == order('unreadable'):
            raise directive_refusal(h, h.directives)
        raise


def split_body(h):
    check_body_not_empty(h)
    check_hook_names_free(h)
    find_forward_declaration(h)
    cut(h)
    check_defines(h)
    if h.iomap:
        return split_iomap(h)
    find_populate_calls(h)
    check_no_scoped_lock(h)
    check_no_lock_held(h)
    follow_jumps(h)
    move_acquire(h)
    prepare_effects(h)
    check_one_remap(h)
    check_populates_always(h)
    classify_values(h)
    carry_pfn(h)
    choose_context(h)
    check_no_deferred(h)
    return render_split(h, render_prepare(h), render_complete(h))


# --- cut -------------------------------------------------------------------

def read_body(h, line):
    h.head, h.name_at, h.lbrace, h.rbrace = find_function(h.text, h.name, line)
    h.directives = []
    h.toks = tokenize(h.text, h.lbrace + 1, h.rbrace, h.directives)
    if h.directives:
        check_directives(h)


# Preprocessor lines in a body: spatch keeps them where they stand while the
# split removes the statements around them (no rule can match or remove
# one), and the hooks replace a statement.  A line nested in a statement
# goes with it.
CONDITIONALS = ('if', 'ifdef', 'ifndef', 'elif', 'else', 'endif')


def directive_word(d):
    """The word after the hash: define, ifdef, endif..."""
    rest = d.text.lstrip()[1:]
    return rest.split(None, 1)[0] if rest.strip() else ''


def check_directives(h):
    """What the split can do with the preprocessor lines of a body.  The
    define lines between top-level statements stay where spatch keeps
    them, above every statement it removes: so they open the body of
    prepare, the hooks replacing its last statement (h.defines, checked by
    check_defines()).  Conditionals nested in a statement without #else
    leave the code of one configuration when their lines are dropped: the
    split reads that code, so that a reason of the code itself comes
    first, and refuses the lines last (h.deferred).  Anything else is
    refused now."""
    dirs = h.directives
    if any(directive_word(d) in ('else', 'elif') for d in dirs):
        raise directive_refusal(h, dirs)
    spans = []
    i = 0
    try:
        while i < len(h.toks):
            j = statement_end(h.toks, i)
            spans.append((h.toks[i].start, h.toks[j - 1].end))
            i = j
    except Blocked:
        raise directive_refusal(h, dirs)
    top = [d for d in dirs if not any(a < d.start < b for (a, b) in spans)]
    if any(directive_word(d) != 'define' for d in top):
        raise directive_refusal(h, dirs)
    h.defines = top
    nested = [d for d in dirs if d not in top]
    h.deferred = directive_refusal(h, nested) if nested else None


def refuse_directives(h, directives):
    raise directive_refusal(h, directives)


def directive_refusal(h, directives):
    """The reason a body with preprocessor lines is left alone, in the
    terms of what a developer can change."""
    word = directive_word

    def line(d):
        return h.text.count('\n', 0, d.start) + 1
    first = directives[0]
    if word(first) in ('if', 'ifdef', 'ifndef') and not h.text[h.lbrace + 1:first.start].strip() \
            and word(directives[-1]) == 'endif' and not h.text[directives[-1].end:h.rbrace].strip() \
            and any(word(d) in ('else', 'elif') and depth_at(directives, d) == 1
                    for d in directives):
        return Blocked(order('preprocessor'),
                       'the whole body of %s is %s (line %d) with an #else: write each '
                       'branch as a definition of %s of its own (#ifdef around the '
                       'functions), then rerun: each is then analysed on its own'
                       % (h.name, ' '.join(first.text.split()), line(first), h.name))
    defines = [d for d in directives if word(d) in ('define', 'undef')]
    if defines and not any(word(d) in CONDITIONALS for d in directives):
        d = defines[0]
        return Blocked(order('preprocessor'),
                       '%s has %s inside its body (line %d); spatch leaves preprocessor '
                       'lines in place while the split moves the statements around them: '
                       'move it above the function, then rerun'
                       % (h.name, ' '.join(d.text.split()), line(d)))
    cond = next((d for d in directives if word(d) in CONDITIONALS), first)
    return Blocked(order('preprocessor'),
                   '%s has %s inside its body (line %d); spatch leaves preprocessor lines '
                   'in place while the split moves the statements around them: test the '
                   'option with IS_ENABLED() instead, or split it by hand'
                   % (h.name, ' '.join(cond.text.split()), line(cond)))


def depth_at(directives, d):
    """Nesting depth of the conditional d belongs to (1: outermost)."""
    depth = 0
    for x in directives:
        w = directive_word(x)
        if w in ('if', 'ifdef', 'ifndef'):
            depth += 1
        if x is d:
            return depth
        if w == 'endif':
            depth -= 1
    return depth


# the name and the parameters of a define line (the hash is chr(35): the
# lexer of spatch reads a hash followed by define as a directive, even here)
HASH_DEFINE = chr(35) + 'define'
DEFINE = re.compile(r'\x23\s*define\s+([A-Za-z_]\w*)(\([^)]*\))?')
# comments and string and character literals (the characters that open
# and close a C comment, two slashes, a quote or an apostrophe would end
# or hide this code for the lexer of spatch)
NOT_CODE = re.compile(r'[/][*].*?[*][/]|[/][/][^\n]*|' + '|'.join(
    r'%s(?:\\.|[^%s\\\n])*%s' % (q, q, q) for q in (chr(34), chr(39))), re.S)


def code_only(text):
    """text with its comments and literals blanked, offsets kept."""
    return NOT_CODE.sub(lambda m: re.sub(r'[^\n]', ' ', m.group()), text)


def check_defines(h):
    """A #define of the body ends up at the top of prepare, above the
    hooks (check_directives).  That keeps what the code means when nothing
    between the top of the body and the old place of the line names it
    (nothing in the file before it, to be safe), the file neither defines
    nor undefines it elsewhere, and what it expands to reads neither the
    parameters nor the locals of the handler, which the hooks declare
    otherwise; and the layout holds when a statement follows it (the hooks
    replace the last one) and no comment stands between it and that
    statement, which spatch would keep with the line, away from its
    statement.  The context object, above the function, is checked when
    it is written (render_split)."""
    if not h.defines:
        return
    code = code_only(h.text)
    last = h.stmts[-1]
    for d in h.defines:
        m = DEFINE.match(d.text.lstrip())
        if not m:
            raise directive_refusal(h, [d])
        if d.start > last.start or len(h.stmts) > 1 and h.stmts[-2].label:
            raise directive_refusal(h, [d])
        name = m.group(1)
        nxt = next(st for st in h.stmts if st.start > d.start)
        # from the last preprocessor line above that statement
        below = h.text[max(x.end for x in h.directives if x.end <= nxt.start):nxt.start]
        params = set(re.findall(r'\w+', m.group(2) or ''))
        reads = set(re.findall(r'[A-Za-z_]\w*', code_only(d.text.lstrip()[m.end():]))) - params
        handler = ({h.vma, h.filep} | set(h.locals)) - {None}
        earlier = re.search(r'\b%s\b' % re.escape(name), code[:d.start])
        again = [x for x in re.finditer(r'^[ \t]*\x23[ \t]*(?:define|undef)[ \t]+%s\b'
                                        % re.escape(name), code, re.M)
                 if x.start() != line_start(h.text, d.start)]
        if earlier:
            why = ('%s is also named at line %d, above it: at the top of %s_prepare the '
                   'line would change what the code between means; give it a name of its '
                   'own, then rerun' % (name, h.text.count('\n', 0, earlier.start()) + 1,
                                        h.name))
        elif again:
            why = ('the file defines or undefines %s again at line %d; give each '
                   'definition a name of its own, then rerun'
                   % (name, h.text.count('\n', 0, again[0].start()) + 1))
        elif reads & handler:
            why = ('its text reads %s, of %s itself, which the split cannot see it use; '
                   'write it out where it is used, then rerun'
                   % (', '.join(sorted(reads & handler)), h.name))
        elif re.search(r'[/][*]|[/][/]', below):
            why = ('the comment below it would stay with it at the top of %s_prepare, away '
                   'from the statement it describes; move the comment, then rerun' % h.name)
        else:
            continue
        raise Blocked(order('preprocessor'), '%s has %s inside its body (line %d), which the '
                      'split moves to the top of %s_prepare: %s'
                      % (h.name, ' '.join(d.text.split()), h.line_of(d), h.name, why))


def define_names(h):
    return [DEFINE.match(d.text.lstrip()).group(1) for d in h.defines or []]


def cut_defines(h, edits):
    """Prepare is written without the #define lines of the body and what
    spatch keeps with them, the comments and blank lines up to the
    statements around: it leaves those where they stand, above the hooks."""
    for d in h.defines or []:
        prev = [st for st in h.stmts if st.end < d.start]
        nxt = next(st for st in h.stmts if st.start > d.start)
        if not prev:
            continue
        a, b = line_end(h.text, prev[-1].end) + 1, line_start(h.text, nxt.start)
        blank = re.search(r'\n[ \t]*\n', '\n' + h.text[a:b])
        edits.replace(a, b, '\n' if blank else '')


def check_no_deferred(h):
    """The preprocessor lines nested in statements (check_directives),
    once nothing else has stopped the split."""
    if h.deferred:
        raise h.deferred


def cut(h):
    """The top-level statements, cut before the first populate call (and
    the lock taken right before it, which goes to complete with it)."""
    h.stmts = []
    i = 0
    while i < len(h.toks):
        j = statement_end(h.toks, i)
        st = Stmt(h.toks, i, j)
        st.decl = parse_declaration(h.text, st.toks)
        h.stmts.append(st)
        i = j
    split_at = next((n for n, st in enumerate(h.stmts)
                     if h.calls_in(st, SPLIT_POPULATE)), None)
    if split_at is None and h.acquire and \
            not any(h.calls_in(st, {'vm_iomap_memory'}) for st in h.stmts):
        split_at = final_return(h)
    if split_at is None:
        split_at = final_iomap(h)
    while split_at > 0 and lock_taken(h.stmts[split_at - 1]):
        split_at -= 1
    h.prep, h.tail = h.stmts[:split_at], h.stmts[split_at:]
    h.pop_line = h.text.count('\n', 0, h.tail[0].start) + 1
    h.locals = {}
    for n, st in enumerate(h.stmts):
        for d in st.decl or []:
            h.locals[d.name] = (d, n)


def final_iomap(h):
    """The index of a last statement return vm_iomap_memory(vma, START,
    LEN); (h.iomap: where START and LEN are); else refused."""
    iomap = [st for st in h.stmts if h.calls_in(st, {'vm_iomap_memory'})]
    last = h.stmts[-1] if h.stmts else None
    if iomap == [last] and last.words[:3] == ['return', 'vm_iomap_memory', '('] and \
            h.calls_in(last, {'vm_iomap_memory'}) == [1]:
        args, close = call_args(last.toks, 1)
        if len(args) == 3 and close + 2 == len(last.toks) and \
                sum(1 for t in last.toks if t.text == h.vma) == 1:
            h.iomap = (args[1], args[2])
            return len(h.stmts) - 1
    refuse_populates_elsewhere(h, iomap)


def refuse_populates_elsewhere(h, iomap):
    if iomap:
        raise Blocked('blocked:unknown-vma-use(vm_iomap_memory)',
                      '%s maps with vm_iomap_memory() (line %d) other than in its '
                      'last statement, return vm_iomap_memory(...): split it by hand, '
                      'prepare keeping the checks of vm_iomap_memory() (start + len '
                      'overflows, pgoff past the region, a mapping larger than what '
                      'remains) before io_remap_pfn_range_prepare(), complete calling '
                      'io_remap_pfn_range_complete()' % (h.name, h.line_of(iomap[0].toks[0])))
    helper = vma_callee(h.toks, h.vma)
    raise Blocked('blocked:unknown-vma-use(%s)' % helper,
                  '%s populates page tables inside %s(), which takes the VMA; split '
                  '%s() by hand into a part on the desc and a part on the VMA, then '
                  'rerun' % (h.name, helper, helper))


# --- an acquire that vm_ops->close gives back ---------------------------------

def final_return(h):
    """A handler that populates nothing but moves an acquire to complete:
    complete is the acquire and the final return 0, prepare the rest."""
    if not h.stmts or h.stmts[-1].words != ['return', '0', ';']:
        raise Blocked(order('no-final-return'), '%s does not end with return 0; '
                      'move %s() to mmap_complete by hand' % (h.name, h.acquire[0]))
    return len(h.stmts) - 1


def move_acquire(h):
    """The acquire goes from the checks to the start of complete, which runs
    only for a mapping that exists (mmap_to_prepare.cocci, acquire_blocker(),
    says why that keeps the behaviour)."""
    if not h.acquire:
        return
    line = h.acquire[1][0]
    st = next((st for st in h.prep if h.line_of(st.toks[0]) == line), None)
    if st is None:
        raise Blocked('blocked:needs-abort(%s)' % h.acquire[0],
                      '%s calls %s() (line %d) where the split cannot move it to '
                      'mmap_complete: convert by hand' % (h.name, h.acquire[0], line))
    h.prep.remove(st)
    h.tail.insert(0, st)
    h.acquire_stmt = st


def drop_acquire(h, edits):
    """Prepare's text goes without the acquire, and the comment above it."""
    if h.acquire:
        st = h.acquire_stmt
        edits.replace(comment_above(h.text, line_start(h.text, st.start)),
                      line_end(h.text, st.end) + 1, '')


# --- one check per refusal ---------------------------------------------------

def check_body_not_empty(h):
    if not h.toks:
        raise Blocked(order('empty-body'), '%s has an empty body' % h.name)


def check_hook_names_free(h):
    for suffix in ('_prepare', '_complete', '_abort', '_context'):
        if re.search(r'\b%s%s\b' % (re.escape(h.name), suffix), h.text):
            raise Blocked(order('name-taken'), '%s%s already exists in this file; rename '
                          'it, then rerun' % (h.name, suffix))


def find_forward_declaration(h):
    """The prototype of the handler, if the file has one: the split puts
    the prototypes of its hooks in its place, since the initializer that
    names them comes before their definitions."""
    protos = list(re.finditer(r'^[^\n;{}()#]*\b%s\s*\([^;{}]*\)\s*;' % re.escape(h.name),
                              h.text, re.M))
    if len(protos) > 1:
        # each would be rewritten: the prototypes would be declared twice
        raise Blocked(order('forward-declaration'),
                      '%s has %d forward declarations (lines %s); keep one, then rerun'
                      % (h.name, len(protos), ', '.join(
                          str(h.text.count('\n', 0, m.start()) + 1) for m in protos)))
    if protos and not protos[0].group().startswith('static int '):
        raise Blocked(order('forward-declaration'),
                      '%s has a forward declaration that is not static (line %d); '
                      'move the definition above its first use, then rerun'
                      % (h.name, h.text.count('\n', 0, protos[0].start()) + 1))
    h.proto = bool(protos)


def find_populate_calls(h):
    """The populate calls after the cut, in h.prims; any other use of the
    VMA there is refused: complete may only populate."""
    h.prims = []
    vma = h.vma
    for st in h.tail:
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
                    raise Blocked(order('vma-write-after'),
                                  '%s writes vma->%s (line %d) after it starts populating '
                                  'page tables (line %d); move that write before the '
                                  'populate call by hand, then rerun'
                                  % (h.name, fld, h.line_of(t), h.pop_line))
                if fld == 'vm_flags':
                    raise Blocked(order('flags-read-after'),
                                  '%s reads vma->vm_flags (line %d) after it starts populating '
                                  '(line %d); prepare adds flags to the desc, so complete '
                                  'would read other flags' % (h.name, h.line_of(t), h.pop_line))
                continue
            callee = w[k - 2].text if k >= 2 and w[k - 1].text == '(' else None
            if callee == 'vma_pages':
                continue
            if callee in SPLIT_POPULATE:
                h.prims.append((callee, st, k - 2))
                continue
            if callee in VMA_WRITERS:
                raise Blocked(order('vma-write-after'),
                              '%s calls %s() (line %d) after it starts populating page '
                              'tables (line %d); move it before the populate call by '
                              'hand, then rerun' % (h.name, callee, h.line_of(t), h.pop_line))
            raise Blocked('blocked:unknown-vma-use(%s)' % (callee or vma),
                          '%s passes the VMA to %s (line %d) after it starts populating; '
                          'complete may only populate' % (h.name, callee or 'an expression',
                                                          h.line_of(t)))


def check_no_scoped_lock(h):
    for st in h.prep:
        for k, t in enumerate(st.toks):
            if t.text in SCOPED_LOCKS and k + 1 < len(st.toks) and st.toks[k + 1].text == '(':
                raise Blocked(order('lock-spans'),
                              '%s holds a scoped lock (%s, line %d) across the populate '
                              'call (line %d); split the locking by hand'
                              % (h.name, t.text, h.line_of(t), h.pop_line))


def check_no_lock_held(h):
    held = {}
    for st in h.prep:
        call = lock_call(h.text, st)
        if call and call[0] in LOCKS:
            held[(LOCKS[call[0]], call[1])] = st
        elif call and call[0] in LOCKS.values():
            held.pop(call, None)
    if held:
        (unlock, what), st = next(iter(held.items()))
        raise Blocked(order('lock-spans'),
                      '%s holds %s from line %d across the populate call (line %d); '
                      'prepare would have to drop it before complete takes it again, '
                      'which changes what it protects: split the handler by hand'
                      % (h.name, what or unlock, h.line_of(st.toks[0]), h.pop_line))


def gotos(sts):
    return {st.toks[k + 1].text for st in sts for k, t in enumerate(st.toks)
            if t.text == 'goto' and k + 1 < len(st.toks)}


def follow_jumps(h):
    """The error paths the checks jump to are copied into prepare
    (h.label_block); complete keeps what it reaches itself (h.tail)."""
    prep_labels = {st.label for st in h.prep if st.label}
    if gotos(h.tail) & prep_labels:
        raise Blocked(order('goto'), '%s jumps back from the populate part to a label of '
                      'its checks; split it by hand' % h.name)
    prep_targets = gotos(h.prep) - prep_labels
    if prep_targets - {st.label for st in h.tail}:
        raise Blocked(order('goto'), '%s jumps to a label it does not define' % h.name)
    h.label_block = reachable(h.tail, prep_targets, dead=True) if prep_targets else []
    if any(h.calls_in(st, SPLIT_POPULATE) for st in h.label_block):
        raise Blocked(order('shared-error-path'),
                      'an error path of %s that its checks jump to also '
                      'populates page tables; split it by hand' % h.name)
    h.tail_all = h.tail
    h.tail = reachable(h.tail, set())


def prepare_effects(h):
    """What prepare does in place of each populate call: the prepare side
    of a remap, or the flags the populate call implies."""
    h.effects = []
    h.remap_pfns = set()
    h.pfn_is_pgoff = True
    h.prep_text = h.text[h.prep[0].start:h.prep[-1].end] if h.prep else ''
    for callee, st, k in h.prims:
        args, close = call_args(st.toks, k)
        if callee in REMAPS:
            if st.toks[0].text in ('for', 'while', 'do'):
                raise Blocked(order('remap-loop'), '%s calls %s() in a loop; '
                              'remap_pfn_range_prepare() describes one remap of the whole '
                              'mapping: split it by hand' % (h.name, callee))
            pfn = args[2]
            pfn_text = ' '.join(h.tok_text(st.toks, *pfn).split())
            h.remap_pfns.add(pfn_text)
            if pfn_text != '%s->vm_pgoff' % h.vma:
                h.pfn_is_pgoff = False
            if callee == 'remap_pfn_range':
                h.effects.append(('remap_pfn_range_prepare', [pfn], st))
            else:
                h.effects.append(('io_remap_pfn_range_prepare', [pfn, args[3]], st))
        elif callee in MIXEDMAP_CALLS:
            h.effects.append(('flags', 'VM_MIXEDMAP', st))
        elif callee in VMALLOC_CALLS:
            h.effects.append(('flags', 'VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTDUMP', st))
        elif 'VM_PFNMAP' not in h.prep_text and 'VM_MIXEDMAP' not in h.prep_text:
            h.effects.append(('flags', FAULT_CALLS[callee], st))


def check_one_remap(h):
    if len(h.remap_pfns) > 1 or sum(1 for e in h.effects if e[0] != 'flags') > 1:
        raise Blocked(order('several-remaps'), '%s remaps more than once; '
                      'remap_pfn_range_prepare() describes one remap of the whole '
                      'mapping: split it by hand' % h.name)


def check_prepare_uses(h, stmts):
    """The VMA uses of prepare that the shared translation rules leave
    alone: a same-file helper that takes the VMA, or the VMA itself."""
    spans = [(h.text.count('\n', 0, st.start) + 1, st.start - line_start(h.text, st.start),
              h.text.count('\n', 0, st.end) + 1, st.end - line_start(h.text, st.end))
             for st in stmts]
    for (line, col, callee) in h.untranslatable:
        if not any((a, b) <= (line, col) < (c, d) for (a, b, c, d) in spans):
            continue
        if callee:
            raise Blocked('blocked:unknown-vma-use(%s)' % callee,
                          '%s passes the VMA to %s() (line %d) before populating; '
                          'split_prefault.cocci does not convert helpers: give %s() '
                          'a desc twin by hand, then rerun' % (h.name, callee, line, callee))
        raise Blocked('blocked:unknown-vma-use(%s)' % h.vma,
                      '%s uses the VMA itself at line %d before populating; a desc '
                      'cannot stand in for it' % (h.name, line))


def check_populates_always(h):
    conditional = [st for (_, st, k) in h.prims if not unconditional(st, k)]
    if conditional:
        raise Blocked(order('conditional'), '%s populates page tables only on some paths '
                      '(line %d); prepare cannot tell which flags the mapping needs: '
                      'split it by hand' % (h.name, h.line_of(conditional[0].toks[0])))


# --- vm_iomap_memory(): its checks in prepare ---------------------------------

# mm/memory.c of 6.12, vm_iomap_memory(), on the desc: the same checks and
# the same pfn, which travels to complete (a private mapping gets the pfn
# as its pgoff).
IOMAP_CHECKS = [
    '\t/* the checks and the pfn of vm_iomap_memory() */',
    '\t%(start)s = %(START)s;',
    '\t%(len)s = %(LEN)s;',
    '\tif (%(start)s + %(len)s < %(start)s)',
    '\t\treturn -EINVAL;',
    '\t%(len)s += %(start)s & ~PAGE_MASK;',
    '\t%(pfn)s = %(start)s >> PAGE_SHIFT;',
    '\t%(pages)s = (%(len)s + ~PAGE_MASK) >> PAGE_SHIFT;',
    '\tif (%(pfn)s + %(pages)s < %(pfn)s)',
    '\t\treturn -EINVAL;',
    '\tif (%(desc)s->pgoff > %(pages)s)',
    '\t\treturn -EINVAL;',
    '\t%(pfn)s += %(desc)s->pgoff;',
    '\t%(pages)s -= %(desc)s->pgoff;',
    '\tif (vma_desc_pages(%(desc)s) > %(pages)s)',
    '\t\treturn -EINVAL;',
    '\t',
    '\tio_remap_pfn_range_prepare(%(desc)s, %(pfn)s, vma_desc_size(%(desc)s));',
    '\t%(desc)s->mmap_context = (void *)%(pfn)s;',
    '\treturn 0;',
]


def split_iomap(h):
    """return vm_iomap_memory(vma, START, LEN); as the last step: prepare
    makes its checks and computes its pfn, complete remaps from it."""
    check_no_scoped_lock(h)
    check_no_lock_held(h)
    if gotos(h.prep):
        raise Blocked(order('goto'), '%s jumps to a label before vm_iomap_memory(); '
                      'split it by hand' % h.name)
    body_text = h.text[h.lbrace:h.rbrace]
    names = {}
    for x in ('start', 'len', 'pfn', 'pages'):
        names[x] = next(n for n in (x, 'iomap_' + x, 'vm_iomap_' + x)
                        if not re.search(r'\b%s\b' % n, body_text))
    names['desc'] = h.desc
    last = h.tail[0]
    names['START'] = h.expr_text(last.toks, *h.iomap[0])
    names['LEN'] = h.expr_text(last.toks, *h.iomap[1])
    h.prims = [('vm_iomap_memory', last, 1)]
    h.carried, h.ctx_fields, h.pfn_name = [names['pfn']], [], names['pfn']
    check_prepare_uses(h, h.prep)
    check_no_deferred(h)
    edits = Edits(h.text)
    cut_defines(h, edits)
    decls = [st for st in h.prep if st.decl]
    checks = [st for st in h.prep if not st.decl]
    new_decls = '\tphys_addr_t %s;\n\tunsigned long %s, %s, %s;\n' % (
        names['start'], names['len'], names['pfn'], names['pages'])
    body = edits.render(line_start(h.text, decls[0].start),
                        line_end(h.text, decls[-1].end) + 1) if decls else ''
    body += new_decls
    if checks:
        body += '\n' + render(h.text, edits, checks) + '\n'
    body += '\n' + '\n'.join(IOMAP_CHECKS).replace('\t\n', '\n') % names
    if h.filep and any(t.text == h.filep and t.kind == 'ident'
                       for st in h.prep + h.tail for t in st.toks):
        body = '\tstruct file *%s = %s->file;\n' % (h.filep, h.desc) + body
    complete = '\treturn ' + wrap_call('io_remap_pfn_range_complete', [
        h.vma, '%s->vm_start' % h.vma, '(unsigned long)context',
        '%s->vm_end - %s->vm_start' % (h.vma, h.vma), '%s->vm_page_prot' % h.vma], 15)
    split = render_split(h, body, complete)
    split.reason = ('%s becomes %s_prepare (checks and VMA setup, then those of '
                    'vm_iomap_memory()) and %s_complete (io_remap_pfn_range_complete()); '
                    'the pfn travels in mmap_context' % (h.name, h.name, h.name)) + \
        defines_reason(h)
    return split


# --- value classification: the dataflow --------------------------------------

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


def uses(sts, x):
    return any(t.text == x and t.kind == 'ident' and
               (k == 0 or st.toks[k - 1].text not in ('->', '.'))
               for st in sts for k, t in enumerate(st.toks))


def defined_in_tail(h, x):
    """Does every path through the tail set x before reading it?"""
    first_goto = next((n for n, st in enumerate(h.tail) if 'goto' in st.words), len(h.tail))
    for n, st in enumerate(h.tail):
        if uses([st], x):
            how = n <= first_goto and assigned_first(st.toks, x)
            return how == 'top' or how == 'loop' and not uses(h.tail[n + 1:], x)
    return False


class _Unknown(Exception):
    """assigned_before_read() cannot tell."""


def assigned_before_read(sts, x):
    """Does every path through the statements sts assign x before reading
    it, so that complete needs no value for it (a ret whose initializer
    only served the checks)?  Loops and jumps back answer no."""
    def expr(w, i, j, state):
        assigned = False
        for k in range(i, j):
            t = w[k]
            if t.text != x or t.kind != 'ident' or (k and w[k - 1].text in ('->', '.')):
                continue
            if k + 1 < j and w[k + 1].text == '=' and \
                    not any(u.text in ('&&', '||', '?') for u in w[i:k]):
                assigned = True
            elif not state:
                raise _Unknown
        return state or assigned

    def flow(w, i, j, state, jumps):
        """The state where w[i:j] falls through, None where it does not."""
        while i < j and state is not None:
            e = statement_end(w, i)
            t = w[i].text
            if w[i].kind == 'ident' and e == i + 2 and t not in KEYWORDS:
                raise _Unknown                          # a label in a block
            if t == OPEN_BRACE:
                state = flow(w, i + 1, e - 1, state, jumps)
            elif t == 'if':
                close = match_close(w, 1 + i)
                state = expr(w, i + 2, close, state)
                then_end = statement_end(w, close + 1)
                a = flow(w, close + 1, then_end, state, jumps)
                b = flow(w, then_end + 1, e, state, jumps) if then_end < e else state
                state = b if a is None else a if b is None else a and b
            elif t == 'goto':
                jumps.setdefault(w[i + 1].text, []).append(state)
                state = None
            elif t == 'return':
                expr(w, i + 1, e, state)
                state = None
            elif t in ('for', 'while', 'do', 'switch', 'break', 'continue'):
                if not state and uses([Stmt(w, i, e)], x) or 'goto' in [u.text for u in w[i:e]]:
                    raise _Unknown
            else:
                state = expr(w, i, e, state)
            i = e
        return state

    state, jumps = False, {}
    try:
        for st in sts:
            if st.label:
                came = jumps.pop(st.label, []) + ([] if state is None else [state])
                state = all(came) if came else None
            elif state is not None:
                state = flow(st.toks, 0, len(st.toks), state, jumps)
    except _Unknown:
        return False
    return not jumps


def vma_field_ok(h, w, k):
    """May complete read the VMA use at w[k] again, with the same value?"""
    if k + 2 >= len(w) or w[k + 1].text != '->':
        return k >= 2 and w[k - 2].text == 'vma_pages' and w[k - 1].text == '('
    fld = w[k + 2].text
    if fld in ('vm_start', 'vm_end', 'vm_file', 'vm_mm'):
        return True
    if fld == 'vm_page_prot':
        return not h.prot_written
    if fld == 'vm_pgoff':
        return h.pgoff_stable
    return False


def value_of(h, x):
    """How complete gets x: 'init', 'assign', 'bare' or 'carry'."""
    if x in h.seen:
        return h.recompute.get(x) or ('carry' if x in h.carried else 'bare')
    h.seen.add(x)
    d, n = h.locals[x]
    defs = h.definitions[x]
    if d.suffix:
        how = 'carry'
    elif not defs and d.init is None:
        how = 'bare'
    elif not defs:
        how = 'init' if pure(h, d.init, 0, len(d.init)) else 'carry'
    elif (d.init is None or pure(h, d.init, 0, len(d.init))) and \
            all(replayable(h, x, n) for n in defs):
        # the value of the declaration, then each assignment, as before
        how = 'assign'
        h.assign_stmts.extend(defs)
        h.assign_stmts_of[x] = list(defs)
    else:
        how = 'carry'
    if how == 'carry' and not d.suffix:
        h.equal_to[x] = proven_equal(h, x)
        how = 'equal' if h.equal_to[x] else how
    if how == 'carry':
        h.carried.append(x)
    elif how == 'bare':
        h.bare.add(x)
    else:
        h.recompute[x] = how
    return how


def replayable(h, x, n):
    """Can complete run prepare statement n, which assigns x, again?"""
    w = h.prep[n].toks
    return len(w) > 2 and w[0].text == x and w[1].text in ASSIGN_OPS and \
        w[-1].text == ';' and h.lock_depth[n] == 0 and pure(h, w, 2, len(w) - 1)


def depth0(w, i, j):
    """Indexes of w[i:j] outside brackets."""
    k = i
    while k < j:
        yield k
        k = match_close(w, k) + 1 if w[k].text in ('(', '[', '{') else k + 1


def exits(w, i, j):
    """Does the statement w[i:j] always leave the function or jump?"""
    if w[i].text == OPEN_BRACE:
        last, k = None, i + 1
        while k < j - 1:
            last, k = k, statement_end(w, k)
        return last is not None and w[last].text in ('return', 'goto')
    return w[i].text in ('return', 'goto')


def proven_equal(h, x):
    """(tokens, first, last) of an expression complete can compute again
    that a check of prepare proved x equal to, once x has its last value:
    if (... || x != E || ...) return or goto.  None when there is none."""
    if any(st.label for st in h.prep):
        return None
    after = max(h.definitions[x] + [h.locals[x][1]])
    for n in range(after + 1, len(h.prep)):
        w = h.prep[n].toks
        if w[0].text != 'if' or writes(h.prep[n], x):
            continue
        close = match_close(w, 1)
        if statement_end(w, close + 1) != len(w) or not exits(w, close + 1, len(w)):
            continue
        top = list(depth0(w, 2, close))
        if any(w[k].text in ('&&', '?') for k in top):
            continue
        cuts = [1] + [k for k in top if w[k].text == '||'] + [close]
        for a, b in zip(cuts, cuts[1:]):
            term = [k for k in top if a < k < b]
            ops = [k for k in term if w[k].text == '!=']
            if len(ops) != 1 or any(w[k].text in ASSIGN_OPS or w[k].text in
                                    ('==', '<', '>', '<=', '>=', '&', '|', '^')
                                    for k in term):
                continue
            op = ops[0]
            if op == a + 2 and w[a + 1].text == x:
                expr = (op + 1, b - 1)
            elif op == b - 2 and w[b - 1].text == x:
                expr = (a + 1, op - 1)
            else:
                continue
            # complete declares x from E before it sets any other local,
            # and under a lock only what the VMA says holds without it
            names = variables(w[expr[0]:expr[1] + 1])
            if names & set(h.locals) or h.lock_depth[n] and not names <= {h.vma}:
                continue
            if pure(h, w, expr[0], expr[1] + 1):
                return (w, expr[0], expr[1])
    return None


def pure(h, w, i, j):
    """Can complete compute w[i:j] again?  The locals it reads are
    classified too."""
    needed = []

    def ok(k):
        t = w[k].text
        if t == h.vma:
            return vma_field_ok(h, w, k)
        if t in h.locals:
            needed.append(t)
        return True
    if not is_pure(w, i, j, ok):
        return False
    for y in needed:
        value_of(h, y)
    return True


def value_sources(h, x):
    """The token lists complete computes x from again."""
    d = h.locals[x][0]
    if h.recompute[x] == 'equal':
        w, i, j = h.equal_to[x]
        return [w[i:j + 1]]
    return ([d.init] if d.init else []) + \
        ([] if h.recompute[x] == 'init' else
         [h.prep[n].toks[2:-1] for n in h.definitions[x]])


def classify_values(h):
    """How complete gets each local it reads: computed again, declared bare,
    or carried in mmap_context."""
    vma = h.vma
    pgoff_written = re.search(r'\b%s\s*->\s*vm_pgoff\s*(?:[-+|&^]?=[^=]|\+\+|--)' % vma,
                              h.prep_text) is not None
    h.pgoff_stable = not pgoff_written and (h.pfn_is_pgoff or not h.remap_pfns)
    h.prot_written = re.search(r'\b%s\s*->\s*vm_page_prot\s*=[^=]|&\s*%s\s*->\s*vm_page_prot'
                               % (vma, vma), h.prep_text) is not None
    h.lock_depth = []
    depth = 0
    for st in h.prep:
        w = st.words
        if len(w) > 2 and w[1] == '(' and w[0] in LOCKS:
            depth += 1
        elif len(w) > 2 and w[1] == '(' and w[0] in LOCKS.values():
            depth -= 1
        h.lock_depth.append(depth)
    # where each local gets its value before the tail
    h.definitions = {x: [n for n, st in enumerate(h.prep) if not st.decl and writes(st, x)]
                     for x in h.locals}
    h.recompute, h.carried, h.bare, h.assign_stmts = {}, [], set(), []
    h.assign_stmts_of, h.seen, h.equal_to = {}, set(), {}
    declared_in_tail = {d.name for st in h.tail for d in st.decl or []}
    for x in sorted(h.locals, key=lambda x: h.locals[x][1]):
        if x in declared_in_tail:
            continue
        if uses(h.tail, x) and not defined_in_tail(h, x) and \
                not assigned_before_read(h.tail, x):
            value_of(h, x)
        elif uses(h.tail, x):
            h.bare.add(x)
    # a recomputed value may need other locals: declare them too
    changed = True
    while changed:
        changed = False
        for x in list(h.recompute):
            for t in [t for w in value_sources(h, x) for t in w]:
                if t.text in h.locals and t.text not in h.seen:
                    value_of(h, t.text)
                    changed = True
    if not h.pgoff_stable and re.search(r'\b%s\s*->\s*vm_pgoff\b' % vma,
                                        h.text[h.tail[0].start:h.tail[-1].end]):
        h.pgoff_name = 'pgoff' if 'pgoff' not in h.locals else 'orig_pgoff'
        h.carried.append(h.pgoff_name)


def needed_outside_pfn(h):
    """What complete reads other than in the pfn of the one remap, with
    what the values it computes again for that read in turn."""
    rst, pa, pb = h.remap
    needed = set()
    for st in h.tail:
        w = st.toks
        for j, t in enumerate(w):
            if st is rst and pa <= j <= pb:
                continue
            if t.kind == 'ident' and (j == 0 or w[j - 1].text not in ('->', '.')):
                needed.add(t.text)
            if t.text == h.vma and j + 2 < len(w) and w[j + 2].text == 'vm_pgoff':
                needed.add(h.pgoff_name)
    todo = [y for y in needed if y in h.recompute]
    while todo:
        for z in variables([t for w in value_sources(h, todo.pop()) for t in w]):
            if z not in needed:
                needed.add(z)
                todo += [z] if z in h.recompute else []
    return needed


def carry_pfn(h):
    """When what travels only serves to compute the pfn of the one remap,
    the pfn itself travels: prepare computes it once, as the remap did."""
    remaps = [(c, st, k) for (c, st, k) in h.prims if c in REMAPS]
    if not h.carried or len(remaps) != 1:
        return
    _, rst, rk = remaps[0]
    (pa, pb) = call_args(rst.toks, rk)[0][2]
    h.remap = (rst, pa, pb)
    first = h.carried[0]
    single = len(h.carried) == 1 and first != h.pgoff_name and \
        (h.locals[first][0].stars or
         ' '.join(h.locals[first][0].type_text.split()) in POINTER_SIZED)
    needed = needed_outside_pfn(h)
    if single or any(x in needed for x in h.carried):
        return
    body_text = h.text[h.lbrace:h.rbrace]
    h.pfn_name = next(n for n in ('pfn', 'mmap_pfn', 'remap_pfn')
                      if not re.search(r'\b%s\b' % n, body_text))
    h.carried = [h.pfn_name]
    h.pgoff_name = None
    # locals that only served the pfn are not needed in complete
    for y in list(h.recompute) + sorted(h.bare):
        if y not in needed:
            h.recompute.pop(y, None)
            h.bare.discard(y)
            for n in h.assign_stmts_of.pop(y, []):
                h.assign_stmts.remove(n)


def choose_context(h):
    """One value travels as the mmap_context pointer itself, several (or
    one wider than a pointer) in an object: h.ctx_fields."""
    h.ctx_fields = []
    if len(h.carried) == 1:
        x = h.carried[0]
        if x == h.pgoff_name:
            ctx_type, stars = 'pgoff_t', ''
        elif x == h.pfn_name:
            ctx_type, stars = 'unsigned long', ''
        else:
            d = h.locals[x][0]
            ctx_type, stars = d.type_text, d.stars
        if not stars and ' '.join(ctx_type.split()) not in POINTER_SIZED:
            h.ctx_fields = h.carried
    elif len(h.carried) > 1:
        h.ctx_fields = h.carried
    if 'ctx' in h.locals and h.ctx_fields:
        raise Blocked(order('name-taken'), '%s already has a local named ctx; rename it, '
                      'then rerun' % h.name)


# --- rendering ----------------------------------------------------------------

def prepare_locals_used(h, edits):
    """The locals prepare still reads; the assignments that go to complete
    are cut from it (in edits)."""
    text, prep = h.text, h.prep
    used = set()
    for st in h.label_block:
        used.update(variables(st.toks))
    used.update(x for x in h.carried if x != h.pgoff_name)
    for (fn, args, st) in h.effects:
        if fn != 'flags':
            for (a, b) in args:
                used.update(variables(st.toks[a:b + 1]))
    for n, st in enumerate(prep):
        if st.decl:
            continue
        x = st.words[0]
        own = h.assign_stmts_of.get(x, []) + [h.locals[x][1] if x in h.locals else -1]
        if n in h.assign_stmts and x not in used and \
                not any(uses([s2], x) for m, s2 in enumerate(prep) if m not in own):
            # with the comment above it: it goes to complete
            edits.replace(comment_start(text, prep, n), line_end(text, st.end) + 1, '')
            continue
        used.update(variables(st.toks))
    # and what the initializers of those read
    changed = True
    while changed:
        changed = False
        for st in prep:
            for d in st.decl or []:
                if d.init and d.name in used and not variables(d.init) <= used:
                    used |= variables(d.init)
                    changed = True
    return used


def drop_unused_declarations(h, edits, used):
    """Declarations whose variables prepare no longer uses go, unless their
    initializer does something."""
    text = h.text
    for st in h.prep:
        if not st.decl:
            continue
        keep = [d for d in st.decl if d.name in used or
                (d.init and not is_pure(d.init, 0, len(d.init), lambda k: True))]
        if len(keep) == len(st.decl):
            continue
        if not keep:
            edits.replace(line_start(text, st.start), line_end(text, st.end) + 1, '')
        else:
            edits.replace(st.start, st.end, '%s;' % ', '.join(
                render_declarator(edits, d, i) for i, d in enumerate(keep)))


def prepare_ending(h, edits):
    """The lines prepare ends with: the context handed over, the prepare
    side of each populate call, return 0, the copied error paths."""
    text, ctx_name, desc = h.text, h.ctx_name, h.desc
    out = []
    if h.carried:
        if h.ctx_fields:
            out += ['\t%s = kmalloc(sizeof(*%s), GFP_KERNEL);' % (ctx_name, ctx_name),
                    '\tif (!%s)' % ctx_name, '\t\treturn -ENOMEM;']
            for x in h.carried:
                out.append('\t%s->%s = %s;' % (ctx_name, x,
                                               desc + '->pgoff' if x == h.pgoff_name else x))
            out.append('\t%s->mmap_context = %s;' % (desc, ctx_name))
        else:
            x = h.carried[0]
            if x == h.pfn_name:
                rst, pa, pb = h.remap
                # on one line: split_wrap_pfn wraps it once on the desc
                out.append('\t%s = %s;' % (h.pfn_name, h.expr_text(rst.toks, pa, pb)))
                out.append('\t%s->mmap_context = (void *)%s;' % (desc, h.pfn_name))
            elif x == h.pgoff_name:
                out.append('\t%s->mmap_context = (void *)%s->pgoff;' % (desc, desc))
            elif h.locals[x][0].stars and 'const' not in h.locals[x][0].type_text:
                out.append('\t%s->mmap_context = %s;' % (desc, x))
            else:
                out.append('\t%s->mmap_context = (void *)%s;' % (desc, x))
    done = set()
    for (fn, args, st) in h.effects:
        if fn == 'flags':
            line = '\t' + wrap_flags(args, 8, '|=', desc)
        else:
            texts = [h.expr_text(st.toks, a, b) for (a, b) in args]
            if h.pfn_name:
                texts[0] = h.pfn_name
            line = '\t%s(%s);' % (fn, ', '.join([desc] + texts))   # split_wrap_call
        if line not in done:
            done.add(line)
            out.append(line)
    out.append('\treturn 0;')
    if h.label_block:
        out.append(render(text, edits, h.label_block))
    return out


def render_prepare(h):
    """The body of NAME_prepare: the checks on the desc, then the ending."""
    text, prep = h.text, h.prep
    check_prepare_uses(h, prep + h.label_block)
    edits = Edits(text)
    cut_defines(h, edits)
    drop_acquire(h, edits)
    drop_unused_declarations(h, edits, prepare_locals_used(h, edits))
    body = edits.render(comment_above(text, line_start(text, prep[0].start)),
                        line_end(text, prep[-1].end) + 1).rstrip('\n') if prep else ''
    out = prepare_ending(h, edits)
    decls = [st for st in prep if st.decl]
    if h.ctx_fields or h.pfn_name:
        decl_line = '\t%s *%s;\n' % ('struct %s_context' % h.name, h.ctx_name) \
            if h.ctx_fields else '\tunsigned long %s;\n' % h.pfn_name
        if decls:
            k = len(edits.render(comment_above(text, line_start(text, prep[0].start)),
                                 line_end(text, decls[-1].end) + 1))
            body = body[:k] + decl_line + body[k:] if k <= len(body) else \
                body + '\n' + decl_line.rstrip('\n')
        else:
            body = decl_line + '\n' + body
    written = body + '\n'.join(out)
    if h.filep and re.search(r'\b%s\b' % re.escape(h.filep), re.sub(
            r'/\*.*?\*/|"(?:\\.|[^"\\])*"', '', written, flags=re.S)):
        body = '\tstruct file *%s = %s->file;\n' % (h.filep, h.desc) + \
            ('' if decls or h.ctx_fields or h.pfn_name else '\n') + body
    if prep:
        # as far apart from the checks as the populate call was
        gap = text[prep[-1].end:line_start(text, h.tail_all[0].start)]
        body = body.rstrip('\n') + ('\n\n' if prep[-1].decl or '\n\n' in gap or
                                    not gap.strip('\n') == '' else '\n')
    return re.sub(r'\n{3,}', '\n\n', body.lstrip('\n') + '\n'.join(out))


def complete_locals(h):
    """The declarations complete opens with, in the order of the original."""
    ctx_name = h.ctx_name
    lines = []
    if h.ctx_fields:
        lines.append('\tconst struct %s_context *%s = context;' % (h.name, ctx_name))
    order_of = list(h.locals)
    for x in sorted(set(h.carried) | set(h.recompute) | h.bare,
                    key=lambda x: (h.locals[x][1], order_of.index(x)) if x in h.locals
                    else (-1, 0)):
        if x == h.pgoff_name:
            lines.append('\tpgoff_t %s = %s;' % (x, '%s->%s' % (ctx_name, x) if h.ctx_fields
                                                 else '(pgoff_t)context'))
            continue
        if x == h.pfn_name:
            lines.append('\tunsigned long %s = (unsigned long)context;' % x)
            continue
        d = h.locals[x][0]
        if x in h.carried:
            if h.ctx_fields:
                value = '%s->%s' % (ctx_name, x)
            elif d.stars:
                value = 'context' if 'const' in d.type_text else '(void *)context'
            else:
                value = '(%s)context' % ' '.join(d.type_text.split())
            lines.append('\t%s;' % d.text(init_text=value))
        elif h.recompute.get(x) == 'equal':
            w, i, j = h.equal_to[x]
            lines.append('\t%s;' % d.text(init_text=' '.join(
                h.text[w[i].start:w[j].end].split())))
        elif h.recompute.get(x) in ('init', 'assign') and d.init is not None:
            lines.append('\t%s;' % d.text())
        else:
            lines.append('\t%s;' % d.text(with_init=False))
    return lines


def render_complete(h):
    """The body of NAME_complete: the values it needs, then the population
    with its error handling, the remaps renamed to their _complete form."""
    text = h.text
    tedits = Edits(text)
    if h.pgoff_name:
        for st in h.tail:
            w = st.toks
            for k, t in enumerate(w):
                if t.text == h.vma and k + 2 < len(w) and w[k + 1].text == '->' and \
                   w[k + 2].text == 'vm_pgoff':
                    tedits.replace(t.start, w[k + 2].end, h.pgoff_name)
    if h.pfn_name:
        rst, pa, pb = h.remap
        tedits.replace(rst.toks[pa].start, rst.toks[pb].end, h.pfn_name)
    for callee, st, k in h.prims:
        if callee in REMAPS:
            tedits_call_rename(text, tedits, st, k, callee + '_complete')
    lines = complete_locals(h)
    start = []
    if h.ctx_fields:
        start.append('\tkfree(%s);' % h.ctx_name)
    for n in sorted(h.assign_stmts):
        start.append(text[comment_start(text, h.prep, n):h.prep[n].end])
    tail_text = render(text, tedits, h.tail)
    gap = '\n' if h.tail[0].decl and not start else '\n\n'
    # a comment that opens the population stands apart from the values
    if start and tail_text.lstrip().startswith(('/' + '*', '/' + '/')):
        start.append('')
    return '\n'.join(lines) + (gap if lines else '') + \
        ('\n'.join(start) + '\n' if start else '') + tail_text


def context_struct(h):
    fields = []
    for x in h.carried:
        if x == h.pgoff_name:
            fields.append('\tpgoff_t %s;' % x)
        else:
            fields.append('\t%s;' % h.locals[x][0].text(with_init=False))
    return '%s_context {\n%s\n}' % (h.name, '\n'.join(fields))


def hook_headers(h):
    """The headers of NAME_complete and NAME_abort, as the original header
    is written."""
    name, prefix = h.name, h.text[h.head:h.name_at]
    filep = h.filep or 'file'
    params = '(struct file *%s, struct vm_area_struct *%s,' % (filep, h.vma)
    col = column(prefix + name + '_complete', len(prefix + name + '_complete'))
    complete = '%s%s_complete%s\n%sconst void *context)' % (
        prefix, name, params, indent_to(col + 1))
    if col + 1 + len(params) > 80:
        complete = '%s%s_complete(struct file *%s,\n%sstruct vm_area_struct *%s,' \
            '\n%sconst void *context)' % (prefix, name, filep, indent_to(col + 1),
                                         h.vma, indent_to(col + 1))
    abort_prefix = prefix.replace('int', 'void', 1)
    acol = column(abort_prefix + name + '_abort', len(abort_prefix + name + '_abort'))
    params = ['const struct file *file,', 'const void *vm_private_data,',
              'const void *context)']
    if acol + 1 + len(' '.join(params[:2])) <= 80:
        params = [' '.join(params[:2]), params[2]]
    abort = '%s%s_abort(%s' % (abort_prefix, name, ('\n' + indent_to(acol + 1)).join(params))
    return complete, abort


def render_split(h, prepare, complete):
    """The hooks, as the text that replaces the body of the handler (from
    the body of NAME_prepare to that of the last hook, without its
    closing semicolon), and what the report says."""
    split = Split()
    split.primitives = sorted({c for (c, _, _) in h.prims})
    split.carried = h.carried
    split.pfn_name = h.pfn_name
    split.prepare, split.complete = prepare, complete
    if h.ctx_fields:
        split.context_struct = context_struct(h)
        split.abort = True
    complete_header, abort_header = hook_headers(h)
    text_out = prepare + '\n}\n\n' + complete_header + '\n{\n' + complete
    if split.abort:
        split.hooks.add('abort')
        text_out += '\n}\n\n%s\n{\n\tkfree(context);' % abort_header
    text_out = text_out.lstrip('\t')
    if h.proto:
        # the storage class and type of the first come from the prototype
        split.prototypes = '%s_prepare(struct vm_area_desc *%s);\n%s' % (
            h.name, h.desc, complete_header)
        if split.abort:
            split.prototypes += ';\n' + abort_header
    if not text_out.endswith(';'):
        raise Blocked(order('no-final-return'), '%s does not end with a return statement; '
                      'split it by hand' % h.name)
    split.body = text_out[:-1]
    # where spatch finds each top-level statement and declaration it removes
    split.remove = {(h.text.count('\n', 0, st.start) + 1,
                     st.start - line_start(h.text, st.start)) for st in h.stmts}
    if h.defines:
        # kept where they stand by spatch: the hooks replace the last
        # statement, below them, rather than follow the brace
        last = h.stmts[-1]
        split.anchor = (h.text.count('\n', 0, last.start) + 1,
                        last.start - line_start(h.text, last.start))
        split.remove.discard(split.anchor)
        names = define_names(h)
        named = [n for n in names if split.context_struct and
                 re.search(r'\b%s\b' % re.escape(n), split.context_struct)]
        if named:
            raise Blocked(order('preprocessor'),
                          '%s has %s %s inside its body, which the split moves to the '
                          'top of %s_prepare, below the context object that names it; '
                          'move it above the function, then rerun'
                          % (h.name, HASH_DEFINE, named[0], h.name))
    what = ', '.join('%s()' % p for p in ([h.acquire[0]] if h.acquire else []) +
                     split.primitives)
    split.reason = '%s becomes %s_prepare (checks and VMA setup) and %s_complete (%s)' % (
        h.name, h.name, h.name, what)
    if h.carried:
        split.reason += '; %s travel%s in mmap_context' % (
            ', '.join('the original pgoff' if x == h.pgoff_name else x for x in h.carried),
            '' if len(h.carried) > 1 else 's')
    if split.abort:
        split.reason += ', allocated by prepare and freed by complete or %s_abort' % h.name
    split.reason += defines_reason(h)
    return split


def defines_reason(h):
    if not h.defines:
        return ''
    return '; %s moves to the top of %s_prepare' % (
        ' and '.join(HASH_DEFINE + ' ' + n for n in define_names(h)), h.name)


def comment_start(text, stmts, n):
    """Start of the line of stmts[n], or of the comment right above it."""
    start = line_start(text, stmts[n].start)
    prev = stmts[n - 1].end if n else text.rfind(OPEN_BRACE, 0, start) + 1
    between = text[prev:start]
    # [/][*] rather than the plain characters: the lexer of spatch reads those
    m = re.search(r'\n([ \t]*[/][*](?:(?![*][/]).)*[*][/][ \t]*\n)$', between, re.S)
    return start - len(m.group(1)) if m else start


def comment_above(text, start):
    """start moved up over the comments that stand on their own lines right
    above it (blank lines between allowed): they go with the statement."""
    while True:
        before = text[:start].rstrip(' \t\n')
        if before.endswith('*' + '/'):
            opening = before.rfind('/' + '*')
        else:
            last = before[line_start(before, len(before)):]
            opening = len(before) - len(last.lstrip()) if \
                last.lstrip().startswith('/' + '/') else -1
        if opening < 0 or text[line_start(text, opening):opening].strip():
            return start
        start = line_start(text, opening)


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
        start = comment_above(text, line_start(text, st.start))
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


# ---------------------------------------------------------------------------
# The decision of split_prefault.cocci, and what its rules ask
# ---------------------------------------------------------------------------

SPLIT_BY = 'mmap_to_prepare.cocci converts it'


def split_helpers(ff, h):
    """({helper: desc name}, None) for the same-file helpers h passes its
    VMA to that are converted in place to take the desc, as
    mmap_to_prepare.cocci converts those of the handlers it converts;
    (None, why) when one that could be is also called elsewhere."""
    helpers = helpers_of(ff, h, set())
    out = {}
    for hp in sorted(helpers):
        if blocked_use(ff, hp, set()):
            # the split says why when it meets the call
            continue
        others = [k for (where, k) in ff.refs.get(hp, [])
                  if where != h and where not in helpers]
        if others:
            return None, ('blocked:unknown-vma-use(%s)' % hp,
                          '%s passes the VMA to %s(), which is also used at line %d; '
                          'split_prefault.cocci converts only a helper that the '
                          'handler alone calls: give %s() a desc twin by hand, then '
                          'rerun' % (h, hp, others[0][0], hp))
        out[hp] = helper_prepare_name(ff, hp)
    return out, None


def split_decide(ff):
    """Status of every handler for this semantic patch, and the split of
    every definition to rewrite (by position of its name)."""
    if getattr(ff, 'split_decision', None) is not None:
        return ff.split_decision
    status, _ = decide(ff)
    out, splits = {}, {}
    ff.split_helpers = {}
    ff.split_descs = {}
    hook_keys = {pos for uses in ff.hooks.values() for (_, _, pos) in uses}
    for h, (code, reason) in status.items():
        if code == 'converted:prepare':
            out[h] = (code, reason + '; ' + SPLIT_BY)
            continue
        if not code.startswith('needs-complete'):
            out[h] = (code, reason)
            continue
        others = [k for (where, k) in ff.refs.get(h, []) if k not in hook_keys]
        if others:
            out[h] = ('blocked:called-elsewhere',
                      '%s is also used at line %s; convert those users together '
                      'with it' % (h, ', '.join(str(k[0]) for k in others)))
            continue
        helpers, why = split_helpers(ff, h)
        if why:
            out[h] = why
            continue
        # the handler and the helpers that take its desc name it alike
        descs = desc_name(ff, [h] + sorted(helpers))
        try:
            done = split_definitions(ff, h, helpers, acquire=ff.moved.get(h), desc=descs[h])
        except Blocked as why:
            out[h] = (why.code, why.reason)
            continue
        partial = partial_remap(ff, h)
        if partial:
            out[h] = ('blocked:unknown-vma-use(%s)' % partial[0],
                      '%s calls %s() (line %d) over what may be part of the '
                      'mapping; %s_prepare() assumes the whole mapping (for a '
                      'private one it sets the page offset to the pfn), so the '
                      'split could fail or succeed where the original did not: '
                      'convert by hand' % (h, partial[0], partial[1], partial[0]))
            continue
        abort = any(sp.abort for (_, sp) in done)
        ff.split_helpers.update(helpers)
        ff.split_descs.update(descs)
        out[h] = ('converted:abort' if abort else 'converted:complete',
                  variants_reason(h, done) + desc_note(ff, h, descs))
        for pos, sp in done:
            splits[pos] = sp
    ff.split_decision = (out, splits)
    return ff.split_decision


def split_definitions(ff, h, helpers, acquire=None, desc=DESC_NAMES[0]):
    """[(position, Split)] of every definition of h, its desc named desc.
    #ifdef variants are each written on their own: the ones that populate
    are split, the others become a plain NAME_prepare; the initializer
    names the same hooks in every configuration, so a variant without a
    hook another one has defines it NULL, as the kernel writes an
    operation a configuration leaves out ('#define foo_compat_ioctl NULL')."""
    text = source(ff)
    defs = ff.defs[h]
    if len(defs) == 1:
        (v, _, fp, _, pos), = defs
        return [(pos, split_handler(text, h, pos[0], v, fp, acquire=acquire,
                                    untranslatable=untranslatable(ff, h, v, helpers),
                                    desc=desc))]
    check_variants_not_declared(text, h, defs)
    split = [d for d in defs if populates(text, h, d.pos[0], d.vma)]
    check_one_populating_variant(h, defs, split)
    done = []
    for (v, _, fp, _, pos) in defs:
        others = untranslatable(ff, h, v, helpers)
        if (v, _, fp, _, pos) in split:
            # a variant without the acquire refuses it (move_acquire)
            done.append((pos, split_handler(text, h, pos[0], v, fp, acquire=acquire,
                                            untranslatable=others, desc=desc)))
        else:
            done.append((pos, plain_prepare(text, h, pos[0], v, fp, others, desc)))
    hooks = set().union(*(sp.hooks for (_, sp) in done))
    for (_, sp) in done:
        sp.null_hooks = sorted(hooks - sp.hooks, key=['complete', 'abort'].index)
    return done


def check_variants_not_declared(text, h, defs):
    """A prototype before #ifdef variants would declare hooks that some
    branch defines NULL, or not at all."""
    hd = Handler(text, h, defs[0].vma, defs[0].filep)
    find_forward_declaration(hd)
    if hd.proto:
        raise Blocked(order('ifdef-variants'),
                      '%s has %d definitions (one per preprocessor branch) and a forward '
                      'declaration; move the definitions above their first use and drop '
                      'it, then rerun' % (h, len(defs)))


def check_one_populating_variant(h, defs, split):
    """The rules that write the hooks tell #ifdef variants apart by
    whether they populate: one may, the others only configure."""
    if len(split) > 1:
        raise Blocked(order('ifdef-variants'),
                      '%s has %d definitions (one per preprocessor branch) that populate '
                      'page tables (lines %s); split_prefault.cocci splits one per handler: '
                      'split the others by hand' % (h, len(split), ', '.join(
                          str(d.pos[0]) for d in split)))
    if not split:
        raise Blocked(order('ifdef-variants'),
                      '%s has %d definitions (one per preprocessor branch), none of which '
                      'makes a populate call itself; convert each by hand' % (h, len(defs)))


def populates(text, name, line, vma):
    """Does the definition of name on line make a populate call on its VMA?"""
    h = Handler(text, name, vma, None)
    read_body(h, line)
    return bool(h.calls_in(Stmt(h.toks, 0, len(h.toks)), SPLIT_POPULATE | {'vm_iomap_memory'})) \
        if h.toks else False


def plain_prepare(text, name, line, vma, filep, untranslatable=(), desc=DESC_NAMES[0]):
    """The #ifdef variant of a split handler that does not populate: its
    body, which the shared translation rules put on the desc (named desc),
    as mmap_to_prepare.cocci writes a prepare."""
    h = Handler(text, name, vma, filep, desc=desc, untranslatable=untranslatable)
    read_body(h, line)
    if h.directives:
        # the body follows the brace, above what spatch keeps
        refuse_directives(h, h.directives)
    check_body_not_empty(h)
    check_hook_names_free(h)
    cut_nothing(h)
    check_prepare_uses(h, h.stmts)
    body = render(text, Edits(text), h.stmts)
    if filep and filep in variables(h.toks):
        decl = h.stmts[0].decl
        body = '\tstruct file *%s = %s->file;\n%s%s' % (filep, desc, '' if decl else '\n',
                                                         body)
    split = Split()
    split.hooks = set()
    split.body = body.lstrip('\t')[:-1]
    # the final return stays for split_plain_definition to find this variant
    split.remove = {(text.count('\n', 0, st.start) + 1, st.start - line_start(text, st.start))
                    for st in h.stmts[:-1]}
    split.reason = '%s becomes %s_prepare' % (name, name)
    return split


def cut_nothing(h):
    """The statements of a body that stays whole."""
    h.stmts = []
    i = 0
    while i < len(h.toks):
        j = statement_end(h.toks, i)
        h.stmts.append(Stmt(h.toks, i, j))
        h.stmts[-1].decl = parse_declaration(h.text, h.stmts[-1].toks)
        i = j
    if h.stmts[-1].words[0] != 'return':
        raise Blocked(order('no-final-return'), '%s does not end with a return statement; '
                      'convert it by hand' % h.name)


def variants_reason(h, done):
    """What the report says of a handler split in one or more #ifdef
    variants: the words of the split, and what becomes of the other variants."""
    split = [sp for (_, sp) in done if 'complete' in sp.hooks]
    reason = split[0].reason
    plain = [(pos, sp) for (pos, sp) in done if sp.null_hooks]
    for pos, sp in plain:
        reason += '; its #ifdef variant at line %d, which does not populate, becomes %s_prepare ' \
            'with %s defined NULL' % (pos[0], h, ' and '.join(
                '%s_%s' % (h, hook) for hook in sp.null_hooks))
    return reason


def split_null_hooks(ff, fn, p):
    """'#define NAME_hook NULL' lines the definition at p gets after it."""
    sp = split_of(ff, fn, p)
    return sp.null_hooks if sp else []


def untranslatable(ff, fn, vma, helpers=()):
    """The uses of the VMA parameter of fn that have no desc translation
    (not in the facts of vma_translatable or vma_flags_statement, nor
    passed to one of the helpers that take the desc with it), in order:
    (line, column, the function it is passed to or None)."""
    callee = {k: ff.call_args[k].callee for k in ff.call_args}
    return sorted(k + (callee.get(k),) for (where, name, k) in ff.vma_uses
                  if where == fn and name == vma and k not in ff.allowed
                  and callee.get(k) not in helpers)


def on_desc(ff, fn):
    """The shared translation rules rewrite the prepare half of a split and
    the helpers that take the desc with it (replacing the on_desc() of the
    shared part, whose conversions are mmap_to_prepare.cocci's)."""
    if split_status(ff, fn) in ('converted:complete', 'converted:abort'):
        return fn + '_prepare'
    return fn if fn in ff.split_helpers else SKIP


def desc_of(ff, fn):
    """The name of the desc fn takes once split, or converted as a helper
    of a split handler (replacing the desc_of() of the shared part)."""
    split_decide(ff)
    return ff.split_descs.get(fn, DESC_NAMES[0])


def report_split(ff, h, p, emit):
    report_handler(ff, h, p, emit, split_decide)


def split_removes(p):
    """Is p a top-level statement or declaration of a handler to split?
    Whole bodies cannot be matched with ... or a statement list when they
    hold loops, so each top-level statement is removed on its own."""
    ff = facts(p)
    where = (int(p[0].line), int(p[0].column))
    return any(where in sp.remove for sp in split_decide(ff)[1].values())


def split_anchor(p):
    """Is p the last statement of a body with #define lines, which the
    hooks replace (render_split)?"""
    return anchored(p) is not None


def split_anchor_text(p):
    return anchored(p).body


def anchored(p):
    where = (int(p[0].line), int(p[0].column))
    return next((sp for sp in split_decide(facts(p))[1].values() if sp.anchor == where), None)


def split_of(ff, fn, p):
    return split_decide(ff)[1].get(key(p))


def split_status(ff, fn):
    return split_decide(ff)[0].get(fn, ('', ''))[0]

