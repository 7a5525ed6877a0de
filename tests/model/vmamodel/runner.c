// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmamodel: run each legacy fixture and its conversion through the model,
 * both ways for every request, and compare every observable.
 *
 *	vmamodel [-v] [-1] MANIFEST [NAME...]
 *
 * -1 runs each case in this process instead of a child, for gdb; NAMEs
 * run those cases of the manifest only.
 * MANIFEST has one tab-separated line per case (run.py writes it):
 *	pair	NAME	LEGACY.so	CONVERTED.so
 *	variant	NAME	LEGACY.so	CONVERTED.so	(a pair that may have no hook)
 *	mutant	NAME	LEGACY.so	CONVERTED.so	FIELD
 *	skip	NAME	WHY
 *	broken	NAME	WHY
 * CONVERTED.so says which target it was built for: its hooks run the
 * mmap_prepare/mmap_complete/mmap_abort sequence of the v1 target
 * (docs/api.md), or the mainline one (mainline.c).  A pair passes a request
 * when the two paths agree on every field; a mutant passes when some
 * request reports a mismatch in FIELD.  Each unit runs in a child
 * process, so that a crash or a sanitizer report fails that case and not
 * the others.  The last line is "N passed, N failed".
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmamodel.h"

#define R VM_READ
#define W VM_WRITE
#define X VM_EXEC

/*
 * The same requests for both targets: for mainline, "between prepare and
 * complete" is between mmap_prepare (and its action's checks) and the VMA.
 */
static const struct vmm_request requests[] = {
	{ "shared rw, one page", true, R | W, VMM_SIZE_PAGE, VMM_OFF_ZERO, 0, false },
	{ "shared r, one page", true, R, VMM_SIZE_PAGE, VMM_OFF_ZERO, 0, false },
	{ "shared rx, one page", true, R | X, VMM_SIZE_PAGE, VMM_OFF_ZERO, 0, false },
	{ "shared rw, exact fit", true, R | W, VMM_SIZE_EXACT, VMM_OFF_ZERO, 0, false },
	{ "shared rw, too big", true, R | W, VMM_SIZE_TOO_BIG, VMM_OFF_ZERO, 0, false },
	{ "shared rw, offset 1 page", true, R | W, VMM_SIZE_PAGE, VMM_OFF_IN, 0, false },
	{ "shared rw, offset at the end", true, R | W, VMM_SIZE_PAGE, VMM_OFF_END, 0, false },
	{ "shared rw, offset far out", true, R | W, VMM_SIZE_PAGE, VMM_OFF_FAR, 0, false },
	{ "private rw (cow), one page", false, R | W, VMM_SIZE_PAGE, VMM_OFF_ZERO, 0, false },
	{ "private rw (cow), exact fit", false, R | W, VMM_SIZE_EXACT, VMM_OFF_ZERO, 0, false },
	{ "private r, exact fit", false, R, VMM_SIZE_EXACT, VMM_OFF_ZERO, 0, false },
	{ "private rx, offset 1 page", false, R | X, VMM_SIZE_PAGE, VMM_OFF_IN, 0, false },
	{ "shared rw, exact fit, 1st populate call fails", true, R | W, VMM_SIZE_EXACT, VMM_OFF_ZERO, 1, false },
	{ "shared rw, exact fit, 2nd populate call fails", true, R | W, VMM_SIZE_EXACT, VMM_OFF_ZERO, 2, false },
	{ "private rw (cow), exact fit, 1st populate call fails", false, R | W, VMM_SIZE_EXACT, VMM_OFF_ZERO, 1, false },
	{ "shared rw, exact fit, fails between prepare and complete", true, R | W, VMM_SIZE_EXACT, VMM_OFF_ZERO, 0, true },
	{ "private r, one page, fails between prepare and complete", false, R, VMM_SIZE_PAGE, VMM_OFF_ZERO, 0, true },
};

static int verbose;

struct mismatch {
	char field[64];
	char text[3 * VMM_TEXT + 2 * 512];
};

/* Reports one difference; returns 1 so callers can count */
static int differ(struct mismatch *mm, const char *field, const char *legacy,
		  const char *converted)
{
	snprintf(mm->field, sizeof(mm->field), "%s", field);
	snprintf(mm->text, sizeof(mm->text), "%s: legacy %s, converted %s",
		 field, legacy, converted);
	return 1;
}

/* A violation, without its "phase: " prefix */
static const char *what(const char *violation)
{
	const char *p = strstr(violation, ": ");

	return p ? p + 2 : violation;
}

static bool has_violation(const struct vmm_obs *o, const char *v)
{
	int i;

	for (i = 0; i < o->nviolations; i++)
		if (!strcmp(what(o->violations[i]), what(v)))
			return true;
	return false;
}

static void describe_allocations(const struct vmm_obs *o, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%ld live", o->allocations);

	if (o->dev_freed)
		snprintf(buf + n, len - n, ", %ld of the device's freed",
			 o->dev_freed);
}

/*
 * Compare two observations; fill mms (up to max) and return how many fields
 * differ.
 */
static int compare(const struct vmm_request *req, const struct vmm_obs *l,
		   const struct vmm_obs *c, bool mainline, struct mismatch *mms,
		   int max)
{
	/* What runs after a failure between prepare and the VMA */
	const char *undo = mainline ? "mmap_prepare (nothing undoes it)" : "abort";
	char a[512], b[512];
	int n = 0, i;
	bool between;

#define DIFF(field, la, cb) do { if (n < max) n += differ(&mms[n], field, la, cb); } while (0)
	for (i = 0; i < c->nviolations; i++)
		if (!has_violation(l, c->violations[i]))
			DIFF("violation", "none", c->violations[i]);
	/*
	 * A failure between prepare and complete has no legacy twin: the
	 * legacy run fails after the whole .mmap, populate included, so only
	 * a split run that stopped before the failure (prepare's own error)
	 * is compared with it.
	 */
	between = req->fail_between && c->rc == VMM_INJECTED;
	for (i = 0; i < l->nviolations && !between; i++)
		if (!has_violation(c, l->violations[i]))
			DIFF("violation", l->violations[i], "none");
	if (l->rc != c->rc && !between) {
		snprintf(a, sizeof(a), "%d", l->rc);
		snprintf(b, sizeof(b), "%d", c->rc);
		DIFF("rc", a, b);
	}
	if (req->fail_between) {
		/*
		 * Rule 4: what prepare took, abort gives back; in mainline
		 * prepare takes nothing, as nothing would give it back.
		 */
		if (c->locks_held) {
			snprintf(b, sizeof(b), "%d held after %s", c->locks_held,
				 undo);
			DIFF("locks held", "(not compared)", b);
		}
		if (c->allocations) {
			snprintf(b, sizeof(b), "%ld live after %s",
				 c->allocations, undo);
			DIFF("allocations", "(not compared)", b);
		}
		return n;
	}
	if (l->locks_held != c->locks_held) {
		snprintf(a, sizeof(a), "%d", l->locks_held);
		snprintf(b, sizeof(b), "%d", c->locks_held);
		DIFF("locks held", a, b);
	}
	if (l->allocations != c->allocations || l->dev_freed != c->dev_freed) {
		describe_allocations(l, a, sizeof(a));
		describe_allocations(c, b, sizeof(b));
		DIFF("allocations", a, b);
	}
	if (!l->mapped || !c->mapped)
		return n;
	if (l->vm_flags != c->vm_flags) {
		vmm_describe_flags(l->vm_flags, a, sizeof(a));
		vmm_describe_flags(c->vm_flags, b, sizeof(b));
		DIFF("vm_flags", a, b);
	}
	if (l->vm_pgoff != c->vm_pgoff) {
		snprintf(a, sizeof(a), "%#lx", l->vm_pgoff);
		snprintf(b, sizeof(b), "%#lx", c->vm_pgoff);
		DIFF("vm_pgoff", a, b);
	}
	if (l->vm_page_prot != c->vm_page_prot) {
		snprintf(a, sizeof(a), "%#lx", l->vm_page_prot);
		snprintf(b, sizeof(b), "%#lx", c->vm_page_prot);
		DIFF("vm_page_prot", a, b);
	}
	if (strcmp(l->vm_ops, c->vm_ops))
		DIFF("vm_ops", l->vm_ops, c->vm_ops);
	if (strcmp(l->vm_private_data, c->vm_private_data))
		DIFF("vm_private_data", l->vm_private_data, c->vm_private_data);
	if (strcmp(l->vm_file, c->vm_file))
		DIFF("vm_file", l->vm_file, c->vm_file);
	vmm_describe_ranges(l, a, sizeof(a));
	vmm_describe_ranges(c, b, sizeof(b));
	if (strcmp(a, b))
		DIFF("page tables", a, b);
#undef DIFF
	return n;
}

static const struct vmm_unit *load(const char *path)
{
	const struct vmm_unit *unit;
	void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);

	if (!handle) {
		printf("  cannot load %s: %s\n", path, dlerror());
		return NULL;
	}
	unit = dlsym(handle, "vmm_unit");
	if (!unit)
		printf("  %s has no vmm_unit\n", path);
	return unit;
}

static const struct vmm_hook *find_hook(const struct vmm_unit *unit,
					const char *name)
{
	const struct vmm_hook *hook;

	for (hook = unit->hooks; hook->name; hook++)
		if (!strcmp(hook->name, name))
			return hook;
	return NULL;
}

struct counts {
	int passed, failed;
};

/*
 * One pair or mutant: every converted hook, every request.  For a mutant,
 * expect names the field that must be reported.
 */
static void run_case(const char *name, const char *lpath, const char *cpath,
		     const char *expect, bool optional, struct counts *counts)
{
	const struct vmm_unit *legacy = load(lpath), *conv = load(cpath);
	const struct vmm_hook *ch, *lh;
	static struct vmm_obs lo, co;
	struct mismatch mms[8];
	int covered = 0, caught = 0, mapped;
	char first[sizeof(mms[0].text) + 256] = "";
	size_t i, r;

	if (!legacy || !conv) {
		counts->failed++;
		return;
	}
	for (ch = conv->hooks; ch->name; ch++) {
		for (i = 0; i < ch->count; i++) {
			struct vmm_hooks lhooks, chooks;
			char hname[128];

			if (ch->count > 1 || strchr(ch->name, '['))
				snprintf(hname, sizeof(hname), "%s[%zu]", ch->name, i);
			else
				snprintf(hname, sizeof(hname), "%s", ch->name);
			/* A conversion is anything with one of the new hooks */
			if (!conv->hooks_of(ch, i, &chooks) ||
			    !(chooks.prepare || chooks.complete || chooks.abort))
				continue;
			lh = find_hook(legacy, ch->name);
			if (!lh || i >= lh->count ||
			    !legacy->hooks_of(lh, i, &lhooks) ||
			    !lhooks.mmap) {
				if (verbose)
					printf("  %s %s: no legacy .mmap to compare with\n",
					       name, hname);
				continue;
			}
			covered++;
			mapped = 0;
			for (r = 0; r < ARRAY_SIZE(requests); r++) {
				const struct vmm_request *req = &requests[r];
				int n, k;

				vmm_run_legacy(legacy, &lhooks, req, &lo);
				if (conv->mainline)
					vmm_run_mainline(conv, &chooks, req, &co);
				else
					vmm_run_split(conv, &chooks, req, &co);
				n = compare(req, &lo, &co, conv->mainline, mms,
					    ARRAY_SIZE(mms));
				mapped += lo.mapped && co.mapped;
				if (expect) {
					for (k = 0; k < n; k++)
						if (!strcmp(mms[k].field, expect))
							break;
					if (k < n && !caught++)
						snprintf(first, sizeof(first),
							 "%s \"%s\": %s", hname,
							 req->name, mms[k].text);
					continue;
				}
				if (!n) {
					counts->passed++;
					continue;
				}
				counts->failed++;
				for (k = 0; k < n; k++)
					printf("FAIL %s %s \"%s\": %s\n", name, hname,
					       req->name, mms[k].text);
			}
			/* Only failures compared: the setup is missing */
			if (!mapped && !expect) {
				counts->failed++;
				printf("FAIL %s %s: no request maps, so only error paths were compared; give it a device in support/NAME.h\n",
				       name, hname);
			}
			if (verbose && !expect)
				printf("  covered %s %s: %zu requests, %d mapped\n",
				       name, hname, ARRAY_SIZE(requests), mapped);
		}
	}
	if (expect) {
		if (caught) {
			counts->passed++;
			printf("caught %s (%d requests): %s\n", name, caught, first);
		} else {
			counts->failed++;
			printf("FAIL %s: mutant not caught (no %s mismatch)\n",
			       name, expect);
		}
	} else if (!covered && !optional) {
		counts->failed++;
		printf("FAIL %s: no converted hook to compare\n", name);
	}
}

/* -1: no child, so that gdb stops where the case fails */
static int in_process;

/* Runs one case in a child; a crash or a sanitizer abort is a failure */
static void fork_case(const char *name, const char *lpath, const char *cpath,
		      const char *expect, bool optional, struct counts *counts)
{
	struct counts child = { 0, 0 };
	int fds[2], status;
	pid_t pid;

	if (in_process) {
		vmm_init();
		run_case(name, lpath, cpath, expect, optional, counts);
		return;
	}
	fflush(stdout);
	if (pipe(fds) || (pid = fork()) < 0) {
		perror("vmamodel");
		exit(2);
	}
	if (!pid) {
		close(fds[0]);
		vmm_init();
		run_case(name, lpath, cpath, expect, optional, &child);
		fflush(stdout);
		if (write(fds[1], &child, sizeof(child)) != sizeof(child))
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &child, sizeof(child)) != sizeof(child))
		child = (struct counts){ 0, 0 };
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("FAIL %s: the model run %s %d (see the messages above)\n",
		       name, WIFSIGNALED(status) ? "died of signal" : "exited with",
		       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		child.failed++;
	}
	counts->passed += child.passed;
	counts->failed += child.failed;
}

/* A case is run when no NAME was given, or when it is one of them */
static bool wanted(const char *name, int count, char **names)
{
	int i;

	for (i = 0; i < count; i++)
		if (!strcmp(name, names[i]))
			return true;
	return !count;
}

int main(int argc, char **argv)
{
	struct counts counts = { 0, 0 };
	char line[4096];
	int skipped = 0;
	FILE *manifest;
	size_t r;

	for (; argc > 1 && argv[1][0] == '-'; argc--, argv++) {
		if (!strcmp(argv[1], "-v"))
			verbose = 1;
		else if (!strcmp(argv[1], "-1"))
			in_process = 1;
		else
			break;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: vmamodel [-v] [-1] MANIFEST [NAME...]\n");
		return 2;
	}
	manifest = fopen(argv[1], "r");
	if (!manifest) {
		perror(argv[1]);
		return 2;
	}
	if (verbose) {
		printf("requests, run both ways for each converted hook:\n");
		for (r = 0; r < ARRAY_SIZE(requests); r++)
			printf("  %s\n", requests[r].name);
	}
	while (fgets(line, sizeof(line), manifest)) {
		char *f[5] = { 0 };
		char *save, *p = line;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		while (n < 5 && (f[n] = strtok_r(p, "\t", &save)))
			p = NULL, n++;
		if (n < 3 || !wanted(f[1], argc - 2, argv + 2))
			continue;
		if (!strcmp(f[0], "skip")) {
			printf("skip %s: %s\n", f[1], f[2]);
			skipped++;
		} else if (!strcmp(f[0], "broken")) {
			printf("FAIL %s: %s\n", f[1], f[2]);
			counts.failed++;
		} else if (!strcmp(f[0], "pair") && n == 4) {
			fork_case(f[1], f[2], f[3], NULL, false, &counts);
		} else if (!strcmp(f[0], "variant") && n == 4) {
			fork_case(f[1], f[2], f[3], NULL, true, &counts);
		} else if (!strcmp(f[0], "mutant") && n == 5) {
			fork_case(f[1], f[2], f[3], f[4], false, &counts);
		} else {
			fprintf(stderr, "vmamodel: bad manifest line: %s\n", f[0]);
			return 2;
		}
	}
	fclose(manifest);
	if (skipped)
		printf("%d fixture%s skipped (listed above)\n", skipped,
		       skipped == 1 ? "" : "s");
	else
		printf("skip list (tests/model/vmamodel/SKIP): empty\n");
	printf("%d passed, %d failed\n", counts.passed, counts.failed);
	return counts.failed ? 1 : 0;
}
