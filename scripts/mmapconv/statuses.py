"""The status vocabulary: one status per handler (docs/statuses.md).

A status is a family ('blocked:delegates') or a family with an argument
('blocked:delegates(vb2_mmap)', 'blocked:order(lock-spans)').  STATUS is
the table of the semantic patches (the shared part of
cocci/mmap_to_prepare.cocci, which a unit test compares with this one);
the driver adds the statuses only it gives (DRIVER_STATUS).
"""

STATUS = {
    'converted:prepare': 'only checks and configures the VMA',
    'converted:generic': 'generic_file_mmap swapped for its prepare twin',
    'converted:complete': 'split into prepare and complete',
    'converted:abort': 'split, with a context object and an abort hook',
    'converted:action': 'mainline: prepare records the population as an action',
    'already': 'the initializer has mmap_prepare already',
    'needs-complete': 'populates page tables: split_prefault.cocci splits it',
    'blocked:order': 'a mechanical split would change what the handler does',
    'blocked:needs-abort': 'takes what vm_ops->close gives back',
    'blocked:delegates': 'hands the VMA to a subsystem helper or mmap',
    'blocked:dma': 'maps memory with dma_mmap_*',
    'blocked:stacked': 'maps another file',
    'blocked:keeps-vma': 'stores the VMA pointer',
    'blocked:unknown-vma-use': 'uses the VMA in a way a desc cannot express',
    'blocked:called-elsewhere': 'also called or referenced by other code',
    'blocked:external': 'defined elsewhere, or procfs has no prepare hook',
    'error:parse': 'spatch could not parse the handler',
}
ORDER_PROBLEMS = {
    'lock-spans': 'a lock held from the checks across the populate call',
    'vma-write-after': 'a VMA write after the populate call',
    'flags-read-after': 'a vm_flags read after the populate call',
    'conditional': 'population on some paths only',
    'several-remaps': 'several remaps, or several populate calls (mainline)',
    'remap-loop': 'a remap in a loop',
    'goto': 'a jump back into the checks, or to a missing label',
    'shared-error-path': 'an error path of the checks that also populates',
    'not-last': 'mainline: the populate call is not the last step',
    'error-code': 'mainline: a failure mapped to what error_override cannot hold',
    'close': 'mainline: vm_ops with a close, which a failed action calls',
    'ifdef-variants': 'one definition or macro per preprocessor branch',
    'preprocessor': 'preprocessor lines in the body',
    'forward-declaration': 'a forward declaration of the handler',
    'name-taken': 'a name the split writes is taken',
    'empty-body': 'an empty body',
    'no-final-return': 'a body that does not end with a return',
    'unreadable': 'a body the split cannot read',
}
# What the driver says of a file spatch gave no answer for.
DRIVER_STATUS = {
    'error:timeout': 'spatch timed out on the file',
    'error:spatch': 'spatch failed on the file',
}

PREPARE = 'converted:prepare'
GENERIC = 'converted:generic'
COMPLETE = 'converted:complete'
ABORT = 'converted:abort'
ACTION = 'converted:action'
ALREADY = 'already'
NEEDS_COMPLETE = 'needs-complete'
ORDER = 'blocked:order'
DELEGATES = 'blocked:delegates'
CALLED_ELSEWHERE = 'blocked:called-elsewhere'
EXTERNAL = 'blocked:external'
PARSE_ERROR = 'error:parse'
TIMEOUT = 'error:timeout'
SPATCH_ERROR = 'error:spatch'

# Families whose handlers populate page tables (mmap_complete in v1, an
# mmap_action in mainline).
POPULATING = (COMPLETE, ABORT, ACTION, NEEDS_COMPLETE)
# Families whose argument is not what stands in the way (a function, a
# field) but which order problem it is.
PROBLEM_ARGUMENT = (ORDER,)


def family(status):
    """The status without its argument: blocked:delegates(x) -> blocked:delegates."""
    return status.split('(', 1)[0]


def argument(status):
    """The argument of family(ARGUMENT), else None."""
    head, paren, rest = status.partition('(')
    return rest[:-1] if paren and rest.endswith(')') else None


def converted(status):
    return status.startswith('converted:')


def remaining(status):
    """Does a handler of this status (or family) still need work?"""
    return not (converted(status) or family(status) == ALREADY)


def known(status):
    """Is status one of the vocabulary, its argument included?"""
    fam = family(status)
    if fam == ORDER and argument(status) is not None:
        return argument(status) in ORDER_PROBLEMS
    return fam in STATUS or fam in DRIVER_STATUS
