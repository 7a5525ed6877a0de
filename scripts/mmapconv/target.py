"""Which generation of the mmap_prepare API a conversion is written for.

v1 is the split the project was asked for: mmap_prepare + mmap_complete
(+ mmap_abort), desc->vm_flags and desc->mmap_context.  Trees without
struct vm_area_desc get it too, with the API overlay (overlay/).  mainline
(Linux 6.19 on) dropped complete and abort: prepare records the population
in desc->action; from 7.0 its flags are vma_flags_t bits.  The tree's own
include/linux/mm_types.h decides, as the semantic patches decide when
make coccicheck runs them (their tree_target(); keep the two in step).
"""

import dataclasses
import os
import re

from . import UserError

TARGETS = ('v1', 'mainline')
HEADER = os.path.join('include', 'linux', 'mm_types.h')


@dataclasses.dataclass
class Target:
    name: str           # 'v1' or 'mainline'
    flags: str          # 'word': desc->vm_flags; 'bits': vma_flags_t
    why: str            # what decided it, for summaries and cover letters
    overlay: bool       # the tree lacks the API: builds need overlay/

    def modes(self):
        """spatch -D options that force this target."""
        if self.name == 'v1':
            return ['v1']
        return ['mainline'] + (['desc_vm_flags'] if self.flags == 'word' else [])

    def describe(self):
        if self.name == 'v1':
            return 'v1 (mmap_prepare + mmap_complete, desc->mmap_context)'
        return 'mainline (mmap_prepare with desc->action, %s)' % (
            'VMA_xxx_BIT flags' if self.flags == 'bits' else 'desc->vm_flags')


def desc_fields(kdir):
    """The body of struct vm_area_desc in KDIR's headers, or None."""
    try:
        with open(os.path.join(kdir, HEADER), errors='replace') as src:
            text = src.read()
    except OSError:
        return None
    m = re.search(r'^struct vm_area_desc \{(.*?)^\};', text, re.M | re.S)
    return m.group(1) if m else None


def detect(kdir, forced=None):
    """The target for KDIR: forced ('v1' or 'mainline'), else its headers'."""
    if forced is not None and forced not in TARGETS:
        raise UserError('--target must be one of %s, not %s' % (', '.join(TARGETS), forced))
    fields = desc_fields(kdir)
    if fields is None:
        kind, flags, why = 'v1', 'word', '%s has no struct vm_area_desc' % HEADER
    elif 'mmap_context' in fields or 'struct mmap_action' not in fields:
        kind, flags = 'v1', 'word'
        why = 'its struct vm_area_desc has %s' % (
            'mmap_context' if 'mmap_context' in fields else 'no struct mmap_action')
    else:
        bits = re.search(r'\bvma_flags_t\s+vma_flags\b', fields) is not None
        kind, flags = 'mainline', 'bits' if bits else 'word'
        why = 'its struct vm_area_desc has struct mmap_action action and %s' % (
            'vma_flags_t vma_flags' if bits else 'vm_flags_t vm_flags')
    overlay = fields is None
    if forced is not None and forced != kind:
        # Forced on a tree of the other generation: flags as the API wrote
        # them first for that target.
        kind = forced
        flags = 'word' if kind == 'v1' else 'bits'
        why = 'forced with --target (the tree itself: %s)' % why
    return Target(kind, flags, why, overlay)
