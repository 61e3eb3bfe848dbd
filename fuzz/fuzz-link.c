/* Fuzz target 2: the whole dry-run link, as "insmod -n -m -O FILE" runs it:
 * elf_parse(), then, as main() does, either the 2.6+ linker (link_run())
 * or for a 2.0/2.4-era object the 2.4 linker (mod24_link()), each with a
 * fixed kernel symbol table chosen by the module's e_machine
 * (fuzz/ksyms/ARCH.kallsyms and ARCH.symvers; mod24-ARCH*.ksyms, a 2.4
 * /proc/ksyms) and a load address near it, and the blob written into a
 * private temporary directory.
 *
 * Options: byte 15 of e_ident (EI_PAD, which neither insmod nor the kernel
 * reads) chooses them, so that the fuzzer can vary them and every seed is
 * still a real file:
 *   0x01 -f        0x02 -p (no map, no blob)
 *   0x04 2.6: the default load address instead; 2.4: -S and -k
 *   0x08 2.4: -x   0x10 2.4: -y   0x20 2.4: kernel release 2.0.36
 *   0x40 2.4: a kernel with symbol versions, 0x80 with smp_ ones
 *        (both: -P smp_ too)
 *
 * Byte 14 (EI_PAD too) chooses more, for 2.6+ modules:
 *   0x01 -O /dev/null: the streamed blob, not a file renamed into place
 *        (under -close_fd_mask, /dev/null is also stdout: insmod's
 *        /dev/stdout case)
 *   0x02 the kernel read once beforehand and shared, as --batch does
 *   0x04 the map after a load: addresses from a fake
 *        /sys/module/NAME/sections/ (each placed section 64 KiB apart)
 *   0x08 aarch64 and the others: a load address 4 GiB beyond the usual
 *        one (too far for a direct branch: arm64's PLTs), 0x10 one 1 MiB
 *        before it (near)
 *   0x20 with 0x04: hostile section files, each chosen by a byte of the
 *        input: an address, empty, a directory, missing, past 64 bits,
 *        zero; .data..percpu's symbols in a fake /proc/kallsyms, or not
 *   0x40 with 0x01: -O a named pipe that a thread reads, not /dev/null
 * The shared kernel (0x02) is read once per architecture for all inputs,
 * as --batch reads it once for all its modules, and must come out of every
 * link unchanged (a checksum); the blob is then DIR/NAME.blob, NAME the
 * module's own name when main() would accept it, as --batch -O DIR names
 * it (a name that led out of DIR would fail the check below).
 * The fuzz build lowers the two-lane line to 8 KiB (fuzz.mk), so that
 * larger seeds are linked on two lanes.
 *
 * Parameters: a 2.6+ module with a __param section gets a value for each
 * declaration (.modinfo parmtype=) of its type ("1", "fuzz", "1,1",
 * "a,b"), checked by params_check(), so that the linker writes them
 * through the module's (fuzzed) __param entries; a 2.4 object gets
 * NAME=1 for each parm_NAME.
 *
 * Checked after every run: the blob exists if and only if the link
 * succeeded (and was not -p), and nothing else (no temporary file, no
 * partial blob) is left in the directory. */
#include "fuzz-common.h"

#include <dirent.h>
#include <elf.h>
#include <limits.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "elf.h"
#include "link.h"
#include "mod24.h"
#include "modinfo.h"
#include "util.h"
#include "param-limits.h"
#include "params.h"

#include "link-env.h"

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

/* The 2.4 kernels: plain, with symbol versions, with smp_ versions. */
struct fuzz_arch24 {
	uint16_t machine;
	const char *name;
	uint64_t base;
	char files[3][PATH_MAX];
	const char *file[3];
};

static struct fuzz_arch24 arches24[] = {
	{ EM_X86_64, "x86_64", 0xffffffffa0100000ull, { "", "", "" }, { 0 } },
	{ EM_386, "i386", 0xc8800000ull, { "", "", "" }, { 0 } },
};

enum {	/* byte 14 */
	KNOB2_STREAM = 0x01, KNOB2_SHARED_KERNEL = 0x02, KNOB2_LOADED = 0x04, KNOB2_FAR = 0x08,
	KNOB2_NEAR = 0x10, KNOB2_HOSTILE_SECTIONS = 0x20, KNOB2_FIFO = 0x40,
	KNOB2_FORCE_HALF = 0x80,	/* with KNOB_FORCE: --force-vermagic alone, else --force-modversion */
};

enum {
	KNOB_FORCE = 0x01, KNOB_PROBE = 0x02, KNOB_OTHER_BASE = 0x04, KNOB_NOEXPORT = 0x08,
	KNOB_NOKSYMOOPS = 0x10, KNOB_OLD_RELEASE = 0x20, KNOB_VERSIONED = 0x40, KNOB_SMP = 0x80,
};

static char dir[PATH_MAX], blob[PATH_MAX];
/* This input's blob: blob, or with the shared kernel (--batch -O DIR),
 * DIR/NAME.blob as main() names it, NAME being the module's own. */
static char blob_now[PATH_MAX + 300];
/* A real file for the 2.4 linker's path (its ksymoops symbol holds the
 * realpath); empty, outside dir. */
static char module_file[PATH_MAX];

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
	if (blob_now[0])
		unlink(blob_now);
	remove_fake_sections();
	snprintf(module_dir, sizeof(module_dir), "%s/sys/module", sysroot);
	rmdir(module_dir);
	snprintf(module_dir, sizeof(module_dir), "%s/sys", sysroot);
	rmdir(module_dir);
	rmdir(proc_dir);
	unlink(fifo_path);
	rmdir(sysroot);
	rmdir(dir);
	unlink(module_file);
}

/* The private directory for the blob, the fake root (sysfs, proc, the
 * named pipe) and the 2.4 linker's module file, under tmp. */
static void make_temp_files(const char *tmp)
{
	int fd;

	snprintf(dir, sizeof(dir), "%s/insmod-fuzz-link.XXXXXX", tmp);
	snprintf(sysroot, sizeof(sysroot), "%s/insmod-fuzz-link-sys.XXXXXX", tmp);
	snprintf(module_file, sizeof(module_file), "%s/insmod-fuzz-link-module.XXXXXX", tmp);
	if (!mkdtemp(dir) || !mkdtemp(sysroot)) {
		perror("fuzz-link: mkdtemp");
		exit(1);
	}
	snprintf(blob, sizeof(blob), "%s/out.blob", dir);
	fd = mkstemp(module_file);
	if (fd < 0) {
		perror("fuzz-link: mkstemp");
		exit(1);
	}
	close(fd);
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
	for (size_t i = 0; i < sizeof(arches24) / sizeof(arches24[0]); i++) {
		static const char *const kind[3] = { "", "-versioned", "-smp" };
		struct fuzz_arch24 *a = &arches24[i];

		for (int k = 0; k < 3; k++) {
			snprintf(a->files[k], sizeof(a->files[k]), "%s/ksyms/mod24-%s%s.ksyms", FUZZ_DIR,
				 a->name, kind[k]);
			if (access(a->files[k], R_OK) != 0) {
				fprintf(stderr, "fuzz-link: cannot read %s\n", a->files[k]);
				exit(1);
			}
			a->file[k] = a->files[k];
		}
	}
	make_temp_files(tmp && *tmp ? tmp : "/tmp");
	fifo_start();
	/* A module may ask for an image of up to the linker's limit (1 GiB):
	 * writing that on every such input would fill the disk, so writes
	 * past 64 MiB fail (EFBIG, not SIGXFSZ), which also exercises the
	 * blob writer's failure path (nothing may be left behind). */
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &(struct rlimit){ 64 << 20, 64 << 20 }) < 0) {
		perror("fuzz-link: setrlimit");
		exit(1);
	}
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
		if (!strcmp(de->d_name, strrchr(blob_now, '/') + 1))
			*has_blob = true;
	}
	closedir(d);
	return n;
}

/* NAME=1 for each .modinfo parm_NAME=TYPE of a 2.4 object (at most
 * MAX_PARAMS). */
static size_t make_params24(const struct elf_file *elf, char **words)
{
	const struct elf_section *mi = elf->modinfo ? &elf->sections[elf->modinfo] : NULL;
	size_t n = 0, pos = 0, size;
	const char *p;

	if (!mi || !mi->data)
		return 0;
	p = (const char *)mi->data;
	size = (size_t)mi->size;
	while (pos < size && n < MAX_PARAMS) {
		size_t len = strnlen(p + pos, size - pos);
		const char *eq = memchr(p + pos, '=', len);

		if (len > 5 && eq && !memcmp(p + pos, "parm_", 5) && memcmp(p + pos, "parm_desc_", 10)) {
			/* as many values as the type's minimum count ("2-4i") */
			char value[2 * 8] = "1";
			size_t min = 0;

			for (const char *q = eq + 1; q < p + pos + len && *q >= '0' && *q <= '9' && min < 8; q++)
				min = min * 10 + (size_t)(*q - '0');
			for (size_t i = 1; i < min && i < 8; i++)
				strcat(value, ",1");
			if (asprintf(&words[n], "%.*s=%s", (int)(eq - p - pos - 5), p + pos + 5, value) < 0)
				abort();
			n++;
		}
		pos += len + 1;
	}
	return n;
}

static int link24(const struct elf_file *elf, uint8_t knobs, char **words, size_t *nwords)
{
	const struct fuzz_arch24 *a = &arches24[0];
	struct mod24_job job;
	int k = knobs & KNOB_SMP ? 2 : knobs & KNOB_VERSIONED ? 1 : 0;

	for (size_t i = 0; i < sizeof(arches24) / sizeof(arches24[0]); i++)
		if (arches24[i].machine == elf->machine)
			a = &arches24[i];
	*nwords = make_params24(elf, words);
	memset(&job, 0, sizeof(job));
	job.path = module_file;
	job.elf = elf;
	job.name = "fuzz";
	job.release = knobs & KNOB_OLD_RELEASE ? "2.0.36" : "2.4.20";
	job.mtime = 0x3f000000;
	job.symbol_files = &a->file[k];
	job.nsymbol_files = 1;
	job.root = dir;
	job.params = words;
	job.nparams = *nwords;
	job.probe = knobs & KNOB_PROBE;
	job.map = true;
	snprintf(blob_now, sizeof(blob_now), "%s", blob);
	job.blob = knobs & KNOB_PROBE ? NULL : blob;
	job.force = knobs & KNOB_FORCE;
	job.autoclean = knobs & KNOB_OTHER_BASE;
	job.kallsyms = knobs & KNOB_OTHER_BASE;
	job.export_all = !(knobs & KNOB_NOEXPORT);
	job.ksymoops = !(knobs & KNOB_NOKSYMOOPS);
	job.prefix = (knobs & (KNOB_SMP | KNOB_VERSIONED)) == (KNOB_SMP | KNOB_VERSIONED) ? "smp_" : NULL;
	job.base = a->base;
	return mod24_link(&job);
}

/* The kernel each arch's modules share when byte 14 says --batch. */
static struct shared_kernel shared[sizeof(arches) / sizeof(arches[0])];

static const char *blob_target(uint8_t knobs, uint8_t knobs2, const char *name)
{
	snprintf(blob_now, sizeof(blob_now), "%s", blob);
	if (knobs & KNOB_PROBE)
		return NULL;
	if (knobs2 & KNOB2_STREAM)
		return knobs2 & KNOB2_FIFO ? fifo_path : "/dev/null";
	if (knobs2 & KNOB2_SHARED_KERNEL)	/* a name that escapes DIR fails the check on dir */
		snprintf(blob_now, sizeof(blob_now), "%s/%s.blob", dir, name);
	return blob_now;
}

static int link26(const struct elf_file *elf, uint8_t knobs, uint8_t knobs2, char **words, size_t *nwords,
		  struct param_set *params, const char *name, const uint8_t *data, size_t size)
{
	size_t ai = 0;
	const struct fuzz_arch *a;
	struct link_job job;
	int r;

	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i].machine == elf->machine)
			ai = i;
	a = &arches[ai];
	*nwords = make_params(elf, name, words, params);
	/* what a load and -p check first: the sizes the module gives them */
	if (params->count && params_check_limits(elf, params, "fuzz.ko") != 0)
		return -EINVAL;
	memset(&job, 0, sizeof(job));
	job.path = "fuzz.ko";
	job.elf = elf;
	job.module_name = name;
	job.release = a->release;
	job.symbol_files = a->files;
	job.nsymbol_files = 2;
	job.have_base = !(knobs & KNOB_OTHER_BASE);
	job.base = job.have_base ? a->base : LINK_DEFAULT_BASE;
	if (job.have_base && (knobs2 & KNOB2_FAR))
		job.base += (uint64_t)1 << 32;
	else if (job.have_base && (knobs2 & KNOB2_NEAR))
		job.base -= 1 << 20;
	job.probe = knobs & KNOB_PROBE;
	job.map = true;
	job.blob_path = blob_target(knobs, knobs2, name);
	/* -f is both halves; KNOB2_FORCE_HALF makes it one of them */
	job.force_vermagic = knobs & KNOB_FORCE;
	job.force_modversion = knobs2 & KNOB2_FORCE_HALF ? !(knobs & KNOB_FORCE) : (knobs & KNOB_FORCE) != 0;
	job.params = params;
	job.sysfs_root = dir;
	if (knobs2 & KNOB2_LOADED) {
		fake_sections(elf, name, job.base, data, size, knobs2 & KNOB2_HOSTILE_SECTIONS);
		job.sysfs_root = sysroot;
		job.use_loaded_sections = true;
	}
	if (knobs2 & KNOB2_SHARED_KERNEL)
		job.kernel = shared_kernel(&shared[ai], &job);
	r = link_run(&job);
	if (job.kernel)
		FUZZ_ASSERT(kernel_sum(job.kernel) == shared[ai].sum);
	if (knobs2 & KNOB2_LOADED)
		remove_fake_sections();
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct param_set params = { NULL, 0 };
	char *words[MAX_PARAMS];
	size_t nwords = 0;
	struct elf_file elf;
	uint8_t knobs, knobs2;
	char *name;
	bool has_blob;
	size_t n;
	int r;

	if (elf_parse(&elf, "fuzz.ko", data, size))
		return 0;
	knobs = data[15];	/* elf_parse() saw at least a whole ELF header */
	knobs2 = data[14];
	name = module_name(&elf);
	if (name && module_name_problem(name)) {	/* refused before any link (main.c) */
		free(name);
		name = NULL;
	}
	if (mod24_is_old_object(&elf))
		r = link24(&elf, knobs, words, &nwords);
	else
		r = link26(&elf, knobs, knobs2, words, &nwords, &params, name ? name : "fuzz", data, size);
	FUZZ_ASSERT(r <= 0);
	n = dir_entries(&has_blob);
	if (r == 0 && !(knobs & KNOB_PROBE) && !mod24_is_old_object(&elf) && (knobs2 & KNOB2_STREAM))
		FUZZ_ASSERT(n == 0);	/* streamed into /dev/null: nothing in the directory */
	else if (r == 0 && !(knobs & KNOB_PROBE))
		FUZZ_ASSERT(n == 1 && has_blob);
	else
		FUZZ_ASSERT(n == 0);
	if (has_blob)
		unlink(blob_now);
	params_release(&params);
	for (size_t i = 0; i < nwords; i++)
		free(words[i]);
	free(name);
	elf_release(&elf);
	return 0;
}
