# SPDX-License-Identifier: GPL-2.0-only
"""What the two C harnesses (tests/model/vmamodel, tests/model/vmaharness) read from a
fixture to compile it unchanged: its ops initializers, the functions those
name that nothing defines, and the stubs that fill them in."""

import re

from mmapconv import csource

OBJECT = re.compile(r'\bstruct\s+(file_operations|proc_ops|vm_operations_struct)\s+'
                    r'(\w+)\s*(\[[^\]]*\])?\s*=\s*\{')
MEMBER = re.compile(r'\.(\w+)\s*=\s*(\w+)')
ADDRESS_OF_OPS = re.compile(r'&\s*(\w+_ops)\b')
CONFIG = re.compile(r'\bCONFIG_\w+')


def initializers(text):
    """(struct, name, is_array, body) of each ops initializer in text."""
    for m in OBJECT.finditer(text):
        end = csource.block_end(text, m.end()) or len(text) + 1
        yield m.group(1), m.group(2), bool(m.group(3)), text[m.end():end - 1]


def undefined(name, text, known):
    """True when name is only ever used in text, never declared: it occurs
    only as an initializer value, an assignment or an address."""
    if re.search(r'\b%s\b' % re.escape(name), known):
        return False
    uses = len(re.findall(r'(?:=|&)\s*%s\b' % re.escape(name), text))
    return uses == len(re.findall(r'\b%s\b' % re.escape(name), text))


def stubs(text, known, signatures):
    """(C lines, vm_ops): the lines define what text's initializers name and
    neither text nor known defines, a function with its signature from
    signatures ({struct: {member: 'int %s(...)'}}) or an empty
    vm_operations_struct for an &foo_ops; vm_ops names every
    vm_operations_struct of the unit, stubs included."""
    out, stubbed = [], set()
    for struct, _, _, body in initializers(text):
        for member, value in MEMBER.findall(body):
            sig = signatures.get(struct, {}).get(member)
            if sig and value not in stubbed and undefined(value, text, known):
                stubbed.add(value)
                ret = '' if sig.startswith('void') else ' return 0;'
                out.append('static __maybe_unused %s {%s }' % (sig % value, ret))
    vm_ops = [name for s, name, _, _ in initializers(text) if s == 'vm_operations_struct']
    for name in sorted(set(ADDRESS_OF_OPS.findall(text))):
        if name not in vm_ops and undefined(name, text, known):
            out.append('static const struct vm_operations_struct %s;' % name)
            vm_ops.append(name)
    return out, vm_ops
