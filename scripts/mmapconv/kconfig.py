"""Kconfig facts verify needs to pick configurations, and the compilers
for other architectures.

A file that the host's allmodconfig leaves out is often another
architecture's (arch/powerpc/...) or needs one through its Kconfig
(`depends on ARM`, `depends on ARCH_QCOM`): the symbols it depends on,
followed a few levels, name the architectures whose Kconfig files alone
define them.  A symbol that olddefconfig will not flip (MMU, selected by
the architecture) is found set the wanted way in some architecture's
defconfig (`# CONFIG_MMU is not set`).

Pure logic: the tree is read through read(path) and a list of its files.
"""

import platform
import re
import shutil
from dataclasses import dataclass, field

# Debian's cross compilers (CORPUS.md): kbuild ARCH -> (CROSS_COMPILE, package)
CROSS = {
    'alpha': ('alpha-linux-gnu-', 'gcc-alpha-linux-gnu'),
    'arc': ('arc-linux-gnu-', 'gcc-arc-linux-gnu'),
    'arm': ('arm-linux-gnueabi-', 'gcc-arm-linux-gnueabi'),
    'arm64': ('aarch64-linux-gnu-', 'gcc-aarch64-linux-gnu'),
    'm68k': ('m68k-linux-gnu-', 'gcc-m68k-linux-gnu'),
    'mips': ('mips-linux-gnu-', 'gcc-mips-linux-gnu'),
    'parisc': ('hppa-linux-gnu-', 'gcc-hppa-linux-gnu'),
    'powerpc': ('powerpc64-linux-gnu-', 'gcc-powerpc64-linux-gnu'),
    'riscv': ('riscv64-linux-gnu-', 'gcc-riscv64-linux-gnu'),
    's390': ('s390x-linux-gnu-', 'gcc-s390x-linux-gnu'),
    'sh': ('sh4-linux-gnu-', 'gcc-sh4-linux-gnu'),
    'sparc': ('sparc64-linux-gnu-', 'gcc-sparc64-linux-gnu'),
    'x86': ('x86_64-linux-gnu-', 'gcc-x86-64-linux-gnu'),
}
HOST_MACHINES = {'x86_64': 'x86', 'i686': 'x86', 'aarch64': 'arm64', 'ppc64le': 'powerpc',
                 'ppc64': 'powerpc', 's390x': 's390', 'riscv64': 'riscv'}
ARCH_PATH = re.compile(r'^arch/([^/]+)/')
# a symbol defined by at most this many architectures is theirs (ARCH_QCOM:
# arm and arm64); MMU, defined by most, needs a configuration instead
ARCH_OWN = 3


def host_arch():
    return HOST_MACHINES.get(platform.machine(), platform.machine())


def cross_prefix(arch):
    """CROSS_COMPILE for arch ('' for the host and for UML, which uses the
    host's compiler)."""
    if arch in (host_arch(), 'um'):
        return ''
    return CROSS.get(arch, ('', ''))[0]


def compiler_missing(arch):
    """The Debian package to install when arch's compiler is missing, '' when
    it is there; None when Debian has none for arch."""
    if arch in (host_arch(), 'um'):
        return ''
    if arch not in CROSS:
        return None
    prefix, package = CROSS[arch]
    return '' if shutil.which(prefix + 'gcc') else package


def arch_of_path(path):
    m = ARCH_PATH.match(path)
    return m.group(1) if m else None


@dataclass
class Symbol:
    name: str
    files: list = field(default_factory=list)   # Kconfig files that define it
    depends: list = field(default_factory=list)  # symbols of depends on / if blocks
    prompt: bool = False
    defaults: list = field(default_factory=list)  # symbols of its `default y if` lines
    selectors: list = field(default_factory=list)  # symbols that select it
    conflicts: list = field(default_factory=list)  # symbols it depends on being off (!X)


class Index:
    """config entries of every Kconfig file: where each symbol is defined
    and what it depends on."""

    def __init__(self, read, paths):
        self.symbols = {}
        for path in paths:
            self.parse(path, read(path) or '')

    def parse(self, path, text):
        ifs, cur, help_indent = [], None, None
        for raw in text.replace('\\\n', ' ').splitlines():
            # help text ("if you say Y here...") runs while it stays indented
            # at least as deep as its first line
            if help_indent is not None:
                indent = len(raw.expandtabs()) - len(raw.expandtabs().lstrip())
                if not raw.strip():
                    continue
                if help_indent < 0:
                    help_indent = indent
                    continue
                if indent >= help_indent:
                    continue
                help_indent = None
            line = raw.split('#', 1)[0].strip()
            if line in ('help', '---help---'):
                help_indent = -1
                continue
            m = re.match(r'^(menuconfig|config)\s+(\w+)$', line)
            if m:
                cur = self.symbols.setdefault(m.group(2), Symbol(m.group(2)))
                cur.files.append(path)
                cur.depends += [s for cond in ifs for s in cond]
                continue
            m = re.match(r'^if\s+(.*)$', line)
            if m:
                ifs.append(re.findall(r'\b[A-Z][A-Z0-9_]+\b', m.group(1)))
                cur = None
                continue
            if line == 'endif':
                if ifs:
                    ifs.pop()
                cur = None
                continue
            if re.match(r'^(menu|endmenu|choice|endchoice|source|comment|mainmenu)\b', line):
                cur = None
                continue
            if cur is None:
                continue
            m = re.match(r'^select\s+(\w+)', line)
            if m:
                self.symbols.setdefault(m.group(1), Symbol(m.group(1))).selectors.append(cur.name)
                continue
            m = re.match(r'^depends\s+on\s+(.*)$', line)
            if m:
                cur.depends += re.findall(r'\b[A-Z][A-Z0-9_]+\b', m.group(1))
                # a plain `depends on !X` (not inside an || of others)
                if '|' not in m.group(1):
                    cur.conflicts += re.findall(r'!\s*([A-Z][A-Z0-9_]+)\b', m.group(1))
            elif re.match(r'^(def_bool|def_tristate|default)\s+[ym]\s+if\s', line):
                cur.defaults += re.findall(r'\b[A-Z][A-Z0-9_]+\b', line.split(' if ', 1)[1])
            elif re.match(r'^(bool|tristate|string|int|hex)\s+"', line) or \
                    re.match(r'^prompt\s+"', line):
                cur.prompt = True

    def enablers(self, name, depth=4):
        """Prompted symbols that turn name on: itself when it has a prompt,
        else what selects it or names it in a `default y if`, a few levels
        up (PPC_CELL, selected through PPC_CELL_COMMON by PPC_IBM_CELL_BLADE)."""
        out, todo, seen = [], [(name, 0)], set()
        while todo:
            cur, level = todo.pop(0)
            sym = self.symbols.get(cur)
            if cur in seen or not sym:
                continue
            seen.add(cur)
            if sym.prompt:
                out.append(cur)
            elif level < depth:
                todo += [(d, level + 1) for d in sym.defaults + sym.selectors]
        return out

    def reach(self, unheld, config):
        """{CONFIG_X: True/False} that may let olddefconfig keep the unheld
        symbols on: the symbols they depend on that are off, those they
        need off (`depends on !HYPERV_VTL_MODE`) that are on, and for a
        symbol without a prompt, the first prompted one that turns it on."""
        out = {}
        for full in unheld:
            sym = self.symbols.get(full.replace('CONFIG_', '', 1))
            if not sym or config.get(full):
                continue            # wanted off: nothing general to do
            for dep in sym.depends:
                if dep in self.symbols and self.symbols[dep].prompt and \
                        not config.get('CONFIG_' + dep) and dep not in sym.conflicts:
                    out['CONFIG_' + dep] = True
            for dep in sym.conflicts:
                if config.get('CONFIG_' + dep) and dep in self.symbols and \
                        self.symbols[dep].prompt:
                    out['CONFIG_' + dep] = False
            if not sym.prompt:
                for e in self.enablers(sym.name)[:1]:
                    out['CONFIG_' + e] = True
        return out

    def related(self, name, depth=3):
        """name, what it depends on, and what turns those on: the symbols a
        configuration that builds name's files is likely to set."""
        out, todo = set(), [(name.replace('CONFIG_', '', 1), 0)]
        while todo:
            cur, level = todo.pop(0)
            if cur in out or cur not in self.symbols:
                continue
            out.add(cur)
            out.update(self.enablers(cur))
            if level < depth:
                todo += [(d, level + 1) for d in self.symbols[cur].depends]
        return {'CONFIG_' + s for s in out}

    def arches(self, symbol, depth=4):
        """Architectures a symbol needs: those whose own Kconfig files alone
        define a symbol it depends on, a few levels down."""
        out, seen, todo = [], set(), [(symbol.replace('CONFIG_', '', 1), 0)]
        while todo:
            name, level = todo.pop(0)
            if name in seen or name not in self.symbols:
                continue
            seen.add(name)
            sym = self.symbols[name]
            places = {arch_of_path(f) for f in sym.files}
            if None not in places:
                # MMU or 64BIT are defined by most architectures: not one's
                # own; and what an architecture's symbol depends on is its
                # own business (sh's MMU depends on !CPU_SH2)
                if len(places) <= ARCH_OWN:
                    out += sorted(a for a in places if a not in out)
                continue
            if level < depth:
                todo += [(d, level + 1) for d in sym.depends]
        return out


def defconfigs(read, paths, arch=None, symbol=None, value=None):
    """[(arch, NAME_defconfig)] of arch (or of every architecture) whose
    file sets symbol to value (True: =y or =m; False: is not set)."""
    out = []
    for path in sorted(paths):
        m = re.match(r'^arch/([^/]+)/configs/([^/]+_defconfig)$', path)
        if not m or (arch and m.group(1) != arch):
            continue
        if symbol is not None:
            text = read(path) or ''
            if value:
                if not re.search(r'^%s=[ym]$' % re.escape(symbol), text, re.M):
                    continue
            elif not re.search(r'^# %s is not set$' % re.escape(symbol), text, re.M):
                continue
        out.append((m.group(1), m.group(2)))
    return out


def kbuild_defconfig(read, arch):
    """The architecture's default defconfig (KBUILD_DEFCONFIG) when its
    Makefile names one plainly."""
    text = read('arch/%s/Makefile' % arch) or ''
    names = re.findall(r'^\s*KBUILD_DEFCONFIG\s*:?=\s*([\w.-]+_defconfig)\s*$', text, re.M)
    return names[-1] if names else 'defconfig'


def edit_config(text, sets):
    """.config text with the symbols of sets ({CONFIG_X: True/False})
    forced: X=y, or '# X is not set'."""
    lines = [line for line in text.splitlines()
             if not any(re.match(r'^(# )?%s(=| is not set)' % re.escape(s), line) for s in sets)]
    for sym, on in sorted(sets.items()):
        lines.append('%s=y' % sym if on else '# %s is not set' % sym)
    return '\n'.join(lines) + '\n'


def holds(config, sets):
    """The symbols of sets that config ({CONFIG_X: value}) does not have the
    wanted way."""
    return sorted(s for s, on in sets.items() if bool(config.get(s)) != on)


def slug(text):
    """A folder name for a configuration: no '=' or blank, which the
    tools' makefiles would take for an assignment or a list."""
    text = re.sub(r'=([ymn])\b', r'-\1', text)
    return re.sub(r'[^A-Za-z0-9_.-]+', '-', text).strip('-')
