/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The slice of the kernel API that mmap handlers use, for userspace.  Every
 * stub header under include/linux/ and include/asm/ includes this one file,
 * as tools/testing/vma does with its vma_internal.h, so a fixture compiles
 * unchanged whatever headers it names.
 *
 * As tools/testing/vma keeps include/dup.h, stubs.h and custom.h apart,
 * the parts say where they come from:
 *
 *   mirrored.h	    copied from Linux 6.12 (x86-64): types, constants, and
 *		    the file and procfs structures, reduced to what handlers use
 *   stubbed.h	    only so that a fixture compiles: nothing the tests compare
 *   modelled.h	    the API whose effects the tests compare, implemented in
 *		    model.c and mainline.c, which record each effect
 *   target_*.h	    what differs with the target API (docs/api.md):
 *		    target_v1.h for legacy code and the v1 target (6.12's
 *		    VM_* values, the desc with vm_flags and mmap_context,
 *		    mmap_complete and mmap_abort), target_mainline.h for the
 *		    mainline target as Linux 7.2 has it (VMA_xxx_BIT, the desc
 *		    with vma_flags and an action, vm_ops->mapped), chosen by
 *		    building the unit with -DVMM_MAINLINE
 *   mirrored_vma.h the VMA and vm_operations_struct of 6.12, whose flags
 *		    come from the target header
 *
 * The order is that of their dependencies: the target headers use WARN_ON
 * and file_accessed(), and the VMA uses the target's flags.
 */
#ifndef VMA_INTERNAL_H
#define VMA_INTERNAL_H

/* libc, for what the kernel's own headers give a fixture: bool, size_t,
 * the fixed-width integers, memcpy() and friends */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mirrored.h"
#include "stubbed.h"
#include "modelled.h"

#ifdef VMM_MAINLINE
#include "target_mainline.h"
#else
#include "target_v1.h"
#endif

#include "mirrored_vma.h"

#endif /* VMA_INTERNAL_H */
