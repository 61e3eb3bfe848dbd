/* A 2.4 link before the layout, in the original insmod's order: the
 * license, resolution against the kernel's symbols, struct module,
 * referenced symbols and undefined ones, commons, parameters, the
 * ksymoops symbols, exports and references, __archdata and __kallsyms. */
#include "mod24-run.h"
#include "insmod.h"
#include "log.h"
#include "util.h"
#include "modinfo.h"
#include "params24.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Before the layout ------------------------------------------------- */

/* 2.4's list (kernel/module.c): "Dual MIT/GPL" came later. */
static bool license_is_gpl(const struct elf_file *elf)
{
	static const char *const ok[] = { "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL",
					  "Dual MPL/GPL" };

	return modinfo_is_one_of(elf, "license", ok, ARRAY_SIZE(ok));
}

/* add_kernel_symbols(): every kernel or module export whose name the
 * module uses (non-locally) becomes that symbol's value, unless the module
 * defines it itself (a weak or common definition gives way).  Modules
 * come first.  GPLONLY_ names are for GPL-compatible modules only. */
static bool resolve_kernel(struct run24 *r)
{
	struct obj24 *o = &r->obj;
	bool gplonly_seen = false;

	for (size_t i = 0; i < r->kernel.nsyms; i++) {
		const struct k24_symbol *k = &r->kernel.syms[i];
		const char *name = k->name;
		struct sym24 *s;
		long x;

		if (strncmp(name, "GPLONLY_", 8) == 0) {
			gplonly_seen = true;
			if (!r->gpl)
				continue;
			name += 8;
		}
		x = obj24_find(o, name);
		if (x < 0 || o->syms[x].bind == STB_LOCAL)
			continue;
		s = &o->syms[x];
		if (s->where != SYM24_UNDEF && s->bind != STB_WEAK && s->where != SYM24_COMMON)
			continue;	/* the module's own definition wins */
		s->where = SYM24_EXTERNAL;
		s->value = k->value;
		s->bind = STB_GLOBAL;
		s->provider = k->module;
		if (k->module >= 0)
			r->kernel.mods[k->module].used = true;
	}
	return gplonly_seen;
}

/* The module header (.this, first in the image) and __this_module. */
static int create_this_module(struct run24 *r)
{
	struct obj24 *o = &r->obj;
	long sec = obj24_create_section(o, ".this", o->ptr, 22 * (uint64_t)o->ptr + 8, SHF_WRITE, true);
	long sym;

	if (sec < 0)
		return (int)sec;
	o->this_sec = (size_t)sec;
	sym = obj24_add_symbol(o, "__this_module", STB_LOCAL, (size_t)sec, 0);
	if (sym < 0)
		return (int)sym;
	o->syms[sym].type = STT_OBJECT;
	o->syms[sym].size = o->secs[sec].size;
	return obj24_string_patch(o, (size_t)sec, 2 * (uint64_t)o->ptr, r->job->name, strlen(r->job->name));
}

static int check_undefined(struct run24 *r, bool gplonly_seen)
{
	struct obj24 *o = &r->obj;
	int unresolved = 0;

	for (size_t i = 1; i < o->nsyms; i++) {
		struct sym24 *s = &o->syms[i];

		if (!s->listed || s->where != SYM24_UNDEF)
			continue;
		if (s->bind == STB_WEAK) {
			s->where = SYM24_ABS;
			s->value = 0;
		} else if (s->referenced) {
			log_complaint("%s: unresolved symbol %s", r->job->path, s->name);
			unresolved++;
		}
	}
	if (unresolved && !r->gpl)
		log_complaint("\nHint: You are trying to load a module without a GPL compatible license\n"
			      "      and it has unresolved symbols.  %s", gplonly_seen
			      ? "The module may be trying to access\n      GPLONLY symbols but the problem is more likely to be a coding or\n      user error.  Contact the module supplier for assistance, only they\n      can help you.\n"
			      : "Contact the module supplier for\n      assistance, only they can help you.\n");
	return unresolved ? -ENOENT : 0;
}

/* Callbacks for params24.c. */
static bool p_modinfo(void *ctx, const char *key, const char **value, size_t *len)
{
	struct run24 *r = ctx;
	struct modinfo_value v;

	if (!modinfo_get(r->job->elf, key, &v))
		return false;
	*value = v.str;
	*len = v.len;
	return true;
}

static bool p_find_var(void *ctx, const char *name, struct params24_var *out)
{
	struct run24 *r = ctx;
	long x = obj24_find(&r->obj, name);
	const struct sym24 *s = x >= 0 ? &r->obj.syms[x] : NULL;
	const struct sec24 *sec = s && s->where == SYM24_SECTION ? &r->obj.secs[s->sec] : NULL;

	if (!sec || !sec->data || s->value > sec->size)
		return false;
	*out = (struct params24_var){ sec->data + s->value, sec->size - s->value, s->size, s->sec, s->value };
	return true;
}

static int p_string_patch(void *ctx, struct params24_var *var, uint64_t at, const char *s)
{
	struct run24 *r = ctx;
	int err = obj24_string_patch(&r->obj, var->sec, var->offset + at, s, strlen(s));

	var->data = r->obj.secs[var->sec].data + var->offset;	/* .kstrtab may have moved */
	return err;
}

static int parameters(struct run24 *r)
{
	const struct elf_file *elf = r->job->elf;
	struct params24_env env = {
		.path = r->job->path, .typed = r->typed, .is64 = elf->is64, .big_endian = elf->big_endian,
		.ops = { r, p_modinfo, p_find_var, p_string_patch },
	};
	const struct elf_section *mi = elf->modinfo ? &elf->sections[elf->modinfo] : NULL;

	if (r->typed && mi && mi->data)
		r->errors += params24_check_decls(&env, (const char *)mi->data, (size_t)mi->size);
	return params24_apply(&env, r->job->params, r->job->nparams);
}

/* init_module, cleanup_module and kernel_version are nobody else's. */
static void hide_special_symbols(struct obj24 *o)
{
	static const char *const specials[] = { "cleanup_module", "init_module", "kernel_version" };

	for (size_t i = 0; i < ARRAY_SIZE(specials); i++) {
		long x = obj24_find(o, specials[i]);

		if (x >= 0)
			o->syms[x].bind = STB_LOCAL;
	}
}

static int ksymoops_symbols(struct run24 *r, int version)
{
	const struct mod24_job *job = r->job;
	char *real = realpath(job->path, NULL);
	struct ksymoops24 k = { job->name, real ? real : job->path, job->mtime, version,
				obj24_section(&r->obj, "__ksymtab") || !job->export_all };
	int err;

	if (!real) {
		log_error("%s: cannot get realpath for %s", job->path, job->path);
		r->errors++;
	}
	err = ksymoops24_add(&r->obj, &k);
	free(real);
	return err;
}

/* create_module_ksymtab(): a struct module_ref { dep, ref, next_ref } per
 * module used, and with -X (the default) every external symbol exported
 * when the module has no export table of its own. */
static int references_and_exports(struct run24 *r)
{
	struct obj24 *o = &r->obj;
	size_t used = 0, k = 0;
	long self = obj24_find(o, "__this_module");
	int err = 0;

	for (size_t i = 0; i < r->kernel.nmods; i++)
		used += r->kernel.mods[i].used;
	if (used) {
		long sec = obj24_create_section(o, ".kmodtab", o->ptr, 3 * (uint64_t)o->ptr * used, 0, false);

		if (sec < 0)
			return (int)sec;
		for (size_t i = 0; i < r->kernel.nmods && !err; i++) {
			if (!r->kernel.mods[i].used)
				continue;
			if (!r->kernel.mods[i].addr)
				log_verbose("%s: the address of module %s is not known: its reference says 0",
					    r->job->path, r->kernel.mods[i].name);
			obj24_put(o, o->secs[sec].data + k * 3 * o->ptr, o->ptr, r->kernel.mods[i].addr);
			err = obj24_symbol_patch(o, (size_t)sec, k * 3 * o->ptr + o->ptr, (size_t)self);
			k++;
		}
	}
	if (err || !r->job->export_all || obj24_section(o, "__ksymtab"))
		return err;
	for (size_t i = 1; i < o->nsyms && !err; i++) {
		const struct sym24 *s = &o->syms[i];

		if (s->listed && s->bind != STB_LOCAL &&
		    (s->where == SYM24_ABS || (s->where == SYM24_SECTION && o->secs[s->sec].alloc)))
			err = ksymtab24_add(o, i);
	}
	return err;
}

/* The kernel keeps kallsyms (it exports __start___kallsyms before
 * __stop___kallsyms), or -S asks for them anyway. */
static bool want_kallsyms(const struct run24 *r)
{
	uint64_t start = 0, stop = 0;

	for (size_t i = 0; i < r->kernel.nsyms; i++) {
		const char *n = r->kernel.syms[i].name;

		if (strcmp(n, "__start___kallsyms") == 0 || strncmp(n, "__start___kallsyms_R", 20) == 0)
			start = r->kernel.syms[i].value;
		else if (strcmp(n, "__stop___kallsyms") == 0 || strncmp(n, "__stop___kallsyms_R", 19) == 0)
			stop = r->kernel.syms[i].value;
	}
	return start < stop || r->job->kallsyms;
}

static long section_or_new(struct obj24 *o, const char *name, uint64_t align)
{
	size_t sec = obj24_section(o, name);

	return sec && o->secs[sec].alloc ? (long)sec : obj24_create_section(o, name, align, 0, 0, false);
}

int mod24_prepare(struct run24 *r, int version)
{
	struct obj24 *o = &r->obj;
	bool gplonly_seen;
	int err;

	r->gpl = license_is_gpl(r->job->elf);
	gplonly_seen = resolve_kernel(r);
	err = create_this_module(r);
	if (!err)
		err = obj24_mark_referenced(o);
	if (!err)
		err = check_undefined(r, gplonly_seen);
	if (!err)
		err = obj24_allocate_commons(o);
	if (!err)
		err = parameters(r);
	if (err)
		return err;
	hide_special_symbols(o);
	if (r->job->ksymoops)
		err = ksymoops_symbols(r, version);
	if (!err)
		err = references_and_exports(r);
	if (!err) {
		long sec = section_or_new(o, "__archdata", 16);	/* empty on i386 and x86_64 */

		err = sec < 0 ? (int)sec : 0;
	}
	if (!err && want_kallsyms(r)) {
		long sec = section_or_new(o, "__kallsyms", 0);

		err = sec < 0 ? (int)sec : kallsyms24_fill(o, (size_t)sec);
	}
	if (err)
		return err;
	return r->errors ? -EINVAL : 0;
}
