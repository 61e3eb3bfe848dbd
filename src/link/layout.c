/* Where each section goes.
 *
 * The order is the original insmod's (obj_load_order_prio in modutils
 * 2.4): the module header first, then by descending priority, stable in
 * section-index order within a priority:
 *   64  not an init section (name starts with ".init": the kernel's rule)
 *   16  executable
 *    8  not writable
 *    4  has contents (not NOBITS)
 * so: header, text, read-only data, writable data, NOBITS, then the same
 * again for the .init* sections.  Each section is aligned to its
 * sh_addralign, addresses are base + offset, and the image ends where the
 * last section does.  .modinfo and __versions (which the kernel strips of
 * SHF_ALLOC) and everything not SHF_ALLOC stay out. */
#include "link-int.h"
#include "ksyms.h"
#include "log.h"
#include "util.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Is a section one the module image leaves out whatever its flags? */
static bool link_section_dropped(const char *name)
{
	return strcmp(name, ".modinfo") == 0 || strcmp(name, "__versions") == 0 ||
	       strncmp(name, "__version_ext_", 14) == 0;
}

static bool is_init_name(const char *name)
{
	return strncmp(name, ".init", 5) == 0;
}

unsigned link_order_priority(bool init, uint64_t flags, uint32_t type, bool got)
{
	unsigned p = 0;

	if (!init)
		p |= 64;
	if (flags & SHF_ALLOC)
		p |= 32;
	if (flags & SHF_EXECINSTR)
		p |= 16;
	if (!(flags & SHF_WRITE))
		p |= 8;
	if (type != SHT_NOBITS)
		p |= 4;
	if (got)
		p |= 2;
	return p;
}

/* A 2.6+ module has no .got of its own to place early. */
static unsigned priority(const struct linker *lk, size_t i)
{
	const struct link_sec *s = &lk->rc.secs[i];

	return link_order_priority(is_init_name(lk->rc.elf->sections[i].name), s->flags, s->type, false);
}

static bool loadable(const struct linker *lk, size_t i)
{
	return (lk->rc.secs[i].flags & SHF_ALLOC) && lk->rc.secs[i].type != SHT_NULL &&
	       !link_section_dropped(lk->rc.elf->sections[i].name);
}

#define NO_PRIORITY 128u	/* above every priority(): not loaded */

int link_load_order(const struct linker *lk, size_t **order, size_t *n)
{
	const struct elf_file *elf = lk->rc.elf;
	size_t *v = malloc(elf->nsections * sizeof(*v));
	unsigned char *prio = malloc(elf->nsections ? elf->nsections : 1);
	size_t start[NO_PRIORITY + 1] = { 0 }, k;

	if (!v || !prio) {
		free(v);
		free(prio);
		return -ENOMEM;
	}
	/* a counting sort: each section's priority is worked out once, and
	 * sections of one priority keep their index order */
	for (size_t i = 1; i < elf->nsections; i++) {
		prio[i] = i != elf->this_module && loadable(lk, i) ? (unsigned char)priority(lk, i)
								     : NO_PRIORITY;
		if (prio[i] != NO_PRIORITY)
			start[prio[i]]++;
	}
	k = 1;	/* v[0] is the header */
	for (int p = NO_PRIORITY - 1; p >= 0; p--) {
		size_t count = start[p];

		start[p] = k;
		k += count;
	}
	v[0] = elf->this_module;
	for (size_t i = 1; i < elf->nsections; i++)
		if (prio[i] != NO_PRIORITY)
			v[start[prio[i]]++] = i;
	free(prio);
	*order = v;
	*n = k;
	return 0;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

int link_layout(struct linker *lk)
{
	size_t *order, n;
	uint64_t addr = lk->base;
	int r = link_load_order(lk, &order, &n);

	if (r)
		return r;
	lk->rc.init_start = lk->rc.init_end = 0;
	for (size_t k = 0; k < n; k++) {
		struct link_sec *s = &lk->rc.secs[order[k]];
		uint64_t a = s->align ? s->align : 1;

		if (a & (a - 1) || s->size > ((uint64_t)1 << 40)) {
			log_error("%s: section %s: bad size or alignment", lk->job->path,
				  lk->rc.elf->sections[order[k]].name);
			free(order);
			return -ENOEXEC;
		}
		addr = align_up(addr, a);
		s->placed = true;
		s->init = is_init_name(lk->rc.elf->sections[order[k]].name);
		s->addr = addr;
		s->offset = addr - lk->base;
		if (s->init && !lk->rc.init_start)
			lk->rc.init_start = addr;
		addr += s->size;
		if (s->init)
			lk->rc.init_end = addr;
	}
	lk->image_size = addr - lk->base;
	free(order);
	if (addr < lk->base) {
		log_error("%s: the image does not fit below the top of the address space at base 0x%" PRIx64,
			  lk->job->path, lk->base);
		return -ERANGE;
	}
	return 0;
}

/* Reads one hex address from a sysfs file. */
static int read_address(const char *path, uint64_t *out)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EINVAL;
	buf[n] = '\0';
	errno = 0;
	*out = strtoull(buf, NULL, 16);
	return errno ? -errno : 0;
}

/* The address of a loaded module's per-cpu area: a symbol it defines there,
 * found in ROOT/proc/kallsyms on one of the module's own lines, less the
 * symbol's offset.  0 (with a warning) when none can be found. */
static uint64_t percpu_base(const struct linker *lk, const char *root, const char *module, size_t sec)
{
	const struct elf_file *elf = lk->rc.elf;
	struct ksym_table kt;
	char path[4096];
	uint64_t base = 0;
	bool found = false;

	ksyms_init(&kt);
	for (size_t i = 1; i < elf->nsymbols; i++) {
		struct elf_symbol sym;

		elf_symbol(elf, i, &sym);
		if (sym.shndx == sec && sym.name[0] && sym.type != STT_SECTION)
			ksyms_want(&kt, sym.name);
	}
	ksyms_filter(&kt);
	snprintf(path, sizeof(path), "%s/proc/kallsyms", root);
	if (kt.nsyms && access(path, R_OK) == 0 && ksyms_load_file(&kt, path) == 0) {
		for (size_t i = 1; i < elf->nsymbols && !found; i++) {
			struct elf_symbol sym;
			const struct ksym *k;

			elf_symbol(elf, i, &sym);
			if (sym.shndx != sec || !sym.name[0] || sym.type == STT_SECTION)
				continue;
			k = ksyms_lookup(&kt, sym.name);
			if (k && (k->flags & KSYM_MODULE) && k->addr && k->owner_len == strlen(module) &&
			    memcmp(k->owner, module, k->owner_len) == 0) {
				base = k->addr - sym.value;
				found = true;
			}
		}
	}
	ksyms_release(&kt);
	if (!found)
		log_warn("%s: the per-cpu area of %s is not in %s; its symbols are shown at their offsets",
			 lk->job->path, module, path);
	return base;
}

/* A section name that cannot be a file name in sysfs ("../../x", from
 * the module) would make the address be read from some other file: none
 * is read.  The kernel can have made no file of that name; like an
 * unlisted section, an empty or .init one is at 0 (1), another is an
 * error (-EINVAL).  0: the name is a file name. */
static int unreadable_name(struct linker *lk, const char *root, const char *name, size_t i)
{
	const char *sec = lk->rc.elf->sections[i].name, *why = module_name_problem(sec);

	if (!why)
		return 0;
	if (lk->rc.secs[i].size == 0 || lk->rc.secs[i].init) {
		lk->rc.secs[i].addr = 0;
		return 1;
	}
	log_error("%s: section '%s' cannot name a file under %s/sys/module/%s/sections: %s",
		  lk->job->path, sec, root, name, why);
	return -EINVAL;
}

/* After a real load every loaded section has a file under
 * /sys/module/NAME/sections/ (root only; others read zeros).  The image
 * keeps our offsets; only the run-time addresses change. */
int link_loaded_addresses(struct linker *lk, const char *root, const char *name)
{
	const struct elf_file *elf = lk->rc.elf;
	char path[4096];
	bool any = false;

	if (!root)
		root = "";
	for (size_t i = 1; i < elf->nsections; i++) {
		struct link_sec *s = &lk->rc.secs[i];
		uint64_t a = 0;
		int r;

		if (!s->placed)
			continue;
		if ((r = unreadable_name(lk, root, name, i)) != 0) {
			if (r < 0)
				return r;
			continue;
		}
		snprintf(path, sizeof(path), "%s/sys/module/%s/sections/%s", root, name, elf->sections[i].name);
		r = read_address(path, &a);
		if (r == -ENOENT && strcmp(elf->sections[i].name, ".data..percpu") == 0) {
			/* the kernel allocates per-cpu data apart and lists no
			 * section file for it: its symbols in kallsyms tell */
			s->addr = percpu_base(lk, root, name, i);
			continue;
		}
		if (r == -ENOENT && (s->size == 0 || s->init)) {
			/* empty sections are not listed; .init* ones are freed after init */
			s->addr = 0;
			continue;
		}
		if (r < 0) {
			log_error("%s: cannot read the address of section %s: %s", path, elf->sections[i].name,
				  strerror(-r));
			return r;
		}
		s->addr = a;
		any |= a != 0;
	}
	if (!any) {
		log_error("%s/sys/module/%s/sections: every address reads as zero: run as root", root, name);
		return -EPERM;
	}
	/* the .init part where the kernel put it (arm64 picks the PLT by it) */
	lk->rc.init_start = lk->rc.init_end = 0;
	for (size_t i = 1; i < elf->nsections; i++) {
		const struct link_sec *s = &lk->rc.secs[i];

		if (!s->placed || !s->init || !s->addr)
			continue;
		if (!lk->rc.init_start || s->addr < lk->rc.init_start)
			lk->rc.init_start = s->addr;
		if (s->addr + s->size > lk->rc.init_end)
			lk->rc.init_end = s->addr + s->size;
	}
	return 0;
}
