# SPDX-License-Identifier: GPL-2.0-only
# mmap-convert: move f_op->mmap handlers to mmap_prepare.  `make help` lists
# the targets.  Variables: KDIR= (kernel tree), O= (output folder), J= (jobs),
# V=1 (show the commands run), M= (a folder of KDIR to work on).

PYTHON  ?= /usr/bin/python3
CACHE   := $(CURDIR)/.cache
REFTREE := $(CACHE)/linux-6.12
# the current kernel (make tree-mainline): Linux 7.x from Debian unstable
MAINLINE := $(CACHE)/linux-mainline
KDIR    ?= $(REFTREE)
O       ?= $(CURDIR)/build
J       ?= $(shell nproc 2>/dev/null || echo 2)
M       ?=

# convert.py and the test scripts take -v
VERBOSE := $(if $(filter 1,$(V)),-v,)

# $(call q,TEXT): TEXT as one shell word (KDIR="a b", O=it's)
q = '$(subst ','\'',$(1))'
# the tree and M=, when given, as arguments of convert.py
TREE_ARGS = $(call q,$(KDIR)) $(if $(M),$(call q,$(M)))
# TARGET=v1 or mainline forces the API target (default: the tree's)
TARGET ?=
TARGET_ARGS = $(if $(TARGET),--target $(call q,$(TARGET)))

# split_prefault.cocci is generated (and committed, for make coccicheck
# users); whatever runs the semantic patches depends on it, so that an edit
# of its sources is what gets tested.
SPLIT_COCCI := cocci/split_prefault.cocci
COCCI_DEPS := cocci/mmap_to_prepare.cocci $(SPLIT_COCCI)

.PHONY: help deps tree convert audit series verify check check-fixtures \
	check-unit check-kernel check-vmamodel check-vmaharness check-html \
	check-verify check-series check-safety check-series-kernel check-mainline \
	check-verify-kernel \
	tree-mainline bench clean cocci compare

help:
	@echo 'mmap-convert targets:'
	@echo '  convert       install what is missing, then convert KDIR (default: the'
	@echo '                reference tree) with both semantic patches and write'
	@echo '                $$(O)/mmap_prepare.diff'
	@echo '  audit         classify every handler of KDIR: reports/linux-6.12.{json,md,html}'
	@echo '                for the reference tree, reports/linux-7.N.* for the'
	@echo '                mainline one, $$(O)/audit.* for another KDIR;'
	@echo '                VERIFY=RESULTS.json adds build results (docs/audit.md)'
	@echo '  verify        convert KDIR, then compile every object the conversion'
	@echo '                touches, with it (and without, to judge a failure or a'
	@echo '                W=1 warning), in every configuration and architecture'
	@echo '                it takes to compile each touched #if branch (Debian cross'
	@echo '                compilers installed as needed): $$(O)/verify.json'
	@echo '  series        convert KDIR and write the result as patch series, one'
	@echo '                per set of maintainers, ready for git send-email, in'
	@echo '                $$(O)/series/ (index.txt lists them)'
	@echo '  check         install what is missing, then run every test:'
	@echo '                check-unit, check-fixtures, check-vmamodel, check-kernel,'
	@echo '                check-html, check-verify, check-series, check-safety,'
	@echo '                check-vmaharness and check-mainline'
	@echo '  check-unit    unit tests of scripts/mmapconv and cocci/src (no spatch,'
	@echo '                no tree)'
	@echo '  check-fixtures  semantic patches against tests/fixtures, in either'
	@echo '                order, and a second run that changes nothing'
	@echo '  check-vmamodel  run each fixture and its conversions (NAME.res, and'
	@echo '                NAME.mainline.res for Linux 7.2) through a C model of'
	@echo '                the mmap path (ASan+UBSan, CC=$(CC)); they must agree'
	@echo '  check-vmaharness  build the mainline tree'"'"'s own tools/testing/vma'
	@echo '                and run its tests, then map each mainline conversion and'
	@echo '                its original through the real mm/vma.c: they must agree'
	@echo '  check-mainline  the mainline tree: the conversion applies, uses only'
	@echo '                its API, changes nothing on a second run, and equals'
	@echo '                make coccicheck on M= folders'
	@echo '  cocci         write cocci/split_prefault.cocci from cocci/src and'
	@echo '                the shared part of mmap_to_prepare.cocci (every target'
	@echo '                that runs the semantic patches does it when it is stale)'
	@echo '  check-kernel  whole reference tree: the patch applies, touches only'
	@echo '                allowed handlers, equals make coccicheck on M= folders, and'
	@echo '                the audit calls converted exactly what convert changes'
	@echo '  check-html    the audit page in headless chromium: filters and sorting'
	@echo '  check-verify  verify on a handful of reference-tree objects: results,'
	@echo '                the API overlay alone, a build through distcc and one'
	@echo '                powerpc cross build'
	@echo '  check-verify-kernel  (slow, not in check) verify the whole conversion of'
	@echo '                KDIR on every architecture it needs: nothing fails, no new'
	@echo '                W=1 warning, every touched branch compiled or says why'
	@echo '  check-series  series on a small kernel-shaped git tree built by the test'
	@echo '  check-safety  convert and audit on a hostile tree built by the test: its'
	@echo '                .cocciconfig, git configuration and file names run nothing,'
	@echo '                nothing is written into it, --in-place is all or nothing'
	@echo '  check-series-kernel  (slow, not in check) series of the reference tree:'
	@echo '                each applies with git am onto the base, checkpatch clean'
	@echo '  compare       convert KDIR for the API of LATER (the current kernel by'
	@echo '                default) and compare each prepare hook with the one'
	@echo '                upstream wrote by hand there (reports/ for the reference'
	@echo '                trees)'
	@echo '  bench         time convert.py against make coccicheck (J=2), the audit'
	@echo '                with an empty and a full cache, and make verify (first'
	@echo '                run and rerun); BENCH=convert, audit or verify runs one part'
	@echo '  deps          apt-get install what is missing (as root)'
	@echo '  tree          unpack linux-source-6.12 into .cache/ as a git tree'
	@echo '  tree-mainline fetch the newest linux-source-7.* from Debian unstable'
	@echo '                (private apt lists; nothing installed) into'
	@echo '                .cache/linux-mainline as a git tree; use it with'
	@echo '                KDIR=$(MAINLINE)'
	@echo '  clean         remove $$(O)'
	@echo 'Variables: KDIR=$(KDIR) O=$(O) J=$(J) M=$(M) V=1 VERIFY=$(VERIFY)'
	@echo 'TARGET=v1|mainline: the API convert, audit and series write for;'
	@echo 'by default the tree'"'"'s own headers decide.'

deps:
	@sh scripts/deps.sh

tree: deps
	@sh scripts/mktree.sh $(REFTREE)

tree-mainline: deps
	@sh scripts/mktree-mainline.sh $(MAINLINE)

# A reference tree is made only when KDIR names it.
ifeq ($(KDIR),$(REFTREE))
KDIR_DEPS := tree
else ifeq ($(KDIR),$(MAINLINE))
KDIR_DEPS := tree-mainline
else
KDIR_DEPS := deps
endif

convert: $(KDIR_DEPS) $(COCCI_DEPS)
	@mkdir -p $(call q,$(O))
	$(PYTHON) scripts/convert.py convert $(VERBOSE) -j $(J) $(TARGET_ARGS) $(TREE_ARGS) \
		-o $(call q,$(O)/mmap_prepare.diff)

series: $(KDIR_DEPS) $(COCCI_DEPS)
	@mkdir -p $(call q,$(O))
	$(PYTHON) scripts/convert.py series $(VERBOSE) -j $(J) $(TARGET_ARGS) $(TREE_ARGS) \
		-o $(call q,$(O)/series)

# verify's scratch tree and kbuild output, reused by the next make verify
VERIFY_DIR := $(O)/verify

verify: convert
	$(PYTHON) scripts/convert.py verify $(VERBOSE) -j $(J) $(call q,$(KDIR)) \
		--patch $(call q,$(O)/mmap_prepare.diff) -O $(call q,$(VERIFY_DIR)) \
		--install-cross --json $(call q,$(O)/verify.json)

# The reference tree's conversion against upstream's hand conversions in
# the current kernel: committed in reports/ like the audits; another
# KDIR's goes to $(O).
LATER ?= $(MAINLINE)
ifeq ($(KDIR)$(LATER),$(REFTREE)$(MAINLINE))
COMPARE = $(CURDIR)/reports/linux-6.12-upstream-$(shell sh scripts/kversion.sh $(call q,$(MAINLINE))).md
else
COMPARE = $(O)/compare.md
endif

compare: $(KDIR_DEPS) tree-mainline $(COCCI_DEPS)
	@mkdir -p $(call q,$(dir $(COMPARE)))
	$(PYTHON) scripts/convert.py compare $(VERBOSE) -j $(J) $(TARGET_ARGS) \
		$(call q,$(KDIR)) $(call q,$(LATER)) --md $(call q,$(COMPARE))

# The reference trees' audits are committed in reports/, named for their
# version (linux-6.12, linux-7.2); another tree's goes to $(O).
ifeq ($(KDIR)$(M),$(REFTREE))
AUDIT = $(CURDIR)/reports/linux-6.12
else ifeq ($(KDIR)$(M),$(MAINLINE))
AUDIT = $(CURDIR)/reports/linux-$(shell sh scripts/kversion.sh $(call q,$(MAINLINE)))
else
AUDIT = $(O)/audit
endif
VERIFY ?=

# (AUDIT is expanded when the recipe runs, once the tree is there.)
audit: $(KDIR_DEPS) $(COCCI_DEPS)
	@mkdir -p $(call q,$(dir $(AUDIT)))
	$(PYTHON) scripts/convert.py audit $(VERBOSE) -j $(J) $(TARGET_ARGS) $(TREE_ARGS) \
		$(if $(VERIFY),--verify $(call q,$(VERIFY))) \
		--json $(call q,$(AUDIT).json) --md $(call q,$(AUDIT).md) \
		--html $(call q,$(AUDIT).html)
	@echo 'audit: wrote '$(call q,$(AUDIT))'.json, .md and .html'

check: deps check-unit check-fixtures check-vmamodel check-kernel check-html \
	check-verify check-series check-safety check-vmaharness check-mainline

check-unit:
	$(PYTHON) -m unittest discover -s tests/unit -t . $(if $(filter 1,$(V)),-v,)

check-fixtures: deps $(COCCI_DEPS)
	$(PYTHON) tests/run_fixtures.py $(VERBOSE)

check-vmamodel: deps
	$(PYTHON) tests/model/vmamodel/run.py $(VERBOSE) -j $(J) -O $(call q,$(O)/vmamodel) --cc $(CC)

check-vmaharness: tree-mainline
	$(PYTHON) tests/model/vmaharness/run.py $(VERBOSE) -j $(J) -O $(call q,$(O)/vmaharness) \
		--tree $(call q,$(MAINLINE)) --cc $(CC)

check-mainline: tree-mainline $(COCCI_DEPS)
	$(PYTHON) tests/tree/check_mainline.py $(VERBOSE) -j $(J) -O $(call q,$(O)/check-mainline) \
		$(call q,$(MAINLINE))

check-kernel: $(KDIR_DEPS) $(COCCI_DEPS)
	$(PYTHON) tests/tree/check_kernel.py $(VERBOSE) -j $(J) -O $(call q,$(O)) $(call q,$(KDIR))

# The test tree borrows get_maintainer.pl and checkpatch.pl from the
# reference tree.
check-series: tree $(COCCI_DEPS)
	$(PYTHON) -m unittest tests.integration.series.test_series $(if $(filter 1,$(V)),-v,)

check-safety: deps $(COCCI_DEPS)
	$(PYTHON) -m unittest tests.integration.safety.test_hostile $(if $(filter 1,$(V)),-v,)

check-series-kernel: $(KDIR_DEPS) $(COCCI_DEPS)
	$(PYTHON) tests/tree/check_series_kernel.py $(VERBOSE) -j $(J) -O $(call q,$(O)) \
		$(call q,$(KDIR))

cocci: $(SPLIT_COCCI)

$(SPLIT_COCCI): cocci/mmap_to_prepare.cocci $(wildcard cocci/src/*) scripts/gen_cocci.py
	$(PYTHON) scripts/gen_cocci.py

check-verify: $(KDIR_DEPS) $(COCCI_DEPS)
	$(PYTHON) tests/tree/check_verify.py $(VERBOSE) -j $(J) -O $(call q,$(O)/check-verify) \
		$(call q,$(KDIR))

# The whole-tree proof: every architecture and configuration it needs.
check-verify-kernel: $(KDIR_DEPS)
	$(PYTHON) tests/tree/check_verify.py --only kernel $(VERBOSE) -j $(J) \
		-O $(call q,$(VERIFY_DIR)) $(call q,$(KDIR))

check-html: deps
	$(PYTHON) tests/tree/check_html.py $(VERBOSE)

BENCH ?= all
bench: $(KDIR_DEPS) $(COCCI_DEPS)
	$(PYTHON) scripts/bench.py --only $(BENCH) -j $(J) -O $(call q,$(O)) $(call q,$(KDIR))

clean:
	rm -rf $(call q,$(O))
