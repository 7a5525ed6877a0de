# SPDX-License-Identifier: GPL-2.0-only
# mmap-convert: move f_op->mmap handlers to mmap_prepare.  `make help` lists
# the targets.  Variables: KDIR= (kernel tree), O= (output folder), J= (jobs),
# V=1 (show the commands run), M= (a folder of KDIR to work on).

PYTHON  ?= /usr/bin/python3
CACHE   := $(CURDIR)/.cache
REFTREE := $(CACHE)/linux-6.12
KDIR    ?= $(REFTREE)
O       ?= $(CURDIR)/build
J       ?= $(shell nproc 2>/dev/null || echo 2)
M       ?=

# convert.py and the test scripts take -v
VERBOSE := $(if $(filter 1,$(V)),-v,)

.PHONY: help deps tree convert audit series verify check check-fixtures \
	check-unit check-kernel check-vmamodel check-vmaharness check-html \
	check-verify check-series check-series-kernel bench clean cocci

help:
	@echo 'mmap-convert targets:'
	@echo '  convert       install what is missing, then convert KDIR (default: the'
	@echo '                reference tree) with both semantic patches and write'
	@echo '                $$(O)/mmap_prepare.diff'
	@echo '  audit         classify every handler of KDIR: reports/linux-6.12.{json,md,html}'
	@echo '                for the reference tree, $$(O)/audit.* for another KDIR;'
	@echo '                VERIFY=RESULTS.json adds build results (docs/audit.md)'
	@echo '  verify        convert KDIR, then compile every object the conversion'
	@echo '                touches, with it (and without, to judge a failure or a'
	@echo '                warning): $$(O)/verify.json'
	@echo '  series        convert KDIR and write the result as patch series, one'
	@echo '                per set of maintainers, ready for git send-email, in'
	@echo '                $$(O)/series/ (index.txt lists them)'
	@echo '  check         install what is missing, then run every test:'
	@echo '                check-unit, check-fixtures, check-vmamodel, check-kernel,'
	@echo '                check-html, check-verify and check-series'
	@echo '  check-unit    unit tests of scripts/mmapconv and cocci/src (no spatch,'
	@echo '                no tree)'
	@echo '  check-fixtures  semantic patches against tests/fixtures, in either'
	@echo '                order, and a second run that changes nothing'
	@echo '  check-vmamodel  run each fixture and its conversion through a C model'
	@echo '                of the mmap path (ASan+UBSan, CC=$(CC)); they must agree'
	@echo '  check-vmaharness  (not in check) build the Linux 7.2 tree'"'"'s own'
	@echo '                tools/testing/vma and run its tests, then map each mainline'
	@echo '                conversion and its original through the real mm/vma.c:'
	@echo '                they must agree (MAINLINE_TREE=$(MAINLINE_TREE))'
	@echo '  cocci         write cocci/split_prefault.cocci from cocci/src and'
	@echo '                the shared part of mmap_to_prepare.cocci'
	@echo '  check-kernel  whole reference tree: the patch applies, touches only'
	@echo '                allowed handlers, equals make coccicheck on M= folders, and'
	@echo '                the audit calls converted exactly what convert changes'
	@echo '  check-html    the audit page in headless chromium: filters and sorting'
	@echo '  check-verify  verify on a handful of reference-tree objects: results,'
	@echo '                the API overlay alone, and a build through distcc'
	@echo '  check-series  series on a small kernel-shaped git tree built by the test'
	@echo '  check-series-kernel  (slow, not in check) series of the reference tree:'
	@echo '                each applies with git am onto the base, checkpatch clean'
	@echo '  bench         time convert.py against make coccicheck (J=2), the audit'
	@echo '                with an empty and a full cache, and make verify (first'
	@echo '                run and rerun); BENCH=convert, audit or verify runs one part'
	@echo '  deps          apt-get install what is missing (as root)'
	@echo '  tree          unpack linux-source-6.12 into .cache/ as a git tree'
	@echo '  clean         remove $$(O)'
	@echo 'Variables: KDIR=$(KDIR) O=$(O) J=$(J) M=$(M) V=1 VERIFY=$(VERIFY)'

deps:
	@sh scripts/deps.sh

tree: deps
	@sh scripts/mktree.sh $(REFTREE)

# The reference tree is made only when KDIR is left at its default.
ifeq ($(KDIR),$(REFTREE))
KDIR_DEPS := tree
else
KDIR_DEPS := deps
endif

convert: $(KDIR_DEPS)
	@mkdir -p $(O)
	$(PYTHON) scripts/convert.py convert $(VERBOSE) -j $(J) $(KDIR) $(M) \
		-o $(O)/mmap_prepare.diff

series: $(KDIR_DEPS)
	@mkdir -p $(O)
	$(PYTHON) scripts/convert.py series $(VERBOSE) -j $(J) $(KDIR) $(M) -o $(O)/series

# verify's scratch tree and kbuild output, reused by the next make verify
VERIFY_DIR := $(O)/verify

verify: convert
	$(PYTHON) scripts/convert.py verify $(VERBOSE) -j $(J) $(KDIR) \
		--patch $(O)/mmap_prepare.diff -O $(VERIFY_DIR) --json $(O)/verify.json

# The reference tree's audit is committed in reports/; another tree's goes to $(O).
ifeq ($(KDIR)$(M),$(REFTREE))
AUDIT := $(CURDIR)/reports/linux-6.12
else
AUDIT := $(O)/audit
endif
VERIFY ?=

audit: $(KDIR_DEPS)
	@mkdir -p $(dir $(AUDIT))
	$(PYTHON) scripts/convert.py audit $(VERBOSE) -j $(J) $(KDIR) $(M) \
		$(if $(VERIFY),--verify $(VERIFY)) \
		--json $(AUDIT).json --md $(AUDIT).md --html $(AUDIT).html
	@echo 'audit: wrote $(AUDIT).json, .md and .html'

check: deps check-unit check-fixtures check-vmamodel check-kernel check-html \
	check-verify check-series

check-unit:
	$(PYTHON) -m unittest discover -s tests/unit -t . $(if $(filter 1,$(V)),-v,)

check-fixtures: deps
	$(PYTHON) tests/run_fixtures.py $(VERBOSE)

check-vmamodel: deps
	$(PYTHON) tests/vmamodel/run.py $(VERBOSE) -j $(J) -O $(O)/vmamodel --cc $(CC)

# The Linux 7.2 tree (scripts/mktree-mainline.sh makes it); run.py says so
# in one line when it is missing.
MAINLINE_TREE ?= $(CURDIR)/.cache/linux-mainline

check-vmaharness: deps
	$(PYTHON) tests/vmaharness/run.py $(VERBOSE) -j $(J) -O $(O)/vmaharness \
		--tree $(MAINLINE_TREE) --cc $(CC)

check-kernel: $(KDIR_DEPS)
	$(PYTHON) tests/check_kernel.py $(VERBOSE) -j $(J) -O $(O) $(KDIR)

# The test tree borrows get_maintainer.pl and checkpatch.pl from the
# reference tree.
check-series: tree
	$(PYTHON) -m unittest tests.series.test_series $(if $(filter 1,$(V)),-v,)

check-series-kernel: $(KDIR_DEPS)
	$(PYTHON) tests/check_series_kernel.py $(VERBOSE) -j $(J) -O $(O) $(KDIR)

cocci:
	$(PYTHON) scripts/gen_cocci.py

check-verify: $(KDIR_DEPS)
	$(PYTHON) tests/check_verify.py $(VERBOSE) -j $(J) -O $(O)/check-verify $(KDIR)

check-html: deps
	$(PYTHON) tests/check_html.py $(VERBOSE)

BENCH ?= all
bench: $(KDIR_DEPS)
	$(PYTHON) tests/bench.py --only $(BENCH) -j $(J) -O $(O) $(KDIR)

clean:
	rm -rf $(O)
