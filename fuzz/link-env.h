/* The world around one fuzz-link run (included by fuzz-link.c only): the
 * fake /sys/module/NAME/sections/ and /proc/kallsyms of a loaded module,
 * a named pipe with a reader for -O, and the kernel read once and shared
 * by every input, as --batch shares it between its modules.
 *
 * All of it lives under sysroot (a private temporary directory), made and
 * removed with plain calls: a shell per input cost more than the link. */
#ifndef INSMOD_FUZZ_LINK_ENV_H
#define INSMOD_FUZZ_LINK_ENV_H

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>

#include "elf.h"
#include "ksyms.h"
#include "link.h"

static char sysroot[PATH_MAX];
static char module_dir[PATH_MAX + 64], sections_dir[PATH_MAX + 128];
static char proc_dir[PATH_MAX + 16], kallsyms_path[PATH_MAX + 32];

/* What a section's file holds when the sections are hostile: most read as
 * an address; the rest are what a broken or racing sysfs could show. */
enum { SEC_EMPTY = 3, SEC_DIR, SEC_MISSING, SEC_OVERFLOW, SEC_ZERO };

static int section_mode(const uint8_t *data, size_t size, size_t i, bool hostile)
{
	return hostile ? data[(i * 31 + 7) % size] & 7 : 0;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The module's own lines of /proc/kallsyms for its per-cpu symbols (the
 * kernel lists no section file for .data..percpu: insmod finds the area
 * from these).  With hostile set, a byte of the input may leave them out. */
static void fake_percpu_kallsyms(const struct elf_file *elf, size_t sec, const char *name,
				 uint64_t base, bool omit)
{
	FILE *f;

	snprintf(proc_dir, sizeof(proc_dir), "%s/proc", sysroot);
	snprintf(kallsyms_path, sizeof(kallsyms_path), "%s/kallsyms", proc_dir);
	mkdir(proc_dir, 0755);
	f = omit ? NULL : fopen(kallsyms_path, "w");
	for (size_t i = 1; f && i < elf->nsymbols; i++) {
		struct elf_symbol sym;

		elf_symbol(elf, i, &sym);
		if (sym.shndx == sec && sym.name[0] && sym.type != STT_SECTION && !strpbrk(sym.name, " \t\n"))
			fprintf(f, "%016llx d %s\t[%s]\n", (unsigned long long)(base + sym.value), sym.name, name);
	}
	if (f)
		fclose(f);
}

/* A file per section that has a name fit for one, holding the address the
 * kernel put it at (each 64 KiB apart), or with hostile set, what a byte
 * of the input chooses. */
static void fake_sections(const struct elf_file *elf, const char *name, uint64_t base,
			  const uint8_t *data, size_t size, bool hostile)
{
	char path[PATH_MAX + 400], text[64];

	snprintf(path, sizeof(path), "%s/sys", sysroot);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys/module", sysroot);
	mkdir(path, 0755);
	snprintf(module_dir, sizeof(module_dir), "%s/sys/module/%s", sysroot, name);
	snprintf(sections_dir, sizeof(sections_dir), "%s/sections", module_dir);
	if (mkdir(module_dir, 0755) < 0 || mkdir(sections_dir, 0755) < 0)
		return;
	for (size_t i = 1; i < elf->nsections; i++) {
		const char *n = elf->sections[i].name;
		int mode = section_mode(data, size, i, hostile);

		if (!*n || strchr(n, '/') || !strcmp(n, ".") || !strcmp(n, "..") || strlen(n) > 255)
			continue;
		if (!strcmp(n, ".data..percpu")) {
			fake_percpu_kallsyms(elf, i, name, base + 0x40000000ull, mode == SEC_MISSING);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", sections_dir, n);
		snprintf(text, sizeof(text), mode == SEC_OVERFLOW ? "0x1%016llx\n" : mode == SEC_ZERO ? "0\n"
			 : "0x%llx\n", (unsigned long long)(base + i * 0x10000));
		if (mode == SEC_DIR)
			mkdir(path, 0755);
		else if (mode != SEC_MISSING)
			write_text(path, mode == SEC_EMPTY ? "" : text);
	}
}

static void remove_fake_sections(void)
{
	char path[PATH_MAX + 400];
	DIR *d = sections_dir[0] ? opendir(sections_dir) : NULL;
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", sections_dir, de->d_name);
			if (unlink(path) < 0)
				rmdir(path);
		}
	}
	if (d)
		closedir(d);
	if (sections_dir[0]) {
		rmdir(sections_dir);
		rmdir(module_dir);
	}
	if (kallsyms_path[0])
		unlink(kallsyms_path);
	sections_dir[0] = module_dir[0] = '\0';
}

/* -O into a named pipe: a thread reads it, as a `cat pipe &` would, from
 * every writer in turn.  (Between two writers it may briefly have no
 * reader; the blob writer waits for one, in 10 ms steps.) */
static char fifo_path[PATH_MAX + 16];

static void *fifo_reader(void *arg)
{
	static char buf[1 << 16];

	(void)arg;
	for (;;) {
		int fd = open(fifo_path, O_RDONLY | O_CLOEXEC);

		if (fd < 0 && errno == EINTR)
			continue;
		if (fd < 0)
			return NULL;
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
}

static void fifo_start(void)
{
	pthread_t t;

	snprintf(fifo_path, sizeof(fifo_path), "%s/pipe", sysroot);
	if (mkfifo(fifo_path, 0600) < 0 || pthread_create(&t, NULL, fifo_reader, NULL) != 0) {
		perror("fuzz-link: named pipe");
		exit(1);
	}
	pthread_detach(t);
}

/* --batch: the kernel read once, before any module, and shared.  A link
 * must not change it (the job holds it const): each arch's table gets a
 * checksum when read, compared after every link that used it. */
struct shared_kernel {
	bool ready;
	struct link_kernel k;
	uint64_t sum;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t kernel_sum(const struct link_kernel *k)
{
	const struct ksym_table *t = k->symbols;
	uint64_t h = 0xcbf29ce484222325ull;

	h = fnv(h, &t->nsyms, sizeof(t->nsyms));
	h = fnv(h, t->buckets, t->nbuckets * sizeof(*t->buckets));
	for (size_t i = 0; i < t->nsyms; i++) {
		const struct ksym *s = &t->syms[i];

		h = fnv(h, s->name, s->name_len);
		h = fnv(h, &s->flags, sizeof(s->flags));
		h = fnv(h, &s->addr, sizeof(s->addr));
		h = fnv(h, &s->crc, sizeof(s->crc));
		if (s->ns)
			h = fnv(h, s->ns, s->ns_len);
		if (s->owner)
			h = fnv(h, s->owner, s->owner_len);
	}
	return k->vermagic ? fnv(h, k->vermagic, strlen(k->vermagic)) : h;
}

/* The arch's shared kernel, read on first use with the job's files. */
static const struct link_kernel *shared_kernel(struct shared_kernel *sk, const struct link_job *job)
{
	if (!sk->ready) {
		FUZZ_ASSERT(link_kernel_read(job, &sk->k) == 0);
		sk->sum = kernel_sum(&sk->k);
		sk->ready = true;
	}
	return &sk->k;
}

#endif
