/* The ksymoops symbols of 2.4 (-Y, the default; -y leaves them out) and
 * the module's export table.
 *
 * In exactly the original's formats (add_ksymoops_symbols in modutils
 * 2.4; the same as src/load/ksymoops.c writes on modern kernels):
 *   __insmod_NAME_O<file>_M<mtime>_V<version>  at the module header
 *   __insmod_NAME_S<section>_L<length>          at .text, .rodata, .data,
 *                                               .bss and .sbss, if not empty
 * <file> is the object's real path, <mtime> upper-case hex as wide as two
 * digits per byte of time_t, <version> the module's kernel_version as
 * a<<16|b<<8|c in decimal (-1 if unknown).  They are global symbols, so a
 * 2.4 kernel lists them in /proc/ksyms: exported at once when the module
 * has an export table of its own (or with -x), otherwise by the "export
 * every external symbol" step that follows. */
#include "mod24-int.h"
#include "log.h"
#include "util.h"
#include "strbuf.h"

#include <elf.h>
#include <errno.h>
#include <string.h>
#include <time.h>

static const char *const marked_sections[] = { ".text", ".rodata", ".data", ".bss", ".sbss" };

/* The module's __ksymtab, or a new one: an unallocated one (what
 * EXPORT_NO_SYMBOLS leaves) is renamed out of the way, as the original
 * did, so that exports still have somewhere to go. */
static long export_table(struct obj24 *o)
{
	size_t sec = obj24_section(o, "__ksymtab");

	if (sec && o->secs[sec].alloc)
		return (long)sec;
	if (sec)
		o->secs[sec].name = "x_ksymtab";
	return obj24_create_section(o, "__ksymtab", o->ptr, 0, 0, false);
}

int ksymtab24_add(struct obj24 *o, size_t sym)
{
	long sec = export_table(o);
	uint64_t at;
	int r;

	if (sec < 0)
		return (int)sec;
	r = obj24_extend(o, (size_t)sec, 2 * (uint64_t)o->ptr, &at);
	if (!r)
		r = obj24_symbol_patch(o, (size_t)sec, at, sym);
	if (!r)
		r = obj24_string_patch(o, (size_t)sec, at + o->ptr, o->syms[sym].name, strlen(o->syms[sym].name));
	return r;
}

static int add_one(struct obj24 *o, const struct ksymoops24 *k, const char *name, size_t sec)
{
	long sym = obj24_add_symbol(o, name, STB_GLOBAL, sec, 0);

	if (sym < 0)
		return (int)sym;
	return k->use_ksymtab ? ksymtab24_add(o, (size_t)sym) : 0;
}

int ksymoops24_add(struct obj24 *o, const struct ksymoops24 *k)
{
	struct strbuf name = STRBUF_INIT;
	int r;

	r = strbuf_printf(&name, "__insmod_%s_O%s_M%0*llX_V%d", k->module, k->file, (int)(2 * sizeof(time_t)),
			  (unsigned long long)k->mtime, k->version);
	if (!r)
		r = add_one(o, k, name.data, o->this_sec);
	for (size_t i = 0; !r && i < ARRAY_SIZE(marked_sections); i++) {
		size_t sec = obj24_section(o, marked_sections[i]);

		if (!sec || !o->secs[sec].size)
			continue;
		name.len = 0;
		r = strbuf_printf(&name, "__insmod_%s_S%s_L%llu", k->module, marked_sections[i],
				  (unsigned long long)o->secs[sec].size);
		if (!r)
			r = add_one(o, k, name.data, sec);
	}
	strbuf_release(&name);
	return r;
}
