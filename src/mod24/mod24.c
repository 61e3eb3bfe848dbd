/* Linking a 2.0/2.4-era module, in the original insmod's order of steps
 * (modutils 2.4 insmod_main): kernel symbols, version check, symbol
 * resolution, the module header, commons, parameters, ksymoops symbols,
 * exports and dependencies, archdata and kallsyms; then (unless -p) the
 * layout, an address (create_module, or the dry-run base), relocation,
 * the header's final fields, the map and blob, and init_module. */
#include "mod24-int.h"
#include "mod24-run.h"
#include "insmod.h"
#include "link-int.h"
#include "log.h"
#include "machine.h"
#include "util.h"
#include "modinfo.h"
#include "params24.h"
#include "snapshot.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* 2.4 struct module flags */
#define NEW_MOD_AUTOCLEAN 4

/* ---- Recognising and naming ------------------------------------------- */

/* A defined symbol of this name in the file, or 0. */
static size_t file_symbol(const struct elf_file *elf, const char *name)
{
	for (size_t i = 1; i < elf->nsymbols; i++) {
		struct elf_symbol s;

		elf_symbol(elf, i, &s);
		if (s.shndx != SHN_UNDEF && strcmp(s.name, name) == 0)
			return i;
	}
	return 0;
}

bool mod24_is_old_object(const struct elf_file *elf)
{
	struct modinfo_value v;

	if (elf->this_module)
		return false;
	return modinfo_get(elf, "kernel_version", &v) || file_symbol(elf, "kernel_version") ||
	       file_symbol(elf, "__module_kernel_version");
}

/* The original's default module name: the argument's base name without
 * .o, .mod or .o.gz.  malloc'ed, or NULL. */
static char *mod24_default_name(const char *arg)
{
	const char *base = strrchr(arg, '/');
	size_t len;

	base = base ? base + 1 : arg;
	len = strlen(base);
	if (len > 2 && strcmp(base + len - 2, ".o") == 0)
		len -= 2;
	else if (len > 4 && strcmp(base + len - 4, ".mod") == 0)
		len -= 4;
	else if (len > 5 && strcmp(base + len - 5, ".o.gz") == 0)
		len -= 5;
	return strndup(base, len);
}

/* ---- One run ------------------------------------------------------------- */

/* The kernel version the module was built for: .modinfo (2.1+), or the
 * string a kernel_version symbol points at (2.0). */
static int module_version(struct run24 *r)
{
	const struct elf_file *elf = r->job->elf;
	struct modinfo_value v;
	size_t sym;

	r->typed = modinfo_get(elf, "kernel_version", &v);
	if (!r->typed) {
		struct elf_symbol s;
		const struct elf_section *sec;

		sym = file_symbol(elf, "kernel_version");
		if (!sym)
			sym = file_symbol(elf, "__module_kernel_version");
		if (sym)
			elf_symbol(elf, sym, &s);
		sec = sym && s.shndx < elf->nsections ? &elf->sections[s.shndx] : NULL;
		if (!sec || !sec->data || s.value >= sec->size)
			return -1;
		v.str = (const char *)sec->data + s.value;
		v.len = strnlen(v.str, (size_t)(sec->size - s.value));
	}
	snprintf(r->mversion, sizeof(r->mversion), "%.*s", (int)(v.len < STRVERSIONLEN ? v.len : STRVERSIONLEN),
		 v.str);
	return sv24_version_code(v.str, v.len);
}

/* Symbol versions: the kernel says with Using_Versions, the module with
 * using_checksums= (2.1+) or a Using_Versions symbol (2.0). */
static bool module_checksummed(const struct run24 *r)
{
	struct modinfo_value v;

	bool nonzero = false;

	if (!r->typed)
		return file_symbol(r->job->elf, "Using_Versions") != 0;
	if (!modinfo_get(r->job->elf, "using_checksums", &v))
		return false;
	/* the original's atoi(): leading digits, not zero */
	for (size_t i = 0; i < v.len && v.str[i] >= '0' && v.str[i] <= '9'; i++)
		nonzero |= v.str[i] != '0';
	return nonzero;
}

static bool kernel_checksummed(const struct run24 *r)
{
	uint64_t v = 0;

	return k24_value(&r->kernel, "Using_Versions", &v) && v != 0;
}

/* The version strings must agree unless both sides have symbol versions
 * (then the CRCs decide); -f makes a mismatch a warning. */
static int check_versions(struct run24 *r, bool m_crcs, bool k_crcs)
{
	const struct mod24_job *job = r->job;

	if ((m_crcs && k_crcs) || strncmp(job->release, r->mversion, STRVERSIONLEN) == 0)
		return 0;
	if (job->force) {
		log_quiet_warn("kernel-module version mismatch\n\t%s was compiled for kernel version %s\n"
			 "\twhile this kernel is version %s", job->path, r->mversion, job->release);
		return 0;
	}
	log_complaint("%s: kernel-module version mismatch\n\t%s was compiled for kernel version %s\n"
		      "\twhile this kernel is version %s.", job->path, job->path, r->mversion, job->release);
	return -ENOEXEC;
}

/* -P, else the prefix in the kernel's get_module_symbol_R<prefix><crc>,
 * else (a running kernel only) "smp_" for an SMP kernel. */
static const char *version_prefix(struct run24 *r)
{
	struct utsname u;
	const char *p;

	if (r->job->prefix)
		return r->job->prefix;
	for (size_t i = 0; i < r->kernel.nsyms; i++)
		if (sv24_prefix_from(r->kernel.syms[i].name, r->prefix, sizeof(r->prefix)))
			return r->prefix;
	if (r->kernel.from_kernel && uname(&u) == 0 && (p = strchr(u.version, ' ')) && strncmp(p + 1, "SMP ", 4) == 0)
		return "smp_";
	return "";
}

static int kernel_symbols(struct run24 *r)
{
	const struct mod24_job *job = r->job;
	char path[PATH_MAX];
	const char *files[1] = { path };
	int err;

	if (job->nsymbol_files && !job->load)
		return k24_load_files(&r->kernel, job->symbol_files, job->nsymbol_files);
	err = k24_query_kernel(&r->kernel);
	if (err != -ENOSYS)
		return err;
	snprintf(path, sizeof(path), "%s/proc/ksyms", job->root ? job->root : "");
	if (access(path, R_OK) == 0)
		return k24_load_files(&r->kernel, files, 1);
	log_error("%s: no 2.4 kernel to take symbols from (no query_module, no %s): "
		  "give a 2.4 /proc/ksyms with --kernel-symbols=FILE", job->path, path);
	return -ENOENT;
}

/* ---- After the layout -------------------------------------------------- */

static void put_field(const struct obj24 *o, uint8_t *h, unsigned index, uint64_t v)
{
	/* 6 longs, then two unsigned ints (nsyms, ndeps), then longs */
	obj24_put(o, h + index * o->ptr + (index >= 6 ? 8 : 0), o->ptr, v);
}

static void put_range(const struct obj24 *o, uint8_t *h, unsigned index, const char *name)
{
	size_t sec = obj24_section(o, name);

	if (sec && o->secs[sec].alloc && o->secs[sec].size) {
		put_field(o, h, index, o->secs[sec].addr);
		put_field(o, h, index + 1, o->secs[sec].addr + o->secs[sec].size);
	}
}

/* init_module(): struct module as a 2.4 kernel reads it. */
static void fill_header(const struct run24 *r, uint8_t *image)
{
	const struct obj24 *o = &r->obj;
	uint8_t *h = image + (o->secs[o->this_sec].addr - o->base);
	size_t ksymtab = obj24_section(o, "__ksymtab"), kmodtab = obj24_section(o, ".kmodtab");
	uint64_t runsize = 0;

	put_field(o, h, 0, o->secs[o->this_sec].size);			/* size_of_struct */
	put_field(o, h, 3, o->image_size);				/* size */
	put_field(o, h, 5, r->job->autoclean ? NEW_MOD_AUTOCLEAN : 0);	/* flags */
	if (ksymtab && o->secs[ksymtab].alloc && o->secs[ksymtab].size) {
		put_field(o, h, 6, o->secs[ksymtab].addr);
		obj24_put(o, h + 6 * o->ptr, 4, o->secs[ksymtab].size / (2 * o->ptr));
	}
	if (kmodtab && o->secs[kmodtab].created) {
		put_field(o, h, 7, o->secs[kmodtab].addr);
		obj24_put(o, h + 6 * o->ptr + 4, 4, o->secs[kmodtab].size / (3 * o->ptr));
	}
	put_field(o, h, 9, obj24_final_value(o, obj24_find(o, "init_module")));
	put_field(o, h, 10, obj24_final_value(o, obj24_find(o, "cleanup_module")));
	put_range(o, h, 11, "__ex_table");
	for (size_t i = 1; i < o->nsecs; i++)
		if (o->secs[i].alloc && (strcmp(o->secs[i].name, ".text.init") == 0 ||
					 strcmp(o->secs[i].name, ".data.init") == 0) &&
		    (!runsize || o->secs[i].addr - o->base < runsize))
			runsize = o->secs[i].addr - o->base;
	put_field(o, h, 16, runsize);
	put_range(o, h, 17, "__kallsyms");
	put_range(o, h, 19, "__archdata");
}

/* kallsyms again, at the final addresses, into the image. */
static int final_kallsyms(struct run24 *r, uint8_t *image)
{
	struct obj24 *o = &r->obj;
	size_t sec = obj24_section(o, "__kallsyms");
	uint64_t size;
	int err;

	if (!sec || !o->secs[sec].alloc || !o->secs[sec].size)
		return 0;
	size = o->secs[sec].size;
	err = kallsyms24_fill(o, sec);
	if (!err && o->secs[sec].size != size)
		err = -EIO;	/* cannot happen: the same symbols, the same names */
	if (!err)
		memcpy(image + (o->secs[sec].addr - o->base), o->secs[sec].data, (size_t)size);
	return err;
}

static int place_and_relocate(struct run24 *r, uint8_t **image)
{
	const struct mod24_job *job = r->job;
	struct obj24 *o = &r->obj;
	uint64_t size = obj24_layout(o), base = job->base;
	int err;

	if (size > OBJ24_MAX_IMAGE) {
		log_error("%s: the module's sections add up to %" PRIu64 " bytes, more than a 2.4 module can hold (%s)",
			  job->path, size, OBJ24_MAX_IMAGE_TEXT);
		return -ENOEXEC;
	}
	if (job->load) {
		err = load24_create(job->name, size, job->lock, &base);
		/* Whatever create_module answered, nothing of ours is in the
		 * kernel: a module of that name may be another insmod's. */
		r->kernel_refused = err != 0;
		if (err)
			return err;
		r->created = true;
	}
	*image = obj24_image(o);
	if (!*image)
		return -ENOMEM;
	err = obj24_relocate(o, base, *image);
	if (!err)
		err = final_kallsyms(r, *image);
	if (!err)
		fill_header(r, *image);
	return err;
}

static int finish(struct run24 *r)
{
	const struct mod24_job *job = r->job;
	uint8_t *image = NULL;
	int err = place_and_relocate(r, &image);

	if (!err && job->map)
		err = obj24_print_map(&r->obj);
	if (!err && job->blob)
		err = link_write_blob(job->blob, image, (size_t)r->obj.image_size);
	if (!err && job->load)
		err = load24_init(job->name, image);
	if (err && r->created)	/* only what this run created */
		load24_delete(job->name);
	free(image);
	return err == LOAD24_EXISTS ? 0 : err;
}

static int link_steps(struct run24 *r)
{
	const struct mod24_job *job = r->job;
	int version, err;
	bool m_crcs, k_crcs;
	struct sv24 sv;

	err = kernel_symbols(r);
	if (err)
		return err;
	if (job->load && (err = load24_check_name(&r->kernel, job->name, job->lock)))
		return err > 0 ? 0 : err;
	version = module_version(r);
	if (version == -1) {
		log_error("%s: couldn't find the kernel version the module was compiled for", job->path);
		return -ENOEXEC;
	}
	m_crcs = module_checksummed(r);
	k_crcs = kernel_checksummed(r);
	if ((err = check_versions(r, m_crcs, k_crcs)))
		return err;
	sv = (struct sv24){ m_crcs != k_crcs, version_prefix(r), 0 };
	sv.plen = strlen(sv.prefix);
	log_verbose("Symbol version prefix '%s'", sv.prefix);
	err = obj24_load(&r->obj, job->elf, job->path, &sv);
	if (!err)
		err = mod24_prepare(r, version);
	if (err || job->probe)
		return err;
	return finish(r);
}

int mod24_link(const struct mod24_job *job)
{
	struct run24 *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	r->job = job;
	k24_init(&r->kernel);
	if (!machine_linked(job->elf->machine) || !machine_linked(job->elf->machine)->era24) {
		log_error("%s: 2.4-era modules are linked for i386 and x86_64 only, not %s", job->path,
			  machine_name(job->elf->machine));
		err = -ENOEXEC;
	} else {
		err = link_steps(r);
	}
	if (err == -ENOMEM && !r->kernel_refused)	/* the kernel's ENOMEM was told already */
		log_error("%s: out of memory", job->path);
	obj24_release(&r->obj);
	k24_release(&r->kernel);
	free(r);
	return err;
}

/* ---- From main.c ---------------------------------------------------------- */

int mod24_name_module(struct insmod_ctx *c)
{
	c->name = c->opts->name ? strdup(c->opts->name) : mod24_default_name(c->module);
	if (!c->name)
		return -ENOMEM;
	if (module_name_problem(c->name)) {
		log_error("%s: the module's name would be '%s', from its file name: %s; give one with -o",
			  c->found.path, c->name, module_name_problem(c->name));
		return -EINVAL;
	}
	return 0;
}

int mod24_main(struct insmod_ctx *c)
{
	const struct insmod_opts *o = c->opts;
	bool dry = o->noload || o->probe;
	struct mod24_job job;
	int r;

	if (!dry && !load24_kernel_present()) {
		log_error("%s: a module for Linux 2.4 or older (an object file without struct module); this kernel "
			  "has no query_module(2) and loads only 2.6+ modules (use -n, -m or -O to link it in user space)",
			  c->found.path);
		return -ENOEXEC;
	}
	if (!dry && (r = check_architecture(c)))
		return r;
	job = (struct mod24_job){
		.path = c->found.path, .elf = &c->elf, .name = c->name, .release = c->release,
		.mtime = (long long)c->file.st.st_mtime, .symbol_files = o->symbol_files,
		.nsymbol_files = o->nsymbol_files, .root = c->root, .params = o->params, .nparams = o->nparams,
		.load = !dry, .probe = o->probe, .map = o->map, .blob = o->probe ? NULL : c->batch_blob ? c->batch_blob : o->blob,
		.force = o->force_vermagic, .autoclean = o->autoclean, .kallsyms = o->kallsyms, .lock = o->lock,
		.export_all = o->export_all != 0, .ksymoops = o->ksymoops != 0, .prefix = o->prefix,
		.base = o->have_base ? o->base : LINK_DEFAULT_BASE,
	};
	r = mod24_link(&job);
	if (!dry)
		snapshot_take(SNAPSHOT_DIR, c->root);
	return r;
}
