// SPDX-License-Identifier: GPL-2.0-only
/// Convert f_op->mmap handlers that only configure the VMA to mmap_prepare
///
/// f_op->mmap hands the driver a half-built VMA. A handler that only checks
/// the request and sets flags, page protection, vm_ops or private data can do
/// the same on a struct vm_area_desc before the VMA exists, through
/// f_op->mmap_prepare (proc_ops->proc_mmap_prepare for procfs).
///
//# Handlers that populate page tables (remap_pfn_range, vm_insert_page, ...)
//# are left alone: split_prefault.cocci turns them into mmap_prepare plus
//# mmap_complete, and so are (v1) handlers that take a reference that
//# vm_ops->close gives back, once every check has passed: the acquire moves
//# to mmap_complete (mainline: to a vm_ops->mapped hook this one writes).
//# One that can fail, or that the handler can still fail after, is left
//# alone: a failing complete or mapped hook gets a close.
//# Handlers that pass the VMA to a function this semantic patch cannot see
//# through, keep the VMA pointer, or are called directly by other
//# code are left alone and reported (MODE=report says why, one line each).
//# A static helper that takes the VMA is converted with its handler when all
//# of its callers are converted.  One that other code also calls, and that
//# only reads fields a desc has, becomes a core __NAME() of those fields,
//# which prepare calls, and NAME() a wrapper of it for the other callers;
//# otherwise the handler is left alone.
//# A non-static handler used from another file is not visible here:
//# scripts/convert.py checks the whole tree for such users.
//#
//# The output is written for the API the tree's include/linux/mm_types.h
//# has (-D v1, -D mainline or -D desc_vm_flags force it): v1, mmap_prepare
//# with desc->vm_flags and mmap_context, or mainline, where prepare records
//# the population in desc->action.  docs/api.md describes both and
//# docs/conversion.md the contract.
//
// Confidence: High
// Copyright: (C) 2026 The mmap-convert authors. GPL-2.0-only
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Keywords: mmap, mmap_prepare, vm_area_desc, file_operations, proc_ops

// BEGIN shared: scripts/gen_cocci.py copies this part into split_prefault.cocci

virtual patch
virtual context
virtual org
virtual report
// The target API (see the header): forced with -D, else read from the tree.
virtual v1
virtual mainline
virtual desc_vm_flags

@initialize:python@
@@
import collections
import os
import re

# The status codes of a report line, one per handler (docs/statuses.md):
# family -> when.  A status is the family, or family(ARGUMENT) for the
# families that name what stands in the way; scripts/mmapconv/statuses.py
# holds the same table (a unit test compares them).
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
# blocked:order(PROBLEM): which order problem stands in the way.
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


def order(problem):
	"""The status of a handler refused for an order problem."""
	return 'blocked:order(%s)' % problem


# One definition of a function that takes the VMA: its VMA and file
# parameters (filep None unless it has the .mmap signature), the index of
# the VMA parameter, and where its name is.
Definition = collections.namedtuple('Definition', 'vma index filep is_handler pos')
# A call that passes the VMA: the function, the index of the VMA among its
# arguments, where the call is.
CallArg = collections.namedtuple('CallArg', 'callee index call')

# docs/api.md, "Legacy populate calls": these need mmap_complete.
POPULATE = {
	'remap_pfn_range', 'io_remap_pfn_range', 'vm_iomap_memory',
	'vm_insert_page', 'vm_insert_pages', 'vm_map_pages',
	'vm_map_pages_zero', 'remap_vmalloc_range', 'remap_vmalloc_range_partial',
	'vmf_insert_pfn', 'vmf_insert_pfn_prot', 'vmf_insert_mixed',
}
STACKED = {'call_mmap', 'vfs_mmap', 'backing_file_mmap'}
# Subsystem helpers that take the VMA and must gain a prepare form first.
DELEGATES = {
	'vb2_mmap', 'vb2_fop_mmap', 'drm_gem_mmap', 'drm_gem_mmap_obj',
	'drm_gem_prime_mmap', 'snd_pcm_mmap_data', 'snd_pcm_lib_default_mmap',
	'fb_deferred_io_mmap', 'fb_pgprotect', 'dma_buf_mmap', 'uio_mmap',
	'kernfs_fop_mmap', 'v4l2_m2m_mmap', 'videobuf_mmap_mapper',
	'ttm_bo_mmap_obj', 'drm_gem_ttm_mmap', 'drm_gem_shmem_mmap',
	'drm_gem_dma_mmap', 'fb_mmap', 'shmem_mmap', 'shmem_zero_setup',
	'hugetlbfs_file_mmap', 'perf_mmap', 'vfio_device_mmap',
}
GENERIC = {
	'generic_file_mmap': 'generic_file_mmap_prepare',
	'generic_file_readonly_mmap': 'generic_file_readonly_mmap_prepare',
}
SKIP = 'mmap_convert_nothing_to_rewrite'
# The name of the struct vm_area_desc * a converted function takes: desc,
# as upstream names it, or the next name when the function, or one
# converted with it, already uses that one (desc_name()).  The desc_name*
# rules look for the same names.
DESC_NAMES = ('desc', 'vma_desc')

# Which API the output is written for.  'v1': mmap_prepare + mmap_complete
# (+ mmap_abort) with desc->vm_flags and desc->mmap_context.  'mainline'
# (Linux 6.19 on): prepare records the population in desc->action; its
# flags are vma_flags_t bits (7.0 on) unless the desc still has vm_flags.
# -D v1 / -D mainline / -D desc_vm_flags force it; otherwise the headers of
# the tree the file belongs to decide (a tree without vm_area_desc gets v1).
FORCED = {}
TREE_TARGETS = {}


def tree_top(path):
	"""The folder above path that has include/linux/mm_types.h, or /."""
	folder = os.path.dirname(os.path.abspath(path))
	while not os.path.isfile(os.path.join(folder, 'include', 'linux', 'mm_types.h')) \
	      and os.path.dirname(folder) != folder:
		folder = os.path.dirname(folder)
	return folder


def tree_target(path):
	"""(target, flags) from include/linux/mm_types.h above path."""
	folder = tree_top(path)
	if folder not in TREE_TARGETS:
		TREE_TARGETS[folder] = target_of_header(
			os.path.join(folder, 'include', 'linux', 'mm_types.h'))
	return TREE_TARGETS[folder]


def target_of_header(header):
	try:
		with open(header, errors='replace') as src:
			text = src.read()
	except OSError:
		return ('v1', 'word')
	m = re.search(r'^struct vm_area_desc \{(.*?)^\};', text, re.M | re.S)
	if not m or 'mmap_context' in m.group(1) or 'struct mmap_action' not in m.group(1):
		return ('v1', 'word')
	return ('mainline', 'bits' if re.search(r'\bvma_flags_t\s+vma_flags\b', m.group(1))
		else 'word')


def target(path):
	found = tree_target(path) if path else ('v1', 'word')
	kind = FORCED.get('target', found[0])
	if kind != 'mainline':
		return ('v1', 'word')
	flags = FORCED.get('flags')
	if flags is None:
		flags = found[1] if found[0] == 'mainline' else 'bits'
	return (kind, flags)


def proc_ops_prepare(path):
	"""Has struct proc_ops a proc_mmap_prepare?  Mainline (7.2) has not; a
	file outside a tree is taken to be from such a tree."""
	try:
		with open(os.path.join(tree_top(path), 'include', 'linux', 'proc_fs.h'),
			  errors='replace') as src:
			return 'proc_mmap_prepare' in src.read()
	except OSError:
		return False


def mmap_test_helper(path):
	"""The helper that tests a file for either mmap hook: the name the
	tree has (Linux 6.17 called it file_has_valid_mmap_hooks), else the
	current one, which the API overlay adds."""
	if not path:
		return 'can_mmap_file'
	try:
		with open(os.path.join(tree_top(path), 'include', 'linux', 'fs.h'),
			  errors='replace') as src:
			text = src.read()
	except OSError:
		return 'can_mmap_file'
	for name in ('can_mmap_file', 'file_has_valid_mmap_hooks'):
		if re.search(r'\b%s\(' % name, text):
			return name
	return 'can_mmap_file'


def is_mainline(ff):
	return target(ff.path)[0] == 'mainline'


def uses_bits(ff):
	return target(ff.path) == ('mainline', 'bits')


# VMA_xxx_BIT of Linux 7.2: the VM_xxx flags a desc sets and tests by bit.
VMA_BITS = {
	'READ', 'WRITE', 'EXEC', 'SHARED', 'MAYREAD', 'MAYWRITE', 'MAYEXEC',
	'MAYSHARE', 'GROWSDOWN', 'PFNMAP', 'MAYBE_GUARD', 'LOCKED', 'IO',
	'SEQ_READ', 'RAND_READ', 'DONTCOPY', 'DONTEXPAND', 'LOCKONFAULT',
	'ACCOUNT', 'NORESERVE', 'HUGETLB', 'SYNC', 'WIPEONFORK', 'DONTDUMP',
	'SOFTDIRTY', 'MIXEDMAP', 'HUGEPAGE', 'NOHUGEPAGE', 'MERGEABLE',
	'UFFD_MISSING', 'UFFD_WP', 'UFFD_MINOR', 'SEALED', 'DROPPABLE',
	'ALLOW_ANY_UNCACHED',
}


def flag_bits(flags):
	"""VMA_xxx_BIT names of an OR of VM_xxx flags, or None."""
	text = ' '.join(flags.split())
	while text.startswith('(') and text.endswith(')'):
		text = text[1:-1].strip()
	bits = []
	for part in text.split('|'):
		part = part.strip().strip('()').strip()
		m = re.match(r'^VM_([A-Z0-9_]+)$', part)
		if not m or m.group(1) not in VMA_BITS:
			return None
		bits.append('VMA_%s_BIT' % m.group(1))
	return bits


def bits_call(flags, p, call, desc):
	"""Arguments of vma_desc_set_flags() and friends, the desc (named
	desc) first, wrapped at 80 columns with continuation lines under the
	first argument (one identifier, so that spatch keeps the spacing)."""
	align = 8 * int(p[0].column) + len(call + '(')
	return wrap_list([desc] + flag_bits(flags), ', ', align, ');')


def bits_to_set(flags, p, desc):
	return bits_call(flags, p, 'vma_desc_set_flags', desc)


def bits_to_clear(flags, p, desc):
	return bits_call(flags, p, 'vma_desc_clear_flags', desc)


def bits_test(flags, desc):
	"""vma_desc_test(desc, ...) for one bit, vma_desc_test_any() for more."""
	bits = flag_bits(flags)
	name = 'vma_desc_test' if len(bits) == 1 else 'vma_desc_test_any'
	return '%s(%s, %s)' % (name, desc, ', '.join(bits))


def bits_compare(flags, value, op, desc, alone=False):
	"""(vma->vm_flags & flags) OP value as vma_desc_test_all/any() of the
	desc named desc, or None when value has a bit that flags has not.  A
	compound test is parenthesized unless it stands alone in a condition."""
	mask, want = flag_bits(flags), flag_bits(value)
	if value.strip() == '0':
		want = []
	if not mask or want is None or not set(want) <= set(mask):
		return None
	rest = [bit for bit in mask if bit not in want]
	if not want:
		# == 0: none of the bits; != 0: any of them
		return ('!' if op == '==' else '') + bits_test(flags, desc)

	def test(bits, kind):
		name = 'vma_desc_test' if len(bits) == 1 else 'vma_desc_test_' + kind
		return '%s(%s, %s)' % (name, desc, ', '.join(bits))
	if op == '==':
		parts = [test(want, 'all')] + ['!' + test(rest, 'any')] * bool(rest)
		text = ' && '.join(parts)
	else:
		parts = ['!' + test(want, 'all')] + [test(rest, 'any')] * bool(rest)
		text = ' || '.join(parts)
	return '(%s)' % text if len(parts) > 1 and not alone else text


def bits_equal(flags, value, desc, alone=False):
	return bits_compare(flags, value, '==', desc, alone)


def bits_differ(flags, value, desc, alone=False):
	return bits_compare(flags, value, '!=', desc, alone)


# Helpers of include/linux/mm.h that read a vm_flags_t word, and the form
# for a vma_flags_t desc that a tree may have (Linux 7.2 has all four):
# helper -> (that form, how include/linux/mm.h declares it).
FLAG_HELPERS = {
	'is_nommu_shared_mapping': ('is_nommu_shared_vma_flags',
				    r'\bis_nommu_shared_vma_flags\(\s*const vma_flags_t \*'),
	'is_cow_mapping': ('vma_desc_is_cow_mapping',
			   r'\bvma_desc_is_cow_mapping\(\s*(const )?struct vm_area_desc \*'),
	'is_shared_maywrite': ('is_shared_maywrite',
			       r'\bis_shared_maywrite\(\s*const vma_flags_t \*'),
	'vm_get_page_prot': ('vma_get_page_prot',
			     r'\bvma_get_page_prot\(\s*vma_flags_t '),
}
TREE_FLAG_HELPERS = {}


def flag_helper_twins(path):
	"""The FLAG_HELPERS whose desc form the tree's include/linux/mm.h
	declares; a file outside a tree is taken to be from Linux 7.2."""
	folder = tree_top(path)
	if folder not in TREE_FLAG_HELPERS:
		try:
			with open(os.path.join(folder, 'include', 'linux', 'mm.h'),
				  errors='replace') as src:
				text = src.read()
			TREE_FLAG_HELPERS[folder] = {
				h for h, (_, decl) in FLAG_HELPERS.items() if re.search(decl, text)}
		except OSError:
			TREE_FLAG_HELPERS[folder] = set(FLAG_HELPERS)
	return TREE_FLAG_HELPERS[folder]


# Legacy populate calls that mainline records as an action in prepare:
# (action for the whole mapping, action for a range).
ACTIONS = {
	'remap_pfn_range': ('mmap_action_remap_full', 'mmap_action_remap'),
	'io_remap_pfn_range': ('mmap_action_ioremap_full', 'mmap_action_ioremap'),
	'vm_iomap_memory': ('mmap_action_simple_ioremap', None),
	# with the size checks vm_map_pages*() make, written out before
	'vm_map_pages': ('mmap_action_map_kernel_pages_full', None),
	'vm_map_pages_zero': ('mmap_action_map_kernel_pages_full', None),
}
NEEDS_COMPLETE = 'split_prefault.cocci splits it into mmap_prepare + mmap_complete'


class FileFacts:
	"""What the matching rules saw in one file."""

	def __init__(self):
		self.path = None
		self.hooks = {}		# handler -> [(kind, fops, pos)]
		self.already = {}	# handler -> [(fops, pos)]
		self.defs = {}		# function -> [Definition]
		self.vma_uses = []	# (function, name, key)
		self.file_uses = []	# (function, name, key)
		self.allowed = set()	# keys of VMA uses the translation handles
		self.forbidden = {}	# key -> why: writes the desc cannot take
		self.call_args = {}	# key -> CallArg
		self.indirect = {}	# key -> (function pointer, index)
		self.fields = {}	# key -> field name read through the VMA
		self.stores = set()	# keys of the VMA stored somewhere
		self.takes = {}		# function -> [(call taking a reference, key)]
		self.moved = {}		# handler -> (acquire, key, locals): see acquire_blocker()
		self.generic = {}	# key of the VMA -> key of its file argument
		self.refs = {}		# function -> [(where, key)]
		self.exports = set()	# keys of EXPORT_SYMBOL arguments
		self.desc_users = {}	# function -> the DESC_NAMES it already uses
		self.desc_names = None	# function -> the name of its desc (desc_of())
		self.hook_names = {}	# NAME_prepare -> first line naming it
		self.def_pos = {}	# function -> position of its first definition
		self.flag_tests = {}	# key of vma->vm_flags in a flag test -> flags
		self.flag_compares = {}	# key of (vma->vm_flags & F) == E -> (F, E)
		self.flag_helpers = {}	# key of vma->vm_flags passed to FLAG_HELPERS -> helper
		self.flag_assigns = set()	# keys of vma->vm_flags = E
		self.flag_ops = {}	# key of the VMA of vm_flags_*() -> [flags]
		self.shapes = {}	# key of a populate call -> its statement
		self.remaps = {}	# key of a (io_)remap_pfn_range call -> (start, size)
		self.actions = {}	# function -> (action, populate call, override)
		self.aliases = {}	# handler -> value of '#define HANDLER VALUE'
		self.reported = set()	# handlers already reported
		self.decision = None
		self.written = set()	# keys of VMA fields written or whose address is taken
		self.twins = {}		# helper -> TwinPlan: a core of the fields, the helper its wrapper
		self.twin_plans = {}	# helper -> (TwinPlan or None, why not)
		self.text = None	# the file, read once (source())


FACTS = {}


def c_text(expr):
	"""Kernel spelling of an expression spatch hands over token by token."""
	text = ' '.join(expr.split())
	text = re.sub(r' ?(->|\.) ?', r'\1', text)
	text = re.sub(r'(\w) \(', r'\1(', text)
	return re.sub(r'\( ', '(', text).replace(' )', ')')


def key(p):
	return (int(p[0].line), int(p[0].column))


def facts(p):
	f = p[0].file
	if f not in FACTS:
		FACTS[f] = FileFacts()
		FACTS[f].path = f
	return FACTS[f]


def vma_param(ff, fn):
	"""VMA parameter names of every definition of fn (one per #ifdef variant)."""
	return {d.vma for d in ff.defs.get(fn, [])}


def use_blocker(ff, fn, name, k, seen):
	"""Why one use of the VMA in fn has no desc translation, or None."""
	if k in ff.forbidden:
		return ('blocked:unknown-vma-use(%s)' % ff.forbidden[k][0],
			ff.forbidden[k][1])
	if uses_bits(ff):
		why = bits_blocker(ff, fn, k)
		if why:
			return why
	if k in ff.allowed:
		return None
	if k in ff.generic:
		filek = ff.generic[k]
		fileps = {d.filep for d in ff.defs.get(fn, [])}
		if not any(w == fn and n in fileps and fk == filek
			   for (w, n, fk) in ff.file_uses):
			return ('blocked:stacked',
				'%s maps another file than its own through generic_file_mmap(); '
				'nested filesystems need their own conversion' % fn)
		return None
	if k in ff.stores:
		return ('blocked:keeps-vma',
			'%s stores the VMA pointer (line %d); keep the state in '
			'vm_private_data or convert by hand' % (fn, k[0]))
	if k in ff.fields:
		fld = ff.fields[k]
		if fld == 'vm_mm':
			why = 'a desc has the mm only as a const pointer (desc->mm)'
		elif fld in ('vm_ops', 'vm_private_data'):
			why = 'a desc lets prepare write it, not read it'
		else:
			why = 'a desc has no such field'
		return ('blocked:unknown-vma-use(%s)' % fld,
			'%s uses vma->%s at line %d: %s' % (fn, fld, k[0], why))
	if k not in ff.call_args and k in ff.indirect:
		target = ff.indirect[k][0]
		if target.endswith('mmap'):
			return ('blocked:delegates(%s)' % target,
				'%s hands the VMA to %s, another mmap implementation '
				'that must gain a prepare form first' % (fn, target))
		return ('blocked:unknown-vma-use(%s)' % target,
			'%s passes the VMA through the function pointer %s, '
			'which this semantic patch cannot see through' % (fn, target))
	if k not in ff.call_args:
		return ('blocked:unknown-vma-use(%s)' % name,
			'%s uses the VMA itself at line %d, not one of its fields; '
			'a desc cannot stand in for it' % (fn, k[0]))
	callee, index = ff.call_args[k].callee, ff.call_args[k].index
	if callee in POPULATE and is_mainline(ff):
		return action_blocker(ff, fn, name, callee, k)
	if callee in POPULATE:
		return ('needs-complete(%s)' % callee,
			'%s populates page tables with %s(); %s'
			% (fn, callee, NEEDS_COMPLETE))
	if callee.startswith('dma_mmap_'):
		return ('blocked:dma',
			'%s maps DMA memory with %s(), which may rewrite the VMA '
			'inside the DMA layer; no prepare form exists yet' % (fn, callee))
	if callee in STACKED:
		return ('blocked:stacked',
			'%s maps another file with %s(); nested filesystems need '
			'their own conversion' % (fn, callee))
	helper = [d for d in ff.defs.get(callee, []) if not d.is_handler]
	if helper and all(d.index == index for d in helper):
		why = blocked_use(ff, callee, seen)
		# decide() lets a twin serve only a helper that other code calls too
		return None if why and twin_plan(ff, callee)[0] else why
	if callee in DELEGATES or (callee not in ff.defs and 'mmap' in callee):
		return ('blocked:delegates(%s)' % callee,
			'%s hands the VMA to %s(), which must gain a prepare '
			'form first' % (fn, callee))
	return ('blocked:unknown-vma-use(%s)' % callee,
		'%s passes the VMA to %s(), which this semantic patch cannot '
		'see through; convert it to take a vm_area_desc first'
		% (fn, callee))


def bits_blocker(ff, fn, k):
	"""Why a use of vma->vm_flags has no vma_flags_t form, or None."""
	for flags in ff.flag_ops.get(k, []):
		if flag_bits(flags) is None:
			return ('blocked:unknown-vma-use(vm_flags)',
				'%s changes the flags %s (line %d), which have no VMA_xxx_BIT '
				'form; vma_desc_set_flags() takes bit numbers: convert by hand'
				% (fn, c_text(flags), k[0]))
	if k in ff.flag_assigns:
		return ('blocked:unknown-vma-use(vm_flags)',
			'%s assigns vma->vm_flags a whole new value (line %d); the desc '
			'has vma_flags_t, changed only bit by bit with '
			'vma_desc_set/clear_flags(): convert by hand' % (fn, k[0]))
	if ff.fields.get(k) != 'vm_flags' or k in ff.flag_ops:
		return None
	if k in ff.flag_helpers:
		helper = ff.flag_helpers[k]
		if helper in flag_helper_twins(ff.path):
			return None
		return ('blocked:unknown-vma-use(vm_flags)',
			'%s passes vma->vm_flags to %s() (line %d), and this tree has '
			'no %s() for a desc: convert by hand'
			% (fn, helper, k[0], FLAG_HELPERS[helper][0]))
	if k in ff.flag_compares:
		if bits_compare(*ff.flag_compares[k], op='==', desc=DESC_NAMES[0]) is None:
			return ('blocked:unknown-vma-use(vm_flags)',
				'%s compares vma->vm_flags & %s with %s (line %d), which has '
				'no vma_desc_test*() form: convert by hand'
				% (fn, c_text(ff.flag_compares[k][0]),
				   c_text(ff.flag_compares[k][1]), k[0]))
		return None
	if k not in ff.flag_tests:
		return ('blocked:unknown-vma-use(vm_flags)',
			'%s reads vma->vm_flags as a value (line %d); the desc has '
			'vma_flags_t, read only through vma_desc_test*(): convert by hand'
			% (fn, k[0]))
	if flag_bits(ff.flag_tests[k]) is None:
		return ('blocked:unknown-vma-use(vm_flags)',
			'%s tests vma->vm_flags & %s (line %d), which has no VMA_xxx_BIT '
			'form for vma_desc_test(): convert by hand'
			% (fn, c_text(ff.flag_tests[k]), k[0]))
	return None


def source(ff):
	"""The text of the file, read once."""
	if ff.text is None:
		try:
			with open(ff.path, errors='replace') as src:
				ff.text = src.read()
		except OSError:
			ff.text = ''
	return ff.text


def helper_prepare_name(ff, fn):
	"""relay_mmap_buf -> relay_mmap_prepare_buf, gsc_setup_vma ->
	gsc_setup_desc, foo_config -> foo_config_prepare; fn itself when
	the file already has that name."""
	parts = fn.split('_')
	if 'mmap' in parts:
		parts.insert(parts.index('mmap') + 1, 'prepare')
	elif 'vma' in parts:
		parts[parts.index('vma')] = 'desc'
	else:
		parts.append('prepare')
	new = '_'.join(parts)
	return fn if re.search(r'\b%s\b' % new, source(ff)) else new


def function_text(ff, fn):
	"""The text of the first definition of fn, from its name to its last brace."""
	pos = ff.def_pos.get(fn)
	lines = source(ff).split('\n')
	text = '\n'.join(lines[int(pos[0].line) - 1:]) if pos else ''
	depth, opened = 0, False
	for i, ch in enumerate(text):
		if ch == '{':
			depth, opened = depth + 1, True
		elif ch == '}':
			depth -= 1
			if opened and depth == 0:
				return text[:i + 1]
	return text


def ops_with_close(ff, fn):
	"""The vm_operations_struct fn installs, when it has a .close (else
	None): with an action, a failed population ends in that close."""
	body = function_text(ff, fn)
	text = source(ff)
	for ops in re.findall(r'->vm_ops\s*=\s*&\s*(\w+)', body):
		m = re.search(r'\bstruct\s+vm_operations_struct\s+%s\s*=\s*\{([^;]*)\}\s*;'
			      % re.escape(ops), text)
		if m is None or re.search(r'\.close\s*=', m.group(1)):
			return ops
	return None


WHOLE_SIZE = ['%s->vm_end - %s->vm_start', '(%s->vm_end - %s->vm_start)',
	      'vma_pages(%s) << PAGE_SHIFT', 'vma_pages(%s) * PAGE_SIZE']


def is_whole_size(ff, fn, v, size):
	"""Is size the size of the whole mapping: one of WHOLE_SIZE, or a local
	assigned once, to one of them, and never changed after?"""
	whole = {form.replace('%s', v) for form in WHOLE_SIZE}
	size = c_text(size)
	if size in whole:
		return True
	body = function_text(ff, fn)
	if not re.match(r'^\w+$', size):
		return checked_whole(body, whole, size)
	assigned = re.findall(r'\b%s\s*=(?!=)\s*([^;]*);' % size, body)
	changed = re.search(r'(&\s*%s\b|\b%s\s*(\+\+|--|[-+*/%%|&^]=|<<=|>>=)|(\+\+|--)\s*%s\b)'
			    % (size, size, size), body)
	if len(assigned) == 1 and c_text(assigned[0]) in whole and not changed:
		return True
	return checked_whole(body, whole, size)


def partial_remap(ff, fn):
	"""A (io_)remap_pfn_range() call of fn that may cover less than the
	whole mapping, as (callee, line), else None."""
	names = vma_param(ff, fn)
	for (w, v, k) in ff.vma_uses:
		if w != fn or v not in names or k not in ff.call_args:
			continue
		callee, call = ff.call_args[k].callee, ff.call_args[k].call
		if call in ff.remaps:
			start, size = ff.remaps[call]
			if c_text(start) != '%s->vm_start' % v or not is_whole_size(ff, fn, v, size):
				return (callee, call[0])
	return None


def checked_whole(body, whole, size):
	"""Does the handler return early unless the size of the mapping is size:
	'if (WHOLE != size || ...) return ...;' with no && in the condition, or
	'WHOLE > PAGE_SIZE' for a remap of one page (a mapping has one at least)?"""
	for m in re.finditer(r'\bif\s*\(([^;{]*?)\)\s*\{?\s*return\b', ' '.join(body.split())):
		cond = m.group(1)
		if '&&' in cond:
			continue
		for part in cond.split('||'):
			part = c_text(part.strip())
			for form in whole:
				if part in ('%s != %s' % (form, size), '%s != %s' % (size, form)):
					return True
				if size == 'PAGE_SIZE' and part in ('%s > PAGE_SIZE' % form,
								    'PAGE_SIZE < %s' % form):
					return True
	return False


def action_blocker(ff, fn, v, callee, k):
	"""Mainline: None when the populate call becomes an mmap_action where it
	stands (recorded in ff.actions), else why not."""
	names = vma_param(ff, fn)
	calls = [kk for (w, n, kk) in ff.vma_uses
		 if w == fn and n in names and kk in ff.call_args
		 and ff.call_args[kk].callee in POPULATE]
	call = ff.call_args[k].call
	if fn not in ff.hooks:
		return ('blocked:unknown-vma-use(%s)' % fn,
			'%s() populates page tables with %s(); mainline records the '
			'population as an mmap_action of the handler itself: move the '
			'call into the handler, then rerun' % (fn, callee))
	if len(calls) > 1:
		return (order('several-remaps'),
			'%s populates page tables in %d calls; mainline takes one '
			'mmap_action per mapping: convert by hand' % (fn, len(calls)))
	if callee not in ACTIONS:
		return ('blocked:unknown-vma-use(%s)' % callee,
			'%s populates page tables with %s(), which has no mmap_action '
			'in mainline (%s): convert by hand' % (fn, callee, NO_ACTION.get(
				callee, 'an action maps one PFN range or one page array')))
	shape = ff.shapes.get(call)
	if shape is None:
		return (order('not-last'),
			'%s() is not the last step of %s, with its result returned or '
			'mapped to one error code; an mmap_action runs after prepare '
			'returns, so what follows it would run first: convert by hand'
			% (callee, fn))
	if re.search(r'\b(scoped_)?guard\s*\(', function_text(ff, fn)):
		return (order('lock-spans'),
			'%s holds a guard() lock over %s(); an mmap_action runs after '
			'prepare returns, without the lock: convert by hand' % (fn, callee))
	closer = ops_with_close(ff, fn)
	if closer:
		return (order('close'),
			'%s sets vm_ops %s, which has a close; if the mmap_action fails, '
			'the core unmaps the new VMA and calls that close, where the '
			'original failed before any close: convert by hand' % (fn, closer))
	error = re.sub(r'^- ', '-', c_text(shape['error']))
	if error and not re.match(r'^-E[A-Z0-9]+$', error):
		return (order('error-code'),
			'%s maps a failure of %s() to %s, which error_override cannot '
			'hold: convert by hand' % (fn, callee, error))
	if callee == 'vm_iomap_memory':
		ff.actions[fn] = (ACTIONS[callee][0], callee, '')
		return None
	if callee in ('vm_map_pages', 'vm_map_pages_zero'):
		# the checks written out name the array and its size again
		if any('(' in c_text(arg) for arg in shape['args']):
			return ('blocked:unknown-vma-use(%s)' % callee,
				'%s calls %s() with arguments that call functions; its size '
				'checks, written out before mmap_action_map_kernel_pages_full(), '
				'would call them twice: convert by hand' % (fn, callee))
		ff.actions[fn] = (ACTIONS[callee][0], callee, '')
		return None
	if c_text(shape['prot']) != '%s->vm_page_prot' % v:
		return ('blocked:unknown-vma-use(%s)' % callee,
			"%s calls %s() with the protection %s, not that of the VMA; an "
			'mmap_action maps with desc->page_prot, which the VMA then keeps: '
			'set desc->page_prot by hand if that is intended'
			% (fn, callee, c_text(shape['prot'])))
	whole = c_text(shape['start']) == '%s->vm_start' % v and \
		is_whole_size(ff, fn, v, shape['size'])
	if error and not whole:
		return ('blocked:unknown-vma-use(%s)' % callee,
			'%s maps a failed %s() over part of the mapping to %s; as an '
			'mmap_action, a private mapping fails with -EINVAL instead '
			'(error_override does not cover the range check): convert by hand'
			% (fn, callee, error))
	ff.actions[fn] = (ACTIONS[callee][0 if whole else 1], callee, error)
	return None


# Why the other populate calls have no mmap_action.
NO_ACTION = {
	'vm_insert_page': 'mmap_action_map_kernel_pages() takes a page array, '
			  'not pages inserted one by one',
	'vm_insert_pages': 'mmap_action_map_kernel_pages() reports no partial '
			   'count',
	'remap_vmalloc_range': 'no action maps vmalloc memory',
	'remap_vmalloc_range_partial': 'no action maps vmalloc memory',
	'vmf_insert_pfn': 'no action inserts PFNs one by one',
	'vmf_insert_pfn_prot': 'no action inserts PFNs one by one',
	'vmf_insert_mixed': 'no action inserts PFNs one by one',
}


# Something vm_ops->close gives back (docs/conversion.md): taken in prepare,
# it would leak when the mapping fails after prepare, since that gets no
# close.  It moves, as it is, to where it runs only for a new mapping that
# exists: mmap_complete (v1) or a vm_ops->mapped hook (mainline).  Both run
# after every check, and an error of either unmaps the VMA with its close,
# so the acquire moves only when the original cannot fail after it (what
# follows is VMA setup, and population whose result it ignores), it cannot
# fail itself (its result is not used), what it acquires derives from the
# file alone, and nothing after it names that.
def acquire_blocker(ff, fn, take, k):
	"""None when the acquire take() (at k) of fn moves after the checks
	(recorded in ff.moved), else why not."""
	hook = 'a vm_ops->mapped hook' if is_mainline(ff) else 'mmap_complete'
	what = '%s calls %s() (line %d), which vm_ops->close presumably undoes' \
		% (fn, take, k[0])
	refuse = lambda why, todo='convert by hand': (
		'blocked:needs-abort(%s)' % take, '%s; %s: %s' % (what, why, todo))
	if fn not in ff.hooks:
		return refuse('it would have to move to %s, which only the handler '
			      'itself can do' % hook, 'move the call into the handler, '
			      'then rerun')
	if fn in ff.moved and ff.moved[fn][1] != k:
		return refuse('so does %s() (line %d); one acquire moves to %s, '
			      'not several' % (ff.moved[fn][0], ff.moved[fn][1][0], hook))
	text = blank_comments(source(ff))
	lines = text.split('\n')
	line = lines[k[0] - 1]
	start = sum(len(l) + 1 for l in lines[:int(ff.def_pos[fn][0].line) - 1])
	fnbody = text[start:start + len(function_text(ff, fn))]
	at = sum(len(l) + 1 for l in lines[:k[0] - 1]) + k[1]
	stmt = re.match(r'%s\s*\(([^;]*)\)\s*;' % re.escape(take), text[at:])
	depth = text[start:at].count('{') - text[start:at].count('}')
	if line[:k[1]].strip() or not stmt:
		return refuse('it uses what %s() returns, so the acquire can fail; '
			      'a failure in %s unmaps the new VMA and calls that '
			      'close, for what was never taken, where the original '
			      'failed before any VMA existed' % (take, hook))
	if depth != 1:
		return refuse('it runs on some paths only (line %d); %s takes it '
			      'on every path' % (k[0], hook))
	names = set(re.findall(r'(?<![.>\w])([A-Za-z_]\w*)\b(?!\s*\()', stmt.group(1)))
	filep = next((d.filep for d in ff.defs[fn] if d.filep), None)
	decls = {}
	todo = sorted(names)
	while todo:
		x = todo.pop()
		if x in decls or x == filep or re.match(r'^[A-Z][A-Z0-9_]*$', x):
			continue
		if x in vma_param(ff, fn):
			return refuse('its argument reads the VMA, which %s does not '
				      'have' % hook if is_mainline(ff) else
				      'its argument reads the VMA')
		d = re.search(r'^[ \t]*(?:const\s+)?(?:struct\s+)?\w+[\s*]+%s\s*=\s*([^;]*);'
			      % x, fnbody, re.M)
		if d is None:
			if re.search(r'\b%s\b' % x, fnbody.split(chr(123), 1)[1]):
				return refuse('%s, which it reads, is not a local initialized '
					      'where it is declared, so %s could not compute it '
					      'again' % (x, hook))
			continue	# a global
		if len(re.findall(r'(?<![=!<>])\b%s\s*(?:[-+*\x2f%%&|^]?=(?!=)|\+\+|--)|'
				  r'(?:\+\+|--|&)\s*%s\b(?!\s*(?:->|\.))' % (x, x),
				  fnbody)) > 1:
			return refuse('%s, which it reads, changes after its declaration'
				      % x)
		decls[x] = d.group(0).strip()
		todo += re.findall(r'(?<![.>\w])([A-Za-z_]\w*)\b(?!\s*\()', d.group(1))
	rest = text[at + stmt.end():start + len(fnbody)]
	failing = re.search(r'\bgoto\b|\breturn\b(?!\s+0\s*;)', rest)
	if failing:
		return refuse('the original can still fail after it (line %d), where '
			      'no close follows; moved to %s, which runs after every '
			      'check, the acquire may be followed only by what cannot '
			      'fail' % (k[0] + rest[:failing.start()].count('\n'), hook),
			      'move what can fail above it, then rerun, or convert by '
			      'hand')
	# v1: the population stays after the acquire, in complete
	pops = [kk[0] for (w, v, kk) in ff.vma_uses if w == fn and kk in ff.call_args
		and ff.call_args[kk].callee in POPULATE and kk[0] > k[0]]
	passed = rest if is_mainline(ff) or not pops else \
		rest[:rest.find('\n', 0) + 1 + sum(len(l) + 1 for l in lines[k[0]:min(pops) - 1])]
	touched = sorted(x for x in names | set(decls) if re.search(r'\b%s\b' % x, passed))
	if touched:
		return refuse('%s, which it takes, is used after it; moved to %s, '
			      'the acquire would come after that use' % (touched[0], hook),
			      'move that use above it, then rerun, or convert by hand')
	ff.moved[fn] = (take, k, [decls[x] for x in sorted(decls, key=fnbody.find)],
			(at, at + stmt.end()), dict((x, start + re.search(
				r'\S', fnbody[m.start():]).start() + m.start())
				for x in decls for m in [re.search(
					r'^[ \t]*(?:const\s+)?(?:struct\s+)?\w+[\s*]+%s\s*=' % x,
					fnbody, re.M)]))
	why = mapped_blocker(ff, fn, hook) if is_mainline(ff) else None
	if why:
		del ff.moved[fn]
		return refuse(*why) if isinstance(why, tuple) else refuse(why)
	return None


def mapped_hook(ff, fn):
	"""Mainline: (vm_operations_struct, name of its mapped hook, the body of
	that hook, {(line, column)} of what leaves the handler) for a handler
	whose acquire moves, else None."""
	if not is_mainline(ff) or fn not in ff.moved or fn not in decide(ff)[1]:
		return None
	take, k, decls, (a, b), where = ff.moved[fn]
	text = source(ff)
	blank = blank_comments(text)
	lines = text.split('\n')
	# the comment right above the acquire goes with it
	first = k[0] - 1
	while first > 0 and re.match(r'^\s*([/][*].*[*][/]|[/][/].*)\s*$', lines[first - 1]):
		first -= 1
	moved = '\n'.join(lines[first:k[0] - 1] + [lines[k[0] - 1][:k[1]] + text[a:b]])
	# a local only the acquire reads leaves the handler too
	start = sum(len(l) + 1 for l in lines[:int(ff.def_pos[fn][0].line) - 1])
	fnbody = blank[start:start + len(function_text(ff, fn))]
	rest = fnbody[:a - start] + fnbody[b - start:]
	gone = set()
	for x in sorted(where, key=where.get, reverse=True):
		others = rest
		for y in gone | {x}:
			e = blank.index(';', where[y])
			others = others[:where[y] - start] + ' ' * (e - where[y]) + \
				others[e - start:]
		if not re.search(r'\b%s\b' % x, others):
			gone.add(x)
	at = lambda pos: (blank.count('\n', 0, pos) + 1,
			  pos - blank.rfind('\n', 0, pos) - 1)
	removes = {at(a)} | {at(where[x]) for x in gone}
	body = decls + [''] if decls else []
	body = '\n\t'.join(body + moved.strip('\t').split('\n\t') + ['return 0'])
	ops = mapped_ops(ff, fn)[0]
	return (ops, mapped_name(ops), re.sub(r'\n\t\n', '\n\n', body), removes)


def mapped_removes(p):
	"""Is p the acquire, or a declaration only it needs, of a handler whose
	acquire goes to a vm_ops->mapped hook?"""
	ff = facts(p)
	where = (int(p[0].line), int(p[0].column))
	return any(where in hook[3] for hook in
		   (mapped_hook(ff, fn) for fn in list(ff.moved)) if hook)


def mapped_ops(ff, fn):
	"""The vm_operations_struct fn installs, as (name, initializer), or
	None."""
	found = re.findall(r'->vm_ops\s*=\s*&\s*(\w+)\s*;', function_text(ff, fn))
	m = re.search(r'^static\s+const\s+struct\s+vm_operations_struct\s+%s\s*='
		      r'\s*\{([^;]*)\}\s*;' % re.escape(found[0]), source(ff), re.M) \
		if len(found) == 1 else None
	return (found[0], m) if m else None


def mapped_blocker(ff, fn, hook):
	"""Mainline: why the acquire of fn cannot go to a new vm_ops->mapped of
	the operations fn installs, else None."""
	ops = mapped_ops(ff, fn)
	if ops is None:
		return ('%s goes in the vm_operations_struct the handler installs, '
			'and it installs no single static const one of this file' % hook)
	name, m = ops
	if re.search(r'\.mapped\s*=', m.group(1)):
		return '%s already has a .mapped' % name
	if len(re.findall(r'\b%s\b' % name, blank_comments(source(ff)))) != 2:
		return ('%s is used elsewhere in this file too, where %s would run '
			'as well' % (name, hook))
	if mapped_name(name) in ff.hook_names or re.search(
			r'\b%s\b' % mapped_name(name), source(ff)):
		return '%s already exists in this file' % mapped_name(name)
	# spatch removes a comment with the statement below it only when a
	# blank line follows that statement; else the comment would stay in
	# prepare, above the next statement, as well as go to the hook
	take, k, _, (a, b), _ = ff.moved[fn]
	text = source(ff)
	lines = text.split('\n')
	after = text[b:].split('\n', 2)
	if k[0] > 1 and re.match(r'^\s*([/][*].*[*][/]|[/][/].*)\s*$', lines[k[0] - 2]) \
	   and not after[0].strip().strip(';') and len(after) > 1 and after[1].strip():
		return ('the comment above it would stay in prepare as well as go to '
			'the hook', 'add a blank line after that statement, then rerun')
	return None


def mapped_name(ops):
	"""stm_mmap_vmops -> stm_mmap_mapped, the name of its mapped hook."""
	return re.sub(r'_(vm_?)?ops$', '', ops) + '_mapped'


def blank_comments(text):
	"""text with its comments and strings blanked, lines and columns kept."""
	# [/][*] and \x22 rather than the plain characters: the lexer of spatch
	# reads those
	return re.sub(r'[/][*].*?[*][/]|[/][/][^\n]*|\x22(?:\\.|[^\x22\\\n])*\x22',
		      lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text, flags=re.S)


# When a handler has several blockers, the report names the one a developer
# must deal with first: the most specific.
PRIORITY = ['blocked:stacked', 'blocked:dma', 'blocked:delegates',
	    'blocked:keeps-vma', 'blocked:unknown-vma-use', 'blocked:order',
	    'blocked:needs-abort',
	    'needs-complete']


def blocked_use(ff, fn, seen):
	"""Why fn cannot take a desc instead of its VMA, or None (helpers included)."""
	if fn in seen:
		return None
	seen.add(fn)
	names = vma_param(ff, fn)
	found = []
	if not free_desc_names(ff, fn):
		found.append(('blocked:unknown-vma-use(desc)',
			      '%s already uses %s, the names its struct vm_area_desc '
			      'could take; rename one, then rerun' % (fn, ' and '.join(DESC_NAMES))))
	for (where, name, k) in ff.vma_uses:
		if where == fn and name in names:
			why = use_blocker(ff, fn, name, k, seen)
			if why:
				found.append(why)
	for take, k in ff.takes.get(fn, []):
		why = acquire_blocker(ff, fn, take, k)
		if why:
			found.append(why)
	if fn in ff.moved and not is_mainline(ff):
		found.append(('needs-complete(%s)' % ff.moved[fn][0],
			      '%s calls %s(), which goes to mmap_complete; %s'
			      % (fn, ff.moved[fn][0], NEEDS_COMPLETE)))
	if not found:
		return None
	return min(found, key=lambda why: PRIORITY.index(why[0].split('(')[0]))


def free_desc_names(ff, fn):
	"""The DESC_NAMES that fn does not use yet."""
	return [name for name in DESC_NAMES if name not in ff.desc_users.get(fn, ())]


def desc_name(ff, group):
	"""{function: the name of its desc} for functions converted together
	(a handler and the helpers that take its desc): the first of
	DESC_NAMES that none of them uses, so that they read alike; else each
	its own (blocked_use() refuses a function that uses them all)."""
	for name in DESC_NAMES:
		if not any(name in ff.desc_users.get(fn, ()) for fn in group):
			return dict.fromkeys(group, name)
	return dict((fn, (free_desc_names(ff, fn) + [DESC_NAMES[0]])[0]) for fn in group)


def desc_groups(ff, functions):
	"""The functions in groups converted together: those linked by
	passing their VMA (now their desc) from one to the other."""
	linked = dict((fn, helpers_of(ff, fn, set()) & set(functions)) for fn in functions)
	groups, seen = [], set()
	for fn in sorted(functions):
		group, todo = set(), [fn]
		while todo:
			f = todo.pop()
			if f not in group and f not in seen:
				group.add(f)
				todo += sorted(linked[f] | {g for g in functions if f in linked[g]})
		if group:
			groups.append(sorted(group))
			seen |= group
	return groups


def desc_of(ff, fn):
	"""The name of the desc fn takes once converted (the first of
	DESC_NAMES for a function that is not: no rule writes it).  The Python
	of split_prefault.cocci replaces it, as on_desc()."""
	decide(ff)
	return ff.desc_names.get(fn, DESC_NAMES[0])


def desc_note(ff, h, names):
	"""What the report of h says when its desc is not named desc; names:
	desc_name() of its group."""
	if names[h] == DESC_NAMES[0]:
		return ''
	users = [fn for fn in sorted(names) if DESC_NAMES[0] in ff.desc_users.get(fn, ())]
	return '; its desc is named %s, as %s already use%s the name %s' % (
		names[h], ' and '.join(users), '' if len(users) > 1 else 's', DESC_NAMES[0])


def helpers_of(ff, fn, out):
	"""Same-file helpers that fn passes its VMA to, transitively."""
	names = vma_param(ff, fn)
	for (where, name, k) in ff.vma_uses:
		if where == fn and name in names and k in ff.call_args:
			callee = ff.call_args[k].callee
			if callee in ff.defs and callee not in out and \
			   not any(d.is_handler for d in ff.defs[callee]):
				out.add(callee)
				helpers_of(ff, callee, out)
	return out


def defined_in_text(path, fn):
	"""Line of a definition of fn that a plain text scan finds, else 0."""
	try:
		with open(path, errors='replace') as src:
			text = src.read()
	except OSError:
		return 0
	m = re.search(r'^[^\n;#]*\b%s\s*\([^;{]*\)\s*\{' % re.escape(fn), text, re.M)
	return text.count('\n', 0, m.start()) + 1 if m else 0


def hook_name_seen(fn, p):
	names = facts(p).hook_names
	names[fn] = min(int(p[0].line), names.get(fn, int(p[0].line)))


def name_taken(ff, h):
	"""A blocker when h_prepare, the name the conversion gives h, is
	taken: renaming h would define it twice.  (split_prefault.cocci checks
	the names of the hooks it makes itself.)"""
	name = h + '_prepare'
	if name in ff.hook_names:
		return ('blocked:unknown-vma-use(%s)' % name,
			'%s already exists in this file (line %d); rename it, '
			'then rerun' % (name, ff.hook_names[name]))
	return None


def decide(ff):
	"""Status of every handler of the file, and the functions to convert."""
	if ff.decision is not None:
		return ff.decision
	status = {}
	convert = set()
	hook_keys = {pos for uses in ff.hooks.values() for (_, _, pos) in uses}
	for h, uses in ff.hooks.items():
		if h in GENERIC:
			status[h] = ('converted:generic', '%s becomes %s' % (h, GENERIC[h]))
			continue
		defs = ff.defs.get(h, [])
		unparsed = 0 if defs or not ff.path else defined_in_text(ff.path, h)
		if unparsed:
			status[h] = ('error:parse',
				     'spatch could not parse %s (line %d), so it is left '
				     'alone; spatch --parse-c %s shows why'
				     % (h, unparsed, ff.path))
			continue
		if not defs and h in DELEGATES:
			status[h] = ('blocked:delegates(%s)' % h,
				     '%s is a subsystem helper that other drivers install too: '
				     'give it a prepare form first' % h)
			continue
		if not defs:
			status[h] = ('blocked:external',
				     '%s is defined in another file; convert it there, '
				     'with every initializer that installs it' % h)
			continue
		if is_mainline(ff) and any(kind == 'proc_mmap' for (kind, _, _) in uses) \
		   and not proc_ops_prepare(ff.path):
			status[h] = ('blocked:external',
				     '%s is a proc_ops->proc_mmap handler, and the struct '
				     'proc_ops of mainline has no proc_mmap_prepare yet: '
				     'procfs must gain it first' % h)
			continue
		if not all(d.is_handler for d in defs):
			status[h] = ('blocked:external',
				     '%s does not have the .mmap signature in this file' % h)
			continue
		why = blocked_use(ff, h, set())
		if why is None:
			others = [k for (where, k) in ff.refs.get(h, [])
				  if k not in hook_keys and k not in ff.exports]
			if others:
				why = ('blocked:called-elsewhere',
				       '%s is also used at line %s; convert those users '
				       'together with it' % (h, ', '.join(str(k[0]) for k in others)))
		if why is None and ff.aliases.get(h, 'NULL') not in ('NULL',) + tuple(GENERIC):
			why = (order('ifdef-variants'),
			       '%s is also a macro, #define %s %s, in another preprocessor '
			       'branch; convert that variant by hand' % (h, h, ff.aliases[h]))
		if why is None:
			why = name_taken(ff, h)
		if why is None and h in ff.actions:
			action, callee, error = ff.actions[h]
			status[h] = ('converted:action',
				     '%s becomes %s_prepare; %s() becomes %s()%s'
				     % (h, h, callee, action,
					' with error_override %s' % error if error else ''))
			convert.add(h)
		elif why is None:
			status[h] = ('converted:prepare', '%s becomes %s_prepare' % (h, h))
			convert.add(h)
		else:
			status[h] = why
		if why is None and h in ff.moved:
			ops = mapped_ops(ff, h)[0]
			status[h] = (status[h][0], status[h][1] + '; %s() moves to %s, '
				     'the vm_ops->mapped of %s' % (ff.moved[h][0],
								    mapped_name(ops), ops))
	# A helper is rewritten in place only when every user is rewritten too.
	changed = True
	while changed:
		changed = False
		for h in sorted(convert):
			if h not in ff.hooks:
				continue
			helpers = helpers_of(ff, h, set())
			outside = [(hp, k) for hp in helpers for (where, k) in ff.refs.get(hp, [])
				   if where not in convert and where not in helpers]
			why = helper_blocker(ff, h, helpers, outside)
			if why:
				status[h] = why
				convert.discard(h)
				changed = True
	for h in list(convert):
		convert |= helpers_of(ff, h, set())
	twins_of(ff, status, convert)
	convert -= set(ff.twins)
	ff.desc_names = {}
	for group in desc_groups(ff, convert):
		names = desc_name(ff, group)
		ff.desc_names.update(names)
		for h in [fn for fn in group if fn in ff.hooks]:
			status[h] = (status[h][0], status[h][1] + desc_note(ff, h, names))
	ff.decision = (status, convert)
	return ff.decision


# ---------------------------------------------------------------------------
# Helper twins.  A static helper that only reads fields a desc has, and that
# other code (the fault path) also calls with a VMA, is split the way
# upstream split drivers/dax/device.c check_vma(): a core __NAME() takes the
# fields, NAME() stays as a wrapper passing them from the VMA, so its other
# callers compile unchanged, and prepare calls the core with the desc's.
# ---------------------------------------------------------------------------

# The fields a core takes, in upstream's order: field -> (parameter, type,
# desc member); mainline with vma_flags_t reads the flags by bit.
TWIN_FIELDS = collections.OrderedDict([
	('vm_flags', ('vm_flags', 'vm_flags_t', 'vm_flags')),
	('vm_start', ('start', 'unsigned long', 'start')),
	('vm_end', ('end', 'unsigned long', 'end')),
	('vm_pgoff', ('pgoff', 'pgoff_t', 'pgoff')),
	('vm_file', ('file', 'struct file *', 'vm_file')),
	('vm_page_prot', ('page_prot', 'pgprot_t', 'page_prot')),
])
TWIN_BITS = ('flags', 'vma_flags_t', 'vma_flags', 'flags')
# VMA helpers that read one field: what a core calls on that field instead.
ACCESSORS = {'vma_is_dax': ('vm_file',), 'vma_pages': ('vm_start', 'vm_end')}

TwinPlan = collections.namedtuple('TwinPlan',
				  'core vma index last inline void fields params')


def twin_field(ff, fld):
	"""(parameter, type, desc member, VMA field) of one field of a core."""
	if fld == 'vm_flags' and uses_bits(ff):
		return TWIN_BITS
	return TWIN_FIELDS[fld] + (fld,)


def split_params(text):
	"""The parameters of a prototype's text between its parentheses."""
	parts, depth, cur = [], 0, ''
	for ch in text:
		if ch == ',' and depth == 0:
			parts.append(' '.join(cur.split()))
			cur = ''
			continue
		depth += ch in '([{'
		depth -= ch in ')]}'
		cur += ch
	parts.append(' '.join(cur.split()))
	return [part for part in parts if part]


def call_at(ff, line, col):
	"""(arguments, text after the call on its line) of the call whose name
	starts at line:col."""
	lines = source(ff).split('\n')
	text = '\n'.join(lines[line - 1:])
	start = text.index('(', col)
	depth = 0
	for i in range(start, len(text)):
		depth += text[i] == '('
		depth -= text[i] == ')'
		if depth == 0:
			break
	rest = text[i + 1:].split('\n', 1)[0]
	return split_params(text[start + 1:i]), rest


def twin_plan(ff, fn):
	"""(TwinPlan, '') when fn can become a wrapper of a core of the fields it
	reads, else (None, why not)."""
	if fn not in ff.twin_plans:
		ff.twin_plans[fn] = make_twin_plan(ff, fn)
	return ff.twin_plans[fn]


def make_twin_plan(ff, fn):
	defs = ff.defs.get(fn, [])
	if len(defs) != 1 or defs[0].is_handler:
		return None, '%s has %d definitions' % (fn, len(defs))
	d = defs[0]
	fields = set()
	for (where, name, k) in ff.vma_uses:
		if where != fn or name != d.vma:
			continue
		call = ff.call_args.get(k)
		if call and call.callee in ACCESSORS:
			fields |= set(ACCESSORS[call.callee])
			continue
		if call and call.callee.startswith('vm_flags_'):
			return None, '%s changes the VMA flags with %s() (line %d)' \
				% (fn, call.callee, k[0])
		fld = ff.fields.get(k)
		if fld in TWIN_FIELDS and k not in ff.written and k not in ff.flag_ops \
		   and k not in ff.flag_assigns and k not in ff.forbidden:
			why = bits_blocker(ff, fn, k) if uses_bits(ff) else None
			if why:
				return None, why[1]
			fields.add(fld)
			continue
		if fld:
			return None, '%s writes vma->%s (line %d)' % (fn, fld, k[0])
		why = use_blocker(ff, fn, name, k, set())
		return None, why[1] if why else '%s uses the VMA itself (line %d)' % (fn, k[0])
	lines = source(ff).split('\n')
	line, col = d.pos
	prefix = lines[line - 1][:col]
	storage = prefix if prefix.strip() else lines[line - 2] if line > 1 else ''
	if not re.match(r'^static\s+(inline\s+)?\w', storage):
		return None, '%s is not static' % fn
	core = '__' + fn
	params = call_at(ff, line, col)[0]
	if any(re.search(r'[(\[]', p) or not re.search(r'\w$', p) for p in params):
		return None, 'the parameters of %s are not plain declarations' % fn
	order = [fld for fld in TWIN_FIELDS if fld in fields]
	names = [twin_field(ff, fld)[0] for fld in order] + [core]
	body = re.sub(r'(->|\.)\s*\w+', '', function_text(ff, fn))
	taken = [n for n in names if re.search(r'\b%s\b' % n, body if n != core else source(ff))]
	if taken:
		return None, '%s already uses the name %s' % (fn, taken[0])
	return TwinPlan(core, d.vma, d.index, d.index == len(params) - 1,
			bool(re.match(r'^static\s+inline\b', storage)),
			bool(re.search(r'\bvoid\s*$', storage)), order, params), ''


def helper_blocker(ff, h, helpers, outside):
	"""Why the helpers h passes its VMA to stop it, or None.  A helper that
	other code also calls gets a twin; one only converted code calls is
	rewritten in place, so it must take a desc."""
	for hp in sorted(helpers):
		others = [k for (hq, k) in outside if hq == hp]
		if others:
			plan, why = twin_plan(ff, hp)
			if plan is None:
				return ('blocked:unknown-vma-use(%s)' % hp,
					'%s passes the VMA to %s(), which is also used at line %d; '
					'%s, which a core taking the VMA fields by value cannot do: '
					'give %s a desc twin by hand' % (h, hp, others[0][0], why, hp))
			continue
		why = blocked_use(ff, hp, set())
		if why:
			return why
	return None


def twins_of(ff, status, convert):
	"""The helpers of converted handlers that get a twin; their handlers'
	report lines say so."""
	for h in sorted(convert):
		if h not in ff.hooks:
			continue
		helpers = helpers_of(ff, h, set())
		for hp in sorted(helpers):
			if any(where not in convert and where not in helpers
			       for (where, _) in ff.refs.get(hp, [])):
				plan = twin_plan(ff, hp)[0]
				ff.twins[hp] = plan
				code, reason = status[h]
				status[h] = (code, '%s; it calls %s(), the part of %s() that '
					     'takes the VMA fields, and %s() stays for its other '
					     'callers' % (reason, plan.core, hp, hp))


def twin_text(ff, plan, args, align, end):
	"""plan.core(args) wrapped at 80 columns from column align."""
	return '%s(%s)' % (plan.core, wrap_list(args, ', ', align + len(plan.core) + 1, end))


def twin_wrapper(ff, fn):
	"""The statement of the wrapper: the core called with the VMA fields."""
	plan = ff.twins[fn]
	names = [re.search(r'(\w+)$', p).group(1) for p in plan.params]
	fields = ['%s->%s' % (plan.vma, 'flags' if f == 'vm_flags' and uses_bits(ff) else f)
		  for f in plan.fields]
	args = names[:plan.index] + fields + names[plan.index + 1:]
	lead = '' if plan.void else 'return '
	return lead + twin_text(ff, plan, args, 8 + len(lead), ');')


def twin_header(ff, fn):
	"""(type of its first parameter, the rest) of the core's parameter
	list, wrapped at 80 columns below its parenthesis."""
	plan = ff.twins[fn]
	line, col = ff.defs[fn][0].pos
	prefix = source(ff).split('\n')[line - 1][:col].expandtabs(8)
	fields = []
	for f in plan.fields:
		name, kind = twin_field(ff, f)[:2]
		fields.append('%s%s%s' % (kind, '' if kind.endswith('*') else ' ', name))
	parts = plan.params[:plan.index] + fields + plan.params[plan.index + 1:]
	text = wrap_list(parts, ', ', len(prefix) + len(plan.core) + 1, ')')
	first = re.match(r'^(.*?)(\w+)$', parts[0])
	return first.group(1).strip(), text[len(first.group(1)):]


def twin_call(p, fn, desc=DESC_NAMES[0]):
	"""A call of fn in converted code: the core with the fields of the
	desc named desc."""
	ff = facts(p)
	plan = ff.twins[fn]
	line, col = int(p[0].line), int(p[0].column)
	args, rest = call_at(ff, line, col)
	fields = ['%s->%s' % (desc, twin_field(ff, f)[2]) for f in plan.fields]
	args = args[:plan.index] + fields + args[plan.index + 1:]
	start = len(source(ff).split('\n')[line - 1][:col].expandtabs(8))
	return twin_text(ff, plan, args, start, ')' + rest)


def on_flags(test, desc=DESC_NAMES[0]):
	"""A vma_desc_test*() of the desc named desc, written on a core's flags."""
	return re.sub(r'\bvma_desc_test(_any|_all)?\(%s, ' % desc, r'vma_flags_test\1(&flags, ', test)


def core_test(flags):
	"""bits_test() on a core's flags."""
	return on_flags(bits_test(flags, DESC_NAMES[0]))


def core_equal(flags, value, alone=False):
	return on_flags(bits_equal(flags, value, DESC_NAMES[0], alone))


def core_differ(flags, value, alone=False):
	return on_flags(bits_differ(flags, value, DESC_NAMES[0], alone))


def file_is_dax_text(ff):
	"""vma_is_dax(vma) on the core's file: file_is_dax() where the tree has
	it (Linux 6.19 on), else what it does."""
	try:
		with open(os.path.join(tree_top(ff.path), 'include', 'linux', 'fs.h'),
			  errors='replace') as src:
			if re.search(r'\bfile_is_dax\(', src.read()):
				return 'file_is_dax(file)'
	except OSError:
		pass
	return '(file && IS_DAX(file->f_mapping->host))'


def on_desc(ff, fn):
	"""The name fn has when the translation rules rewrite its VMA uses into
	desc uses, or SKIP: here, every function converted.  The Python of
	split_prefault.cocci replaces it."""
	return fn if fn in decide(ff)[1] else SKIP


def primitives(ff, fn, seen=None):
	"""Populate and dma_mmap_* calls fn makes on its VMA, itself or through
	same-file helpers: what the audit lists as the primitives of the handler."""
	seen = seen if seen is not None else set()
	if fn in seen:
		return set()
	seen.add(fn)
	names = vma_param(ff, fn)
	found = set()
	for (where, name, k) in ff.vma_uses:
		if where != fn or name not in names or k not in ff.call_args:
			continue
		callee = ff.call_args[k].callee
		if callee in POPULATE or callee.startswith('dma_mmap_'):
			found.add(callee)
		elif any(not d.is_handler for d in ff.defs.get(callee, [])):
			found |= primitives(ff, callee, seen)
	return found


def report_handler(ff, h, p, emit, decision=decide):
	"""One line per handler: where it is defined (else installed), the
	initializers installing it, the populate calls it makes, its status
	code and what to do about it; decision: the semantic patch deciding
	(split_prefault.cocci has its own)."""
	if h in ff.reported or h not in ff.hooks:
		return
	ff.reported.add(h)
	status, reason = decision(ff)[0][h]
	fops = sorted({f for (_, f, _) in ff.hooks[h]})
	prims = sorted(primitives(ff, h))
	emit(ff.def_pos.get(h, p)[0], '%s (%s)%s: %s: %s'
	     % (h, ', '.join(fops), ' [%s]' % ','.join(prims) if prims else '',
		status, reason))


def report_already(ff, h, p, emit):
	if h in ff.reported:
		return
	ff.reported.add(h)
	fops = sorted({f for (f, _) in ff.already[h]})
	emit(ff.def_pos.get(h, p)[0], '%s (%s): already: has mmap_prepare; '
	     'nothing to do' % (h, ', '.join(fops)))


def wrap_list(parts, sep, align, end):
	"""parts joined by sep (' | ', ', ') into lines that fit 80 columns,
	continuation lines starting at column align, as kernel code wraps a
	list; every line but the last ends in sep without its blank, and the
	last is followed by end (what the caller closes it with).  The text is
	printed verbatim, so it carries its own line breaks."""
	lines, line = [], ''
	for i, part in enumerate(parts):
		cand = part if not line else line + sep + part
		tail = len(sep.rstrip()) if i < len(parts) - 1 else len(end)
		if line and align + len(cand) + tail > 80:
			lines.append(line + sep.rstrip())
			line = part
		else:
			line = cand
	lines.append(line)
	tabs, spaces = divmod(align, 8)
	return ('\n' + '\t' * tabs + ' ' * spaces).join(lines)


def flags_operand(flags, p, op, desc, negate=False):
	"""Right-hand side of desc->vm_flags OP (the desc named desc), wrapped
	like kernel code: continuation lines line up with the first flag."""
	# kernel code is indented with tabs
	return flags_operand_at(flags, 8 * int(p[0].column), op, desc, negate)


def flags_operand_at(flags, indent, op, desc, negate=False):
	"""flags_operand() for a statement starting at column indent."""
	flags = ' '.join(flags.split())
	opening, closing = '', ''
	if negate:
		opening = '~' if re.match(r'^\w+$', flags) else '~('
		closing = '' if opening == '~' else ')'
	align = indent + len(desc + '->vm_flags ' + op + opening)
	return opening + wrap_list(flags.split(' | '), ' | ', align, closing + ';') + closing


def flags_to_set(flags, p, desc):
	return flags_operand(flags, p, '|= ', desc)


def flags_to_clear(flags, p, desc):
	return flags_operand(flags, p, '&= ', desc, True)


def uses_file(ff, fn):
	"""Does fn still use its file parameter once generic_file_mmap() is gone?"""
	fileps = {d.filep for d in ff.defs.get(fn, [])}
	gone = set(ff.generic.values())
	return any(w == fn and n in fileps and k not in gone
		   for (w, n, k) in ff.file_uses)

// -D v1, -D mainline, -D desc_vm_flags force the target.
@script:python depends on v1@
@@
FORCED['target'] = 'v1'

@script:python depends on mainline@
@@
FORCED['target'] = 'mainline'

@script:python depends on desc_vm_flags@
@@
FORCED['flags'] = 'word'

// ---------------------------------------------------------------------------
// Facts: where the handlers are installed, and what they do with the VMA.
// ---------------------------------------------------------------------------

// Every other rule depends on this one, so that spatch (and make coccicheck's
// --use-gitgrep) only reads files that install an mmap or mmap_prepare
// handler.
@has_hooks@
identifier fops, handler;
@@
(
struct file_operations fops = { ..., .mmap = handler, ... };
|
struct file_operations fops[...] = { ..., { ..., .mmap = handler, ... }, ... };
|
struct proc_ops fops = { ..., .proc_mmap = handler, ... };
|
struct file_operations fops = { ..., .mmap_prepare = handler, ... };
|
struct proc_ops fops = { ..., .proc_mmap_prepare = handler, ... };
)

@fops_mmap depends on has_hooks@
identifier fops, handler;
position p;
@@
struct file_operations fops = { ..., .mmap = handler@p, ... };

@script:python depends on has_hooks@
h << fops_mmap.handler;
fops << fops_mmap.fops;
p << fops_mmap.p;
@@
if h != 'NULL':
	facts(p).hooks.setdefault(h, []).append(('mmap', fops, key(p)))

@fops_array_mmap depends on has_hooks@
identifier fops, handler;
position p;
@@
struct file_operations fops[...] = { ..., { ..., .mmap = handler@p, ... }, ... };

@script:python depends on has_hooks@
h << fops_array_mmap.handler;
fops << fops_array_mmap.fops;
p << fops_array_mmap.p;
@@
if h != 'NULL':
	facts(p).hooks.setdefault(h, []).append(('mmap', fops, key(p)))

@proc_ops_mmap depends on has_hooks@
identifier fops, handler;
position p;
@@
struct proc_ops fops = { ..., .proc_mmap = handler@p, ... };

@script:python depends on has_hooks@
h << proc_ops_mmap.handler;
fops << proc_ops_mmap.fops;
p << proc_ops_mmap.p;
@@
if h != 'NULL':
	facts(p).hooks.setdefault(h, []).append(('proc_mmap', fops, key(p)))

@fops_already depends on has_hooks@
identifier fops, handler;
position p;
@@
(
struct file_operations fops = { ..., .mmap_prepare = handler@p, ... };
|
struct proc_ops fops = { ..., .proc_mmap_prepare = handler@p, ... };
)

@script:python depends on has_hooks@
h << fops_already.handler;
fops << fops_already.fops;
p << fops_already.p;
@@
facts(p).already.setdefault(h, []).append((fops, key(p)))

@vma_fn depends on has_hooks@
identifier fn, v;
parameter list[n] before;
type T;
position p;
@@
T fn@p(before, struct vm_area_struct *v, ...) { ... }

@handler_shape depends on has_hooks@
identifier vma_fn.fn, fp, v;
type T;
position vma_fn.p;
@@
T fn@p(struct file *fp, struct vm_area_struct *v) { ... }

@script:python depends on has_hooks@
fn << vma_fn.fn;
v << vma_fn.v;
n << vma_fn.n;
p << vma_fn.p;
fp << handler_shape.fp = "";
@@
ff = facts(p)
ff.defs.setdefault(fn, []).append(Definition(v, int(n), fp or None, bool(fp), key(p)))
ff.def_pos.setdefault(fn, p)

@vma_use depends on has_hooks@
idexpression struct vm_area_struct *v;
position p;
@@
v@p

@script:python depends on has_hooks@
v << vma_use.v;
p << vma_use.p;
@@
facts(p).vma_uses.append((p[0].current_element, v, key(p)))

@file_use depends on has_hooks@
idexpression struct file *f;
position p;
@@
f@p

@script:python depends on has_hooks@
f << file_use.f;
p << file_use.p;
@@
facts(p).file_uses.append((p[0].current_element, f, key(p)))

// Every VMA use that has a desc translation (docs/conversion.md, "The prepare half").
@vma_translatable depends on has_hooks@
idexpression struct vm_area_struct *v;
expression E;
position p;
@@
(
v@p->vm_start
|
v@p->vm_end
|
v@p->vm_pgoff
|
v@p->vm_flags
|
v@p->vm_page_prot
|
v@p->vm_file
|
v@p->vm_mm == E
|
v@p->vm_mm != E
|
E == v@p->vm_mm
|
E != v@p->vm_mm
|
v@p->vm_ops = E
|
v@p->vm_private_data = E
|
vma_pages(v@p)
)

@script:python depends on has_hooks@
p << vma_translatable.p;
@@
facts(p).allowed.add(key(p))

// A test of the VMA pointer itself: mmap never passes a NULL one, nor
// mmap_prepare a NULL desc, so the same test of the desc (vma_to_desc) has
// the same value.  Expressions and statements match in rules of their own.
@vma_null_test depends on has_hooks@
idexpression struct vm_area_struct *v;
expression E;
position p;
@@
(
!v@p
|
v@p == NULL
|
v@p != NULL
|
NULL == v@p
|
NULL != v@p
|
v@p && E
|
E && v@p
|
v@p || E
|
E || v@p
)

@script:python depends on has_hooks@
p << vma_null_test.p;
@@
facts(p).allowed.add(key(p))

@vma_truth_test depends on has_hooks@
idexpression struct vm_area_struct *v;
statement S, S2;
position p;
@@
(
if (v@p) S else S2
|
if (v@p) S
)

@script:python depends on has_hooks@
p << vma_truth_test.p;
@@
facts(p).allowed.add(key(p))

// Only whole statements: their translation is a statement too.
@vma_flags_statement depends on has_hooks@
idexpression struct vm_area_struct *v;
expression F, G;
position p;
@@
(
vm_flags_set(v@p, F);
|
vm_flags_clear(v@p, F);
|
vm_flags_mod(v@p, F, G);
)

@script:python depends on has_hooks@
p << vma_flags_statement.p;
@@
facts(p).allowed.add(key(p))

// Fields a desc has but does not let prepare write.
@vma_readonly_write depends on has_hooks@
idexpression struct vm_area_struct *v;
expression E;
position p;
identifier fld = {vm_start, vm_end, vm_mm, vm_flags};
@@
(
v@p->fld = E
|
v@p->fld += E
|
v@p->fld -= E
|
v@p->fld |= E
|
v@p->fld &= E
)

@script:python depends on has_hooks@
p << vma_readonly_write.p;
fld << vma_readonly_write.fld;
@@
facts(p).forbidden[key(p)] = (fld,
	'%s writes vma->%s (line %d), which a desc cannot change'
	% (p[0].current_element, fld, int(p[0].line)))

// Trees before Linux 6.3 (no vm_flags_set()) set and clear the flags by
// hand: those two writes are what the desc takes too.
@vma_flags_write depends on has_hooks@
idexpression struct vm_area_struct *v;
expression F;
position p;
@@
(
v@p->vm_flags |= F
|
v@p->vm_flags &= ~F
)

@script:python depends on has_hooks@
p << vma_flags_write.p;
F << vma_flags_write.F;
@@
ff = facts(p)
ff.forbidden.pop(key(p), None)
ff.allowed.add(key(p))
ff.flag_ops[key(p)] = [F]

// A whole new value is a desc->vm_flags assignment too (not for bits).
@vma_flags_assign depends on has_hooks@
idexpression struct vm_area_struct *v;
expression E;
position p;
@@
v@p->vm_flags = E

@script:python depends on has_hooks@
p << vma_flags_assign.p;
@@
ff = facts(p)
ff.forbidden.pop(key(p), None)
ff.allowed.add(key(p))
ff.flag_assigns.add(key(p))

@generic_inside depends on has_hooks@
idexpression struct vm_area_struct *v;
idexpression struct file *f;
identifier gen = {generic_file_mmap, generic_file_readonly_mmap};
position p, pf;
@@
gen(f@pf, v@p)

@script:python depends on has_hooks@
p << generic_inside.p;
pf << generic_inside.pf;
@@
facts(p).generic[key(p)] = key(pf)

@vma_passed depends on has_hooks@
idexpression struct vm_area_struct *v;
identifier callee;
expression list[n] before;
position p, pc;
@@
callee@pc(before, v@p, ...)

@script:python depends on has_hooks@
callee << vma_passed.callee;
n << vma_passed.n;
p << vma_passed.p;
pc << vma_passed.pc;
@@
facts(p).call_args[key(p)] = CallArg(callee, int(n), key(pc))

@vma_passed_indirect depends on has_hooks@
idexpression struct vm_area_struct *v;
expression fnptr;
expression list[n] before;
position p;
@@
fnptr(before, v@p, ...)

@script:python depends on has_hooks@
fnptr << vma_passed_indirect.fnptr;
n << vma_passed_indirect.n;
p << vma_passed_indirect.p;
@@
facts(p).indirect[key(p)] = (c_text(fnptr), int(n))

@vma_field depends on has_hooks@
idexpression struct vm_area_struct *v;
identifier fld;
position p;
@@
v@p->fld

@script:python depends on has_hooks@
fld << vma_field.fld;
p << vma_field.p;
@@
facts(p).fields[key(p)] = fld

// Calls that take something a later vm_ops->close gives back: with
// mmap_prepare, a mapping that fails after prepare never gets a close, so
// the acquire must move to where it runs only for a mapping that exists,
// or the handler is left alone (acquire_blocker()).
@takes_reference depends on has_hooks@
identifier take =~ "^(atomic(64|_long)?_inc[A-Za-z0-9_]*|refcount_inc[A-Za-z0-9_]*|kref_get[A-Za-z0-9_]*|get_file|get_device|get_page|folio_get|try_module_get|__module_get|[A-Za-z0-9_]+_get|[A-Za-z0-9_]+_add|[A-Za-z0-9_]+_add_[A-Za-z0-9_]+|k[mzc]alloc[A-Za-z0-9_]*|kv[mz]alloc[A-Za-z0-9_]*|vzalloc|vmalloc(_user|_node|_32)?|kmem_cache_alloc[A-Za-z0-9_]*|[A-Za-z0-9_]+_alloc|[A-Za-z0-9_]+_alloc_[A-Za-z0-9_]+|pm_runtime_get[A-Za-z0-9_]*)$";
position p;
@@
take@p(...)

@script:python depends on has_hooks@
take << takes_reference.take;
p << takes_reference.p;
@@
facts(p).takes.setdefault(p[0].current_element, []).append((take, key(p)))

@vma_stored depends on has_hooks@
idexpression struct vm_area_struct *v;
expression E;
position p;
@@
E = v@p

@script:python depends on has_hooks@
p << vma_stored.p;
@@
facts(p).stores.add(key(p))

@fn_ref depends on has_hooks@
identifier vma_fn.fn;
position p;
@@
fn@p

@script:python depends on has_hooks@
fn << vma_fn.fn;
p << fn_ref.p;
@@
facts(p).refs.setdefault(fn, []).append((p[0].current_element, key(p)))

@exported depends on has_hooks@
identifier vma_fn.fn;
declarer name EXPORT_SYMBOL, EXPORT_SYMBOL_GPL;
position p;
@@
(
EXPORT_SYMBOL(fn@p);
|
EXPORT_SYMBOL_GPL(fn@p);
)

@script:python depends on has_hooks@
p << exported.p;
@@
facts(p).exports.add(key(p))

// The flags of vm_flags_set/clear/mod(), and the tests of vma->vm_flags
// that read as a truth value: what a vma_flags_t desc can take.
@vma_flags_operands depends on has_hooks@
idexpression struct vm_area_struct *v;
expression F, G;
position p;
@@
(
vm_flags_set(v@p, F);
|
vm_flags_clear(v@p, F);
|
vm_flags_mod(v@p, F, G);
)

@script:python depends on has_hooks@
p << vma_flags_operands.p;
F << vma_flags_operands.F;
G << vma_flags_operands.G = "";
@@
facts(p).flag_ops[key(p)] = [f for f in (F, G) if f]

@vma_flags_test depends on has_hooks disable not_int1, not_int2, not_ptr1, not_ptr2@
idexpression struct vm_area_struct *v;
expression F;
position p;
@@
!(v@p->vm_flags & F)

@script:python depends on has_hooks@
p << vma_flags_test.p;
F << vma_flags_test.F;
@@
facts(p).flag_tests[key(p)] = F

@vma_flags_condition depends on has_hooks@
idexpression struct vm_area_struct *v;
expression F;
statement S, S2;
position p;
@@
(
if (<+... v@p->vm_flags & F ...+>) S else S2
|
if (<+... v@p->vm_flags & F ...+>) S
|
while (<+... v@p->vm_flags & F ...+>) S
)

@script:python depends on has_hooks@
p << vma_flags_condition.p;
F << vma_flags_condition.F;
@@
facts(p).flag_tests[key(p)] = F

// A test whose value is only true or false outside a condition: kept in a
// bool, through !!, as the condition of ?:, or an operand of && and ||.
// In an int or an unsigned long it is the value of the bits, left alone.
@vma_flags_truth depends on has_hooks@
idexpression struct vm_area_struct *v;
identifier x;
expression F, E1, E2;
typedef bool;
bool B;
position p;
@@
(
 bool x = (v@p->vm_flags & F);
|
 B = (v@p->vm_flags & F)
|
 (v@p->vm_flags & F) ? E1 : E2
|
 E1 && (v@p->vm_flags & F)
|
 (v@p->vm_flags & F) && E1
|
 E1 || (v@p->vm_flags & F)
|
 (v@p->vm_flags & F) || E1
)

@script:python depends on has_hooks@
p << vma_flags_truth.p;
F << vma_flags_truth.F;
@@
facts(p).flag_tests[key(p)] = F

// Helpers of include/linux/mm.h that read the flags word (FLAG_HELPERS).
@vma_flags_helper depends on has_hooks@
idexpression struct vm_area_struct *v;
identifier fh = {is_nommu_shared_mapping, is_cow_mapping, is_shared_maywrite,
		 vm_get_page_prot};
position p;
@@
fh(v@p->vm_flags)

@script:python depends on has_hooks@
p << vma_flags_helper.p;
fh << vma_flags_helper.fh;
@@
facts(p).flag_helpers[key(p)] = fh

// ... unless the condition compares the bits with something else than 0:
// bits_compare() says what that means with vma_desc_test_all/any().
@vma_flags_compared depends on has_hooks@
idexpression struct vm_area_struct *v;
expression F, E;
position p;
@@
(
 (v@p->vm_flags & F) == E
|
 (v@p->vm_flags & F) != E
)

@script:python depends on has_hooks@
p << vma_flags_compared.p;
F << vma_flags_compared.F;
E << vma_flags_compared.E;
@@
if E.strip() != '0':
	facts(p).flag_tests.pop(key(p), None)
	facts(p).flag_compares[key(p)] = (F, E)

// Where every remap starts and how much it maps: the prepare halves of
// both targets assume the whole mapping.
@remap_range depends on has_hooks@
identifier vma_fn.v, pop = {remap_pfn_range, io_remap_pfn_range};
expression A, PFN, S, P;
position p;
@@
pop@p(v, A, PFN, S, P)

@script:python depends on has_hooks@
p << remap_range.p;
A << remap_range.A;
S << remap_range.S;
@@
facts(p).remaps[key(p)] = (A, S)

// A populate call that an mmap_action can replace where it stands: the
// last step of the handler, its error returned as is or mapped to one code.
@populate_last depends on has_hooks@
identifier vma_fn.fn, vma_fn.v, pop = {remap_pfn_range, io_remap_pfn_range};
expression A, PFN, S, P, E;
position p;
@@
fn(...) {
...
(
return pop@p(v, A, PFN, S, P);
|
if (pop@p(v, A, PFN, S, P))
	return E;
return 0;
|
if (pop@p(v, A, PFN, S, P)) {
	return E;
}
return 0;
)
}

@script:python depends on has_hooks@
p << populate_last.p;
A << populate_last.A;
S << populate_last.S;
P << populate_last.P;
E << populate_last.E = "";
@@
facts(p).shapes[key(p)] = {'start': A, 'size': S, 'prot': P, 'error': E}

@iomap_last depends on has_hooks@
identifier vma_fn.fn, vma_fn.v;
identifier pop = {vm_iomap_memory, vm_map_pages, vm_map_pages_zero};
expression A, B;
position p;
@@
fn(...) {
...
return pop@p(v, A, B);
}

@script:python depends on has_hooks@
p << iomap_last.p;
A << iomap_last.A;
B << iomap_last.B;
@@
facts(p).shapes[key(p)] = {'error': '', 'args': (A, B)}

// A handler may be a macro in another preprocessor branch
// ('#define foo_mmap NULL' where a config leaves it out).
@hook_alias depends on has_hooks@
identifier fn, value;
position p;
@@
#define fn@p value

@script:python depends on has_hooks@
fn << hook_alias.fn;
value << hook_alias.value;
p << hook_alias.p;
@@
facts(p).aliases[fn] = value

// The names a desc may take (DESC_NAMES) that a function already uses or
// declares, as a local or a parameter.
@desc_name depends on has_hooks@
identifier desc_id =~ "^(desc|vma_desc)$";
position p;
@@
desc_id@p

@script:python depends on has_hooks@
p << desc_name.p;
d << desc_name.desc_id;
@@
facts(p).desc_users.setdefault(p[0].current_element, set()).add(d)

@desc_name_declared depends on has_hooks@
identifier desc_id =~ "^(desc|vma_desc)$";
type T;
position p;
@@
(
T desc_id@p;
|
T desc_id@p = ...;
)

@script:python depends on has_hooks@
p << desc_name_declared.p;
d << desc_name_declared.desc_id;
@@
facts(p).desc_users.setdefault(p[0].current_element, set()).add(d)

@desc_name_parameter depends on has_hooks@
identifier fn, desc_id =~ "^(desc|vma_desc)$";
type T, T2;
position p;
@@
T2 fn(..., T desc_id@p, ...) { ... }

@script:python depends on has_hooks@
p << desc_name_parameter.p;
d << desc_name_parameter.desc_id;
@@
facts(p).desc_users.setdefault(p[0].current_element, set()).add(d)

// The name a conversion gives the new hook, already taken in the file: a
// function defined or declared with it, or any use of it.
@hook_name_defined depends on has_hooks@
identifier fn =~ "_prepare$";
type T;
position p;
@@
T fn@p(...) { ... }

@hook_name_declared depends on has_hooks@
identifier fn =~ "_prepare$";
type T;
position p;
@@
T fn@p(...);

@hook_name_used depends on has_hooks@
identifier fn =~ "_prepare$";
position p;
@@
fn@p

@script:python depends on has_hooks@
fn << hook_name_defined.fn;
p << hook_name_defined.p;
@@
hook_name_seen(fn, p)

@script:python depends on has_hooks@
fn << hook_name_declared.fn;
p << hook_name_declared.p;
@@
hook_name_seen(fn, p)

@script:python depends on has_hooks@
fn << hook_name_used.fn;
p << hook_name_used.p;
@@
hook_name_seen(fn, p)

// Fields written, or whose address is taken (phys_mem_access_prot_allowed()
// writes &vma->vm_page_prot): a core taking the fields by value cannot.
@vma_field_written depends on has_hooks@
idexpression struct vm_area_struct *v;
identifier fld;
expression E;
assignment operator aop;
position p;
@@
(
 v@p->fld aop E
|
 &v@p->fld
|
 v@p->fld++
|
 v@p->fld--
|
 ++v@p->fld
|
 --v@p->fld
)

@script:python depends on has_hooks@
p << vma_field_written.p;
@@
facts(p).written.add(key(p))

// ---------------------------------------------------------------------------
// The functions whose VMA uses become desc uses: those on_desc() names.
// As the other script rules, these never discard a match; a function that
// is not rewritten is bound to SKIP, a name no C code uses.
// ---------------------------------------------------------------------------

@script:python converted_fn depends on has_hooks@
fn << vma_fn.fn;
v << vma_fn.v;
p << vma_fn.p;
cfn;
cv;
cdesc;
@@
coccinelle.cfn = on_desc(facts(p), fn)
coccinelle.cv = v
coccinelle.cdesc = desc_of(facts(p), fn)

// The flag helpers are written as the target's desc takes them: a
// vm_flags_t word (wfn) or vma_flags_t bits (bfn), on the desc named fdesc.
@script:python converted_flags depends on has_hooks@
fn << vma_fn.fn;
v << vma_fn.v;
p << vma_fn.p;
wfn;
bfn;
fv;
fdesc;
@@
ff = facts(p)
name = on_desc(ff, fn)
coccinelle.wfn = SKIP if uses_bits(ff) else name
coccinelle.bfn = name if uses_bits(ff) else SKIP
coccinelle.fv = v
coccinelle.fdesc = desc_of(ff, fn)

// Mainline: the converted handlers whose populate call becomes an action
// over the whole mapping (full_fn), over a range (range_fn), the
// vm_iomap_memory() equivalent (iomap_fn), or a page array (map_fn); the
// desc is named adesc.
@script:python action_fn depends on has_hooks@
fn << vma_fn.fn;
v << vma_fn.v;
p << vma_fn.p;
full_fn;
range_fn;
iomap_fn;
map_fn;
av;
adesc;
@@
ff = facts(p)
name = on_desc(ff, fn)
action = ff.actions.get(fn, ('',))[0] if name != SKIP else ''
coccinelle.full_fn = name if action.endswith('_full') else SKIP
coccinelle.range_fn = name if action in ('mmap_action_remap', 'mmap_action_ioremap') else SKIP
coccinelle.iomap_fn = name if action == 'mmap_action_simple_ioremap' else SKIP
coccinelle.map_fn = name if action == 'mmap_action_map_kernel_pages_full' else SKIP
coccinelle.av = v
coccinelle.adesc = desc_of(ff, fn)

// END shared

// ---------------------------------------------------------------------------
// Decisions: one line per handler, and the functions to rewrite.
// ---------------------------------------------------------------------------

@script:python depends on report && has_hooks@
h << fops_mmap.handler;
p << fops_mmap.p;
@@
report_handler(facts(p), h, p, coccilib.report.print_report)

@script:python depends on report && has_hooks@
h << fops_array_mmap.handler;
p << fops_array_mmap.p;
@@
report_handler(facts(p), h, p, coccilib.report.print_report)

@script:python depends on report && has_hooks@
h << proc_ops_mmap.handler;
p << proc_ops_mmap.p;
@@
report_handler(facts(p), h, p, coccilib.report.print_report)

@script:python depends on report && has_hooks@
h << fops_already.handler;
p << fops_already.p;
@@
report_already(facts(p), h, p, coccilib.report.print_report)

@script:python depends on org && has_hooks@
h << fops_mmap.handler;
p << fops_mmap.p;
@@
report_handler(facts(p), h, p, coccilib.org.print_safe_todo)

@script:python depends on org && has_hooks@
h << fops_array_mmap.handler;
p << fops_array_mmap.p;
@@
report_handler(facts(p), h, p, coccilib.org.print_safe_todo)

@script:python depends on org && has_hooks@
h << proc_ops_mmap.handler;
p << proc_ops_mmap.p;
@@
report_handler(facts(p), h, p, coccilib.org.print_safe_todo)

// These scripts never discard a match: a discarded binding would also drop
// the functions other rules inherit. A function that is not to be rewritten
// is bound to SKIP instead, a name no C code uses.
@script:python converted_handler depends on has_hooks@
fn << vma_fn.fn;
p << vma_fn.p;
fp << handler_shape.fp;
hfn;
hfp;
hdesc;
@@
ff = facts(p)
coccinelle.hfn = fn if fn in decide(ff)[1] and fn in ff.hooks else SKIP
coccinelle.hfp = fp
coccinelle.hdesc = desc_of(ff, fn)

// A helper that now takes a desc gets a name that says so (hnew), unless
// the file already uses that name.
@script:python converted_helper depends on has_hooks@
fn << vma_fn.fn;
p << vma_fn.p;
hfn;
hnew;
hdesc;
@@
ff = facts(p)
converted = fn in decide(ff)[1] and fn not in ff.hooks
coccinelle.hfn = fn if converted else SKIP
coccinelle.hnew = helper_prepare_name(ff, fn) if converted else SKIP
coccinelle.hdesc = desc_of(ff, fn)

@script:python needs_file_local depends on has_hooks@
fn << vma_fn.fn;
p << vma_fn.p;
fp << handler_shape.fp;
hfn;
hfp;
hdesc;
@@
ff = facts(p)
wanted = fn in decide(ff)[1] and fn in ff.hooks and uses_file(ff, fn)
coccinelle.hfn = fn if wanted else SKIP
coccinelle.hfp = fp
coccinelle.hdesc = desc_of(ff, fn)

// A file that converts a handler also converts its tests of another
// file's f_op->mmap: a converted file_operations has no .mmap, so the
// test must accept either hook, as can_mmap_file() does.
@script:python mmap_test_fn depends on has_hooks@
p << vma_fn.p;
can;
@@
converts = any(s.startswith('converted:') for (s, _) in decide(facts(p))[0].values())
coccinelle.can = mmap_test_helper(facts(p).path) if converts else SKIP

// Mainline: a handler whose acquire moves to a new vm_ops->mapped hook
// (acquire_blocker()): the vm_operations_struct it installs (mops), the
// hook's name (mfn) and body (mbody), and the file parameter (mfp).
@script:python mapped_fn depends on has_hooks@
fn << vma_fn.fn;
p << vma_fn.p;
fp << handler_shape.fp;
mops;
mfn;
mbody;
mfp;
@@
hook = mapped_hook(facts(p), fn)
coccinelle.mops = hook[0] if hook else SKIP
coccinelle.mfn = hook[1] if hook else SKIP
coccinelle.mbody = hook[2] if hook else SKIP
coccinelle.mfp = fp

@script:python generic_hook depends on has_hooks@
h << fops_mmap.handler;
gh;
@@
coccinelle.gh = h if h in GENERIC else SKIP

// A helper that gets a twin (twin_plan()): tfn for every rule, wtfn or bfn
// for its flags as a word or as bits, and one of four names for the shape
// of its header, which spatch matches apart: static or static inline, the
// VMA its last parameter or not.
@script:python twin_fn depends on has_hooks@
fn << vma_fn.fn;
v << vma_fn.v;
p << vma_fn.p;
tfn;
wtfn;
btfn;
tmid;
tlast;
timid;
tilast;
tv;
tcore;
tdax;
twrap;
tparams;
FT;
@@
ff = facts(p)
decide(ff)
plan = ff.twins.get(fn)
shape = (plan.inline, plan.last) if plan else None
coccinelle.tfn = fn if plan else SKIP
coccinelle.wtfn = fn if plan and not uses_bits(ff) else SKIP
coccinelle.btfn = fn if plan and uses_bits(ff) else SKIP
coccinelle.tmid = fn if shape == (False, False) else SKIP
coccinelle.tlast = fn if shape == (False, True) else SKIP
coccinelle.timid = fn if shape == (True, False) else SKIP
coccinelle.tilast = fn if shape == (True, True) else SKIP
coccinelle.tv = v
coccinelle.tcore = plan.core if plan else SKIP
coccinelle.tdax = file_is_dax_text(ff) if plan else SKIP
coccinelle.twrap = twin_wrapper(ff, fn) if plan else SKIP
first, rest = twin_header(ff, fn) if plan else ('int', SKIP)
coccinelle.tparams = rest
coccinelle.FT = cocci.make_type(first)

// ---------------------------------------------------------------------------
// Context mode: the handlers that would be converted.
// ---------------------------------------------------------------------------

@depends on context && !patch && has_hooks@
identifier converted_handler.hfn;
@@
* hfn(...)
  { ... }

// ---------------------------------------------------------------------------
// Patch mode: rewrite the bodies, then the headers, then the wiring.
// ---------------------------------------------------------------------------

// First, while positions are those of the file as it was read: the acquire
// that goes to a vm_ops->mapped hook leaves the handler, with the locals
// only it reads.
@mapped_remove depends on patch && has_hooks@
statement S;
declaration D;
position p : script:python() { mapped_removes(p) };
@@
(
- D@p
|
- S@p
)

// Converted code calls the core of a twin with the desc fields.  Among the
// first rewrites: its positions must be those of the file as read (and
// twin_fn binds one function at a time, never a caller with its callee).
@twin_call depends on patch && has_hooks@
identifier converted_fn.cfn, converted_fn.cdesc, callee;
expression list args;
position p : script:python(callee) { callee in facts(p).twins };
fresh identifier CALL = script:python(p, callee, cdesc) { twin_call(p, callee, cdesc) };
@@
cfn(...) {
<...
- callee@p(args)
+ CALL
...>
}

// Mainline with vma_flags_t: flags are set, cleared and tested by bit.
@flags_set_to_bits depends on patch && has_hooks@
identifier converted_flags.bfn, converted_flags.fv, converted_flags.fdesc;
expression F;
position p;
fresh identifier BITS = script:python(F, p, fdesc) { bits_to_set(F, p, fdesc) };
@@
bfn(...) {
<...
- vm_flags_set@p(fv, F);
+ vma_desc_set_flags(BITS);
...>
}

@flags_clear_to_bits depends on patch && has_hooks@
identifier converted_flags.bfn, converted_flags.fv, converted_flags.fdesc;
expression F;
position p;
fresh identifier BITS = script:python(F, p, fdesc) { bits_to_clear(F, p, fdesc) };
@@
bfn(...) {
<...
- vm_flags_clear@p(fv, F);
+ vma_desc_clear_flags(BITS);
...>
}

@flags_mod_to_bits depends on patch && has_hooks@
identifier converted_flags.bfn, converted_flags.fv, converted_flags.fdesc;
expression F, G;
position p;
fresh identifier SET = script:python(F, p, fdesc) { bits_to_set(F, p, fdesc) };
fresh identifier CLEAR = script:python(G, p, fdesc) { bits_to_clear(G, p, fdesc) };
@@
bfn(...) {
<...
- vm_flags_mod@p(fv, F, G);
+ vma_desc_set_flags(SET);
+ vma_desc_clear_flags(CLEAR);
...>
}

// Alone in an if condition, a compound test needs no parentheses of its own.
@flags_compare_in_if depends on patch && has_hooks@
identifier converted_flags.bfn, converted_flags.fv, converted_flags.fdesc;
expression F, E;
statement S;
fresh identifier EQ = script:python(F, E, fdesc) { bits_equal(F, E, fdesc, True) };
fresh identifier NE = script:python(F, E, fdesc) { bits_differ(F, E, fdesc, True) };
@@
bfn(...) {
<...
(
  if (
- (fv->vm_flags & F) == E
+ EQ
  ) S
|
  if (
- (fv->vm_flags & F) != E
+ NE
  ) S
)
...>
}

@flags_compare_to_bits depends on patch && has_hooks@
identifier converted_flags.bfn, converted_flags.fv, converted_flags.fdesc;
expression F, E;
fresh identifier EQ = script:python(F, E, fdesc) { bits_equal(F, E, fdesc) };
fresh identifier NE = script:python(F, E, fdesc) { bits_differ(F, E, fdesc) };
@@
bfn(...) {
<...
(
- (fv->vm_flags & F) == E
+ EQ
|
- (fv->vm_flags & F) != E
+ NE
)
...>
}

@flags_write_to_bits depends on patch && has_hooks@
identifier converted_flags.bfn, converted_flags.fv, converted_flags.fdesc;
expression F;
position p;
fresh identifier SET = script:python(F, p, fdesc) { bits_to_set(F, p, fdesc) };
fresh identifier CLEAR = script:python(F, p, fdesc) { bits_to_clear(F, p, fdesc) };
@@
bfn(...) {
<...
(
- fv@p->vm_flags |= F;
+ vma_desc_set_flags(SET);
|
- fv@p->vm_flags &= ~F;
+ vma_desc_clear_flags(CLEAR);
)
...>
}

// !! made a truth value of the bits: vma_desc_test() is one already.
@flags_truth_to_bits depends on patch && has_hooks@
identifier converted_flags.bfn, converted_flags.fv, converted_flags.fdesc;
expression F;
fresh identifier TEST = script:python(F, fdesc) { bits_test(F, fdesc) };
@@
bfn(...) {
<...
- !!(fv->vm_flags & F)
+ TEST
...>
}

// The helpers that read the flags word take the desc form the tree has
// (FLAG_HELPERS): a converted function uses only those.
@flags_helper_to_bits depends on patch && has_hooks@
identifier converted_flags.bfn, converted_flags.fv, converted_flags.fdesc;
@@
bfn(...) {
<...
(
- is_nommu_shared_mapping(fv->vm_flags)
+ is_nommu_shared_vma_flags(&fdesc->vma_flags)
|
- is_cow_mapping(fv->vm_flags)
+ vma_desc_is_cow_mapping(fdesc)
|
- is_shared_maywrite(fv->vm_flags)
+ is_shared_maywrite(&fdesc->vma_flags)
|
- vm_get_page_prot(fv->vm_flags)
+ vma_get_page_prot(fdesc->vma_flags)
)
...>
}

@flags_test_to_bits depends on patch && has_hooks@
identifier converted_flags.bfn, converted_flags.fv, converted_flags.fdesc;
expression F;
fresh identifier TEST = script:python(F, fdesc) { bits_test(F, fdesc) };
@@
bfn(...) {
<...
(
- !(fv->vm_flags & F)
+ !TEST
|
- (fv->vm_flags & F)
+ TEST
|
- fv->vm_flags & F
+ TEST
)
...>
}

// Mainline: the populate call becomes the action prepare records, where
// it stood; a failure mapped to one code becomes the action's
// error_override.
@remap_to_action depends on patch && has_hooks@
identifier action_fn.full_fn, action_fn.av, action_fn.adesc;
expression A, PFN, S, P, E;
@@
full_fn(...) {
<...
(
- return remap_pfn_range(av, A, PFN, S, P);
+ mmap_action_remap_full(adesc, PFN);
+ return 0;
|
- if (remap_pfn_range(av, A, PFN, S, P))
-	return E;
+ mmap_action_remap_full(adesc, PFN);
+ adesc->action.error_override = E;
|
- if (remap_pfn_range(av, A, PFN, S, P)) {
-	return E;
- }
+ mmap_action_remap_full(adesc, PFN);
+ adesc->action.error_override = E;
|
- return io_remap_pfn_range(av, A, PFN, S, P);
+ mmap_action_ioremap_full(adesc, PFN);
+ return 0;
|
- if (io_remap_pfn_range(av, A, PFN, S, P))
-	return E;
+ mmap_action_ioremap_full(adesc, PFN);
+ adesc->action.error_override = E;
|
- if (io_remap_pfn_range(av, A, PFN, S, P)) {
-	return E;
- }
+ mmap_action_ioremap_full(adesc, PFN);
+ adesc->action.error_override = E;
)
...>
}

// Part of the mapping: only where the error is returned as is.
@remap_range_to_action depends on patch && has_hooks@
identifier action_fn.range_fn, action_fn.av, action_fn.adesc;
expression A, PFN, S, P;
@@
range_fn(...) {
<...
(
- return remap_pfn_range(av, A, PFN, S, P);
+ mmap_action_remap(adesc, A, PFN, S);
+ return 0;
|
- return io_remap_pfn_range(av, A, PFN, S, P);
+ mmap_action_ioremap(adesc, A, PFN, S);
+ return 0;
)
...>
}

@iomap_to_action depends on patch && has_hooks@
identifier action_fn.iomap_fn, action_fn.av, action_fn.adesc;
expression PHYS, LEN;
@@
iomap_fn(...) {
<...
- return vm_iomap_memory(av, PHYS, LEN);
+ mmap_action_simple_ioremap(adesc, PHYS, LEN);
+ return 0;
...>
}

// vm_map_pages() maps the array from vm_pgoff on and refuses, with -ENXIO,
// an offset or a size past its end; vm_map_pages_zero() from its start.
// The action maps from the array it is given and checks neither.
@map_pages_to_action depends on patch && has_hooks@
identifier action_fn.map_fn, action_fn.av, action_fn.adesc;
expression PAGES, NUM;
@@
map_fn(...) {
<...
(
- return vm_map_pages(av, PAGES, NUM);
+ if (adesc->pgoff >= NUM || vma_desc_pages(adesc) > NUM - adesc->pgoff)
+	return -ENXIO;
+ mmap_action_map_kernel_pages_full(adesc, PAGES + adesc->pgoff);
+ return 0;
|
- return vm_map_pages_zero(av, PAGES, NUM);
+ if (vma_desc_pages(adesc) > NUM)
+	return -ENXIO;
+ mmap_action_map_kernel_pages_full(adesc, PAGES);
+ return 0;
)
...>
}

// The body of the twin becomes the core's: the fields are its parameters.
@twin_fields depends on patch && has_hooks@
identifier twin_fn.tfn, twin_fn.tv, twin_fn.tdax;
@@
tfn(...) {
<...
(
- vma_pages(tv)
+ ((end - start) >> PAGE_SHIFT)
|
- vma_is_dax(tv)
+ tdax
|
- tv->vm_start
+ start
|
- tv->vm_end
+ end
|
- tv->vm_pgoff
+ pgoff
|
- tv->vm_file
+ file
|
- tv->vm_page_prot
+ page_prot
)
...>
}

@twin_flags_word depends on patch && has_hooks@
identifier twin_fn.wtfn, twin_fn.tv;
@@
wtfn(...) {
<...
- tv->vm_flags
+ vm_flags
...>
}

// vma_flags_t: the tests of the desc, written on the core's flags.
@twin_flags_compare_in_if depends on patch && has_hooks@
identifier twin_fn.btfn, twin_fn.tv;
expression F, E;
statement S;
fresh identifier EQ = script:python(F, E) { core_equal(F, E, True) };
fresh identifier NE = script:python(F, E) { core_differ(F, E, True) };
@@
btfn(...) {
<...
(
  if (
- (tv->vm_flags & F) == E
+ EQ
  ) S
|
  if (
- (tv->vm_flags & F) != E
+ NE
  ) S
)
...>
}

@twin_flags_compare depends on patch && has_hooks@
identifier twin_fn.btfn, twin_fn.tv;
expression F, E;
fresh identifier EQ = script:python(F, E) { core_equal(F, E) };
fresh identifier NE = script:python(F, E) { core_differ(F, E) };
@@
btfn(...) {
<...
(
- (tv->vm_flags & F) == E
+ EQ
|
- (tv->vm_flags & F) != E
+ NE
)
...>
}

@twin_flags_test depends on patch && has_hooks@
identifier twin_fn.btfn, twin_fn.tv;
expression F;
fresh identifier TEST = script:python(F) { core_test(F) };
@@
btfn(...) {
<...
(
- !(tv->vm_flags & F)
+ !TEST
|
- (tv->vm_flags & F)
+ TEST
|
- tv->vm_flags & F
+ TEST
)
...>
}

// The helper becomes the core, and a wrapper with its name and VMA follows.
@twin_header_mid depends on patch && has_hooks@
identifier twin_fn.tmid, twin_fn.tv, twin_fn.tcore, twin_fn.tparams, twin_fn.twrap;
type twin_fn.FT;
type T;
parameter list before, after;
@@
  static T
- tmid
+ tcore
  (
- before, struct vm_area_struct *tv, after
+ FT tparams
  )
  {...}
+
+ static T tmid(before, struct vm_area_struct *tv, after)
+ {
+ twrap;
+ }

@twin_header_last depends on patch && has_hooks@
identifier twin_fn.tlast, twin_fn.tv, twin_fn.tcore, twin_fn.tparams, twin_fn.twrap;
type twin_fn.FT;
type T;
parameter list before;
@@
  static T
- tlast
+ tcore
  (
- before, struct vm_area_struct *tv
+ FT tparams
  )
  {...}
+
+ static T tlast(before, struct vm_area_struct *tv)
+ {
+ twrap;
+ }

@twin_header_inline_mid depends on patch && has_hooks@
identifier twin_fn.timid, twin_fn.tv, twin_fn.tcore, twin_fn.tparams, twin_fn.twrap;
type twin_fn.FT;
type T;
parameter list before, after;
@@
  static inline T
- timid
+ tcore
  (
- before, struct vm_area_struct *tv, after
+ FT tparams
  )
  {...}
+
+ static inline T timid(before, struct vm_area_struct *tv, after)
+ {
+ twrap;
+ }

@twin_header_inline_last depends on patch && has_hooks@
identifier twin_fn.tilast, twin_fn.tv, twin_fn.tcore, twin_fn.tparams, twin_fn.twrap;
type twin_fn.FT;
type T;
parameter list before;
@@
  static inline T
- tilast
+ tcore
  (
- before, struct vm_area_struct *tv
+ FT tparams
  )
  {...}
+
+ static inline T tilast(before, struct vm_area_struct *tv)
+ {
+ twrap;
+ }

// BEGIN shared translation: scripts/gen_cocci.py copies this part into
// split_prefault.cocci too, which runs it over the prepare half of a split.

// The flag helpers become plain |= and &= ~ on desc->vm_flags, wrapped at
// 80 columns the way the kernel wraps long flag lists.
@flags_set_to_desc depends on patch && has_hooks@
identifier converted_flags.wfn, converted_flags.fv, converted_flags.fdesc;
expression F;
position p;
fresh identifier SET = script:python(F, p, fdesc) { flags_to_set(F, p, fdesc) };
@@
wfn(...) {
<...
- vm_flags_set@p(fv, F);
+ fdesc->vm_flags |= SET;
...>
}

@flags_clear_to_desc depends on patch && has_hooks@
identifier converted_flags.wfn, converted_flags.fv, converted_flags.fdesc;
expression F;
position p;
fresh identifier CLEAR = script:python(F, p, fdesc) { flags_to_clear(F, p, fdesc) };
@@
wfn(...) {
<...
- vm_flags_clear@p(fv, F);
+ fdesc->vm_flags &= CLEAR;
...>
}

@flags_mod_to_desc depends on patch && has_hooks@
identifier converted_flags.wfn, converted_flags.fv, converted_flags.fdesc;
expression F, G;
position p;
fresh identifier SET = script:python(F, p, fdesc) { flags_to_set(F, p, fdesc) };
fresh identifier CLEAR = script:python(G, p, fdesc) { flags_to_clear(G, p, fdesc) };
@@
wfn(...) {
<...
- vm_flags_mod@p(fv, F, G);
+ fdesc->vm_flags |= SET;
+ fdesc->vm_flags &= CLEAR;
...>
}

@fields_to_desc depends on patch && has_hooks@
identifier converted_fn.cfn, converted_fn.cv, converted_fn.cdesc;
expression F;
type T;
identifier gen = {generic_file_mmap, generic_file_readonly_mmap};
fresh identifier gen_prepare = gen ## "_prepare";
typedef u64, __u64, uint64_t;
@@
cfn(...) {
<...
(
- (cv->vm_end - cv->vm_start)
+ vma_desc_size(cdesc)
|
// a cast as wide as unsigned long changes no value of the difference
- (u64)cv->vm_end - cv->vm_start
+ (u64)vma_desc_size(cdesc)
|
- (__u64)cv->vm_end - cv->vm_start
+ (__u64)vma_desc_size(cdesc)
|
- (uint64_t)cv->vm_end - cv->vm_start
+ (uint64_t)vma_desc_size(cdesc)
|
- (size_t)cv->vm_end - cv->vm_start
+ (size_t)vma_desc_size(cdesc)
|
- (unsigned long)cv->vm_end - cv->vm_start
+ (unsigned long)vma_desc_size(cdesc)
|
- (unsigned long long)cv->vm_end - cv->vm_start
+ (unsigned long long)vma_desc_size(cdesc)
|
- cv->vm_end - cv->vm_start
+ vma_desc_size(cdesc)
|
- vma_pages(cv)
+ vma_desc_pages(cdesc)
|
// the whole cast, or spatch writes a space after it: (u64) desc->pgoff
- (T)cv->vm_start
+ (T)cdesc->start
|
- (T)cv->vm_end
+ (T)cdesc->end
|
- (T)cv->vm_pgoff
+ (T)cdesc->pgoff
|
- cv->vm_start
+ cdesc->start
|
- cv->vm_end
+ cdesc->end
|
- cv->vm_pgoff
+ cdesc->pgoff
|
- cv->vm_flags
+ cdesc->vm_flags
|
- cv->vm_page_prot
+ cdesc->page_prot
|
- cv->vm_ops
+ cdesc->vm_ops
|
- cv->vm_private_data
+ cdesc->private_data
|
- cv->vm_file
+ cdesc->vm_file
|
- cv->vm_mm
+ cdesc->mm
|
- gen(F, cv)
+ gen_prepare(cdesc)
)
...>
}

// What is left of the VMA are arguments of helpers converted alongside.
@vma_to_desc depends on patch && has_hooks@
identifier converted_fn.cfn, converted_fn.cv, converted_fn.cdesc;
@@
cfn(...) {
<...
- cv
+ cdesc
...>
}

// END shared translation

// A local that held the size of the mapping for the remap is unused once
// mmap_action_*_full() takes the size from the desc: it goes.
@unused_size_local depends on patch && has_hooks@
identifier action_fn.full_fn, action_fn.adesc, x;
type T;
@@
full_fn(...) {
... when != x
- T x = vma_desc_size(adesc);
... when != x
}

// Only the definitions that still use the file (one #ifdef variant may not).
@file_used_here depends on patch && has_hooks@
identifier needs_file_local.hfn, needs_file_local.hfp;
position q;
@@
hfn@q(...) { <+... hfp ...+> }

// Does the body open with a declaration?  Then the file local joins the
// declarations; otherwise a blank line separates it from the code.
@file_first_decl depends on patch && has_hooks@
identifier needs_file_local.hfn;
position file_used_here.q;
position fd;
type T;
identifier x;
@@
hfn@q@fd(...) {
(
  T x;
|
  T x = ...;
)
  ... when any
}

// Added right after the brace (an anchor before '...'), the local lands
// above a comment that opens the body instead of between it and its code.
@file_local_before_decl depends on patch && has_hooks@
identifier needs_file_local.hfn, needs_file_local.hfp, needs_file_local.hdesc;
position file_first_decl.fd;
@@
hfn@fd(...) {
+ struct file *hfp = hdesc->file;
  ... when any
}

@file_still_used_here depends on patch && has_hooks@
identifier needs_file_local.hfn, needs_file_local.hfp;
position q;
@@
hfn@q(...) { <+... hfp ...+> }

// (Positions bound before the local was added do not compare with those
// after, so the bodies that open with a declaration are found again.)
@file_opens_with_decl depends on patch && has_hooks@
identifier needs_file_local.hfn;
position d;
type T;
identifier x;
@@
hfn@d(...) {
(
  T x;
|
  T x = ...;
)
  ... when any
}

@file_local_alone depends on patch && has_hooks@
identifier needs_file_local.hfn, needs_file_local.hfp, needs_file_local.hdesc;
position file_still_used_here.q;
position q0 != file_opens_with_decl.d;
@@
hfn@q@q0(...) {
+ struct file *hfp = hdesc->file;
+
  ... when any
}

@handler_header depends on patch && has_hooks@
identifier converted_handler.hfn, converted_handler.hfp, v, converted_handler.hdesc;
fresh identifier fn_prepare = hfn ## "_prepare";
type T;
@@
T
- hfn(struct file *hfp, struct vm_area_struct *v)
+ fn_prepare(struct vm_area_desc *hdesc)
{ ... }

@handler_prototype depends on patch && has_hooks@
identifier converted_handler.hfn, converted_handler.hdesc;
fresh identifier fn_prepare = hfn ## "_prepare";
type T;
@@
T
- hfn(...);
+ fn_prepare(struct vm_area_desc *hdesc);

// checkpatch --strict asks that a prototype it sees changed lose its extern,
// as upstream's conversions did (cifs, ceph).
@script:python handler_prepare_name depends on has_hooks@
hfn << converted_handler.hfn;
hp;
@@
coccinelle.hp = hfn + '_prepare' if hfn != SKIP else SKIP

@prototype_extern depends on patch && has_hooks@
identifier handler_prepare_name.hp;
type T;
parameter list ps;
@@
- extern
  T hp(ps);

@helper_header depends on patch && has_hooks@
identifier converted_helper.hfn, converted_helper.hnew, v, converted_helper.hdesc;
type T;
@@
T
- hfn
+ hnew
  (...,
- struct vm_area_struct *v
+ struct vm_area_desc *hdesc
 , ...) { ... }

@helper_prototype depends on patch && has_hooks@
identifier converted_helper.hfn, converted_helper.hnew, v, converted_helper.hdesc;
type T;
@@
T
- hfn
+ hnew
  (...,
- struct vm_area_struct *v
+ struct vm_area_desc *hdesc
 , ...);

@helper_prototype_unnamed depends on patch && has_hooks@
identifier converted_helper.hfn, converted_helper.hnew, converted_helper.hdesc;
type T;
@@
T
- hfn
+ hnew
  (...,
- struct vm_area_struct *
+ struct vm_area_desc *hdesc
 , ...);

// Every caller of a converted helper is converted with it.
@helper_call_rename depends on patch && has_hooks@
identifier converted_helper.hfn, converted_helper.hnew;
expression list args;
@@
- hfn
+ hnew
  (args)

@export_rename depends on patch && has_hooks@
identifier converted_handler.hfn;
fresh identifier fn_prepare = hfn ## "_prepare";
declarer name EXPORT_SYMBOL, EXPORT_SYMBOL_GPL;
@@
(
EXPORT_SYMBOL(
- hfn
+ fn_prepare
  );
|
EXPORT_SYMBOL_GPL(
- hfn
+ fn_prepare
  );
)

// The macro variant of a converted handler follows the rename.
@alias_rename depends on patch && has_hooks@
identifier converted_handler.hfn;
fresh identifier fn_prepare = hfn ## "_prepare";
identifier gen = {generic_file_mmap, generic_file_readonly_mmap};
fresh identifier gen_prepare = gen ## "_prepare";
@@
(
- #define hfn NULL
+ #define fn_prepare NULL
|
- #define hfn gen
+ #define fn_prepare gen_prepare
)

@wire_fops depends on patch && has_hooks@
identifier converted_handler.hfn, fops;
fresh identifier fn_prepare = hfn ## "_prepare";
@@
struct file_operations fops = { ...,
- .mmap = hfn
+ .mmap_prepare = fn_prepare
  , ...};

@wire_fops_array depends on patch && has_hooks@
identifier converted_handler.hfn, fops;
fresh identifier fn_prepare = hfn ## "_prepare";
@@
struct file_operations fops[...] = { ..., { ...,
- .mmap = hfn
+ .mmap_prepare = fn_prepare
  , ...}, ... };

@wire_proc_ops depends on patch && has_hooks@
identifier converted_handler.hfn, fops;
fresh identifier fn_prepare = hfn ## "_prepare";
@@
struct proc_ops fops = { ...,
- .proc_mmap = hfn
+ .proc_mmap_prepare = fn_prepare
  , ...};

@wire_generic depends on patch && has_hooks@
identifier generic_hook.gh, fops;
fresh identifier h_prepare = gh ## "_prepare";
@@
struct file_operations fops = { ...,
- .mmap = gh
+ .mmap_prepare = h_prepare
  , ...};

// The hook goes right above the operations it joins, first among them, as
// upstream placed afs_mapped and stm_mmap_mapped.
@mapped_define depends on patch && has_hooks@
identifier mapped_fn.mops, mapped_fn.mfn, mapped_fn.mbody, mapped_fn.mfp;
@@
+ static int mfn(unsigned long start, unsigned long end, pgoff_t pgoff,
+		 const struct file *mfp, void **vm_private_data)
+ {
+	mbody;
+ }
+
  static const struct vm_operations_struct mops = { ... };

@mapped_wire depends on patch && has_hooks@
identifier mapped_fn.mops, mapped_fn.mfn;
@@
  static const struct vm_operations_struct mops = {
+	.mapped = mfn,
  ...
  };

@mmap_test_to_helper depends on patch && has_hooks@
identifier mmap_test_fn.can;
expression E : script:python (can) { can != SKIP };
@@
- !E->f_op->mmap
+ !can(E)

@mmap_test_in_if depends on patch && has_hooks@
identifier mmap_test_fn.can;
expression E : script:python (can) { can != SKIP };
statement S1, S2;
@@
(
  if (
- E->f_op->mmap
+ can(E)
  ) S1 else S2
|
  if (
- E->f_op->mmap
+ can(E)
  ) S1
)
