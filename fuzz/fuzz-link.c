/* Fuzz target 2: the whole dry-run link, as "insmod -n -m -O FILE" runs it:
 * elf_parse(), the module's name, then link_run() with a fixed kernel
 * symbol table (fuzz/ksyms/ARCH.kallsyms and ARCH.symvers, chosen by the
 * module's e_machine, with the oracle's load address for that
 * architecture) and the blob written into a private temporary directory.
 *
 * Parameters: when the module has a __param section, its declarations
 * (.modinfo parmtype=) each get a value of their type ("1", "fuzz",
 * "1,1", "a,b"), checked by
 * params_check(), so that the linker writes them through the module's
 * (fuzzed) __param entries.
 *
 * Checked after every run: the blob exists if and only if link_run()
 * succeeded, and nothing else (no temporary file, no partial blob) is
 * left in the directory. */
#include "fuzz-common.h"

#include <dirent.h>
#include <elf.h>
#include <limits.h>

#include "elf.h"
#include "link.h"
#include "modinfo.h"
#include "params.h"

#ifndef FUZZ_DIR
#error "FUZZ_DIR must name the fuzz/ directory (fuzz.mk defines it)"
#endif

struct fuzz_arch {
	uint16_t machine;
	const char *name;
	uint64_t base;
	char release[64];
	char kallsyms[PATH_MAX], symvers[PATH_MAX];
	const char *files[2];
};

static struct fuzz_arch arches[] = {
	{ EM_X86_64, "x86_64", 0xffffffffc0200000ull, "", "", "", { 0 } },
	{ EM_386, "i386", 0xf8000000ull, "", "", "", { 0 } },
	{ EM_AARCH64, "aarch64", 0xffff800001000000ull, "", "", "", { 0 } },
};

static char dir[PATH_MAX], blob[PATH_MAX];

static void read_release(struct fuzz_arch *a)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/ksyms/%s.release", FUZZ_DIR, a->name);
	f = fopen(path, "r");
	if (!f || !fgets(a->release, sizeof(a->release), f)) {
		fprintf(stderr, "fuzz-link: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	a->release[strcspn(a->release, "\n")] = '\0';
}

static void cleanup(void)
{
	unlink(blob);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	fuzz_log_setup();
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		struct fuzz_arch *a = &arches[i];

		read_release(a);
		snprintf(a->kallsyms, sizeof(a->kallsyms), "%s/ksyms/%s.kallsyms", FUZZ_DIR, a->name);
		snprintf(a->symvers, sizeof(a->symvers), "%s/ksyms/%s.symvers", FUZZ_DIR, a->name);
		a->files[0] = a->kallsyms;
		a->files[1] = a->symvers;
	}
	snprintf(dir, sizeof(dir), "%s/insmod-fuzz-link.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("fuzz-link: mkdtemp");
		exit(1);
	}
	snprintf(blob, sizeof(blob), "%s/out.blob", dir);
	atexit(cleanup);
	return 0;
}

#define MAX_PARAMS 8

/* One word per declared parameter (at most MAX_PARAMS), checked into
 * *set; an empty set when the check fails. */
static size_t make_params(const struct elf_file *elf, const char *name,
			  char **words, struct param_set *set)
{
	const struct elf_section *mi = elf->modinfo ? &elf->sections[elf->modinfo] : NULL;
	struct param_decl *decls = NULL;
	size_t n = 0;
	long ndecls;

	set->values = NULL;
	set->count = 0;
	if (!mi || !mi->data || !elf_find_section(elf, "__param"))
		return 0;
	ndecls = params_collect_decls((const char *)mi->data, (size_t)mi->size, &decls);
	FUZZ_ASSERT(ndecls >= 0);
	for (long i = 0; i < ndecls && n < MAX_PARAMS; i++) {
		const struct param_decl *d = &decls[i];
		const char *value = "1";
		char type[64];

		snprintf(type, sizeof(type), "%.*s", (int)(d->type_len < 63 ? d->type_len : 63), d->type);
		if (strstr(type, "array of"))
			value = strstr(type, "charp") || strstr(type, "string") ? "a,b" : "1,1";
		else if (strstr(type, "charp") || strstr(type, "string"))
			value = "fuzz";
		if (asprintf(&words[n], "%.*s=%s", (int)d->name_len, d->name, value) < 0)
			abort();
		n++;
	}
	if (params_check(decls, (size_t)ndecls, words, n, name, elf->is64, set) != 0)
		FUZZ_ASSERT(set->count == 0);
	free(decls);
	return n;
}

/* Names in the directory other than "." and "..": how many, and whether
 * the blob is one of them. */
static size_t dir_entries(bool *has_blob)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	FUZZ_ASSERT(d);
	*has_blob = false;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n++;
		if (!strcmp(de->d_name, "out.blob"))
			*has_blob = true;
	}
	closedir(d);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fuzz_arch *a = &arches[0];
	struct param_set params;
	char *words[MAX_PARAMS];
	size_t nwords;
	struct elf_file elf;
	struct link_job job;
	char *name;
	bool has_blob;
	size_t n;
	int r;

	if (elf_parse(&elf, "fuzz.ko", data, size))
		return 0;
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i].machine == elf.machine)
			a = &arches[i];
	name = module_name(&elf);
	nwords = make_params(&elf, name ? name : "fuzz", words, &params);
	memset(&job, 0, sizeof(job));
	job.path = "fuzz.ko";
	job.elf = &elf;
	job.module_name = name ? name : "fuzz";
	job.release = a->release;
	job.symbol_files = a->files;
	job.nsymbol_files = 2;
	job.have_base = true;
	job.base = a->base;
	job.map = true;
	job.blob_path = blob;
	job.params = &params;
	job.sysfs_root = dir;
	r = link_run(&job);
	FUZZ_ASSERT(r <= 0);
	n = dir_entries(&has_blob);
	if (r == 0)
		FUZZ_ASSERT(n == 1 && has_blob);
	else
		FUZZ_ASSERT(n == 0);
	if (has_blob)
		unlink(blob);
	params_release(&params);
	for (size_t i = 0; i < nwords; i++)
		free(words[i]);
	free(name);
	elf_release(&elf);
	return 0;
}
