/* The 2.4 kernel's exported symbols, as insmod links against them: every
 * loaded module's exports first (a module's definition wins over the
 * kernel's, and using one makes the new module depend on it), then the
 * kernel's own.  Names are kept whole, with any _R<crc> suffix, because
 * how they are compared depends on both sides (symvers24.c).
 *
 * A running 2.4 kernel answers query_module (load24.c); a file given with
 * --kernel-symbols is read with the common reader (ksyms.c): the old
 * /proc/ksyms format "ADDR NAME [MODULE]" is what a 2.4 kernel shows, and
 * the reader splits a "_R" + 8-hex-digit suffix off into a CRC, which is
 * put back here.  A loaded module's struct module address is not in
 * /proc/ksyms, but its __insmod_NAME_O... symbol sits exactly there
 * (insmod(8), KSYMOOPS SYMBOLS), so dependencies get it from that. */
#include "mod24-int.h"
#include "ksyms.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void k24_init(struct k24_table *t)
{
	memset(t, 0, sizeof(*t));
}

void k24_release(struct k24_table *t)
{
	for (size_t i = 0; i < t->nsyms; i++)
		free(t->syms[i].name);
	for (size_t i = 0; i < t->nmods; i++)
		free(t->mods[i].name);
	free(t->syms);
	free(t->mods);
	memset(t, 0, sizeof(*t));
}

int k24_add(struct k24_table *t, const char *name, size_t len, uint64_t value, int module)
{
	char *copy;

	if (t->nsyms == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct k24_symbol *v = realloc(t->syms, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->syms = v;
		t->cap = cap;
	}
	copy = strndup(name, len);
	if (!copy)
		return -ENOMEM;
	t->syms[t->nsyms].name = copy;
	t->syms[t->nsyms].value = value;
	t->syms[t->nsyms].module = module;
	t->nsyms++;
	return 0;
}

int k24_add_module(struct k24_table *t, const char *name, size_t len, uint64_t addr)
{
	struct k24_module *v = realloc(t->mods, (t->nmods + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	t->mods = v;
	v[t->nmods].name = strndup(name, len);
	if (!v[t->nmods].name)
		return -ENOMEM;
	v[t->nmods].addr = addr;
	v[t->nmods].used = false;
	return (int)t->nmods++;
}

bool k24_value(const struct k24_table *t, const char *name, uint64_t *value)
{
	for (size_t i = 0; i < t->nsyms; i++)
		if (strcmp(t->syms[i].name, name) == 0) {
			*value = t->syms[i].value;
			return true;
		}
	return false;
}

static int module_index(struct k24_table *t, const char *owner, size_t len)
{
	for (size_t i = 0; i < t->nmods; i++)
		if (strlen(t->mods[i].name) == len && memcmp(t->mods[i].name, owner, len) == 0)
			return (int)i;
	return k24_add_module(t, owner, len, 0);
}

/* The name as the kernel listed it: the reader split "_R%08x" off. */
static int add_entry(struct k24_table *t, const struct ksym *k, int module)
{
	char buf[4096];
	int n;

	if (!(k->flags & KSYM_OLD) || !(k->flags & KSYM_HAS_CRC) || (k->flags & KSYM_SYMVERS))
		return k24_add(t, k->name, k->name_len, k->addr, module);
	n = snprintf(buf, sizeof(buf), "%.*s_R%08" PRIx32, (int)k->name_len, k->name, k->crc);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return 0;	/* a 4 KB name is no kernel symbol */
	return k24_add(t, buf, (size_t)n, k->addr, module);
}

/* Dependencies need each module's struct module: its __insmod_NAME_O
 * symbol is at that address. */
static void module_addresses(struct k24_table *t)
{
	for (size_t m = 0; m < t->nmods; m++) {
		size_t len = strlen(t->mods[m].name);

		for (size_t i = 0; i < t->nsyms && !t->mods[m].addr; i++) {
			const char *s = t->syms[i].name;

			if (t->syms[i].module == (int)m && strncmp(s, "__insmod_", 9) == 0 &&
			    strncmp(s + 9, t->mods[m].name, len) == 0 && strncmp(s + 9 + len, "_O", 2) == 0)
				t->mods[m].addr = t->syms[i].value;
		}
	}
}

/* Modules' symbols first, in the order the file lists modules (a 2.4
 * /proc/ksyms lists the newest module first and the kernel last, the
 * order insmod searched them in), then the kernel's. */
static int copy_table(struct k24_table *t, const struct ksym_table *kt)
{
	int r = 0;

	for (size_t pass = 0; pass < 2 && !r; pass++)
		for (size_t i = 0; i < kt->nsyms && !r; i++) {
			const struct ksym *k = &kt->syms[i];
			bool mod = k->owner && (k->flags & KSYM_MODULE);

			if (!(k->flags & KSYM_EXPORTED) || !(k->flags & KSYM_HAS_ADDR) || mod != (pass == 0))
				continue;
			r = mod ? module_index(t, k->owner, k->owner_len) : -1;
			if (r >= -1)
				r = add_entry(t, k, r);
		}
	if (!r)
		module_addresses(t);
	return r;
}

int k24_load_files(struct k24_table *t, const char *const *files, size_t n)
{
	struct ksym_table kt;
	int r = 0;

	ksyms_init(&kt);
	for (size_t i = 0; i < n && !r; i++)
		r = ksyms_load_file(&kt, files[i]);
	if (!r) {
		ksyms_finish(&kt);
		r = copy_table(t, &kt);
		if (r == -ENOMEM)
			log_error("out of memory reading kernel symbols");
	}
	ksyms_release(&kt);
	return r;
}
