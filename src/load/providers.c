/* Which module of a kernel provides a symbol (MODDIR/modules.symbols,
 * MODDIR/modules.dep), and the report of missing symbols grouped by the
 * module that provides them: shared by a refused load (diagnose.c) and
 * by -p and -n (the linker), so that both say the same thing. */
#include "diagnose.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static size_t token_len(const char *s)
{
	size_t n = 0;

	while (s[n] && s[n] != ' ' && s[n] != '\t' && s[n] != '\n' &&
	       s[n] != '\r')
		n++;
	return n;
}

static char *join_path(const char *a, const char *b, size_t blen)
{
	struct strbuf sb = STRBUF_INIT;

	if (strbuf_puts(&sb, a) || strbuf_putc(&sb, '/') ||
	    strbuf_append(&sb, b, blen)) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_steal(&sb);
}

static void find_paths(const char *moddir, struct symbol_provider *v, size_t n)
{
	char *file = join_path(moddir, "modules.dep", 11), *line = NULL;
	size_t cap = 0, i, missing = 0, total = 0;
	FILE *fp;

	for (i = 0; i < n; i++)
		if (v[i].module && !v[i].path)
			missing++;
	if (!file || missing == 0) {
		free(file);
		return;
	}
	fp = fopen(file, "re");
	free(file);
	if (!fp)
		return;
	while (missing > 0 && read_line_bounded(fp, &line, &cap, &total) > 0) {
		const char *colon = strchr(line, ':'), *base;
		size_t klen, blen;

		if (!colon || colon == line)
			continue;
		klen = (size_t)(colon - line);
		module_base_name(line, klen, &base, &blen);
		for (i = 0; i < n; i++) {
			if (!v[i].module || v[i].path ||
			    !module_name_eq(base, blen, v[i].module))
				continue;
			v[i].path = line[0] == '/' ? strndup(line, klen)
						   : join_path(moddir, line, klen);
			if (v[i].path)
				missing--;
		}
	}
	free(line);
	fclose(fp);
}

int diagnose_find_providers(const char *moddir, struct symbol_provider *v,
			    size_t n)
{
	char *file = join_path(moddir, "modules.symbols", 15), *line = NULL;
	size_t cap = 0, i, missing = n, total = 0;
	FILE *fp;
	int err;

	for (i = 0; i < n; i++) {
		v[i].module = NULL;
		v[i].path = NULL;
	}
	if (!file)
		return -ENOMEM;
	fp = fopen(file, "re");
	err = errno;
	free(file);
	if (!fp)
		return -err;
	while (missing > 0 && read_line_bounded(fp, &line, &cap, &total) > 0) {
		const char *s = skip_blank(line), *sym, *mod;
		size_t slen, mlen;

		if (strncmp(s, "alias", 5) != 0 || (s[5] != ' ' && s[5] != '\t'))
			continue;
		s = skip_blank(s + 5);
		if (strncmp(s, "symbol:", 7) != 0)
			continue;
		sym = s + 7;
		slen = token_len(sym);
		mod = skip_blank(sym + slen);
		mlen = token_len(mod);
		if (slen == 0 || mlen == 0)
			continue;
		for (i = 0; i < n; i++) {
			/* The first module named for a symbol wins. */
			if (v[i].module || strlen(v[i].symbol) != slen ||
			    memcmp(v[i].symbol, sym, slen) != 0)
				continue;
			v[i].module = strndup(mod, mlen);
			if (v[i].module)
				missing--;
		}
	}
	free(line);
	fclose(fp);
	find_paths(moddir, v, n);
	return 0;
}

void diagnose_providers_release(struct symbol_provider *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].module);
		free(v[i].path);
		v[i].module = NULL;
		v[i].path = NULL;
	}
}

static bool module_is_loaded(const char *root, const char *module)
{
	struct strbuf sb = STRBUF_INIT;
	bool loaded;

	loaded = strbuf_printf(&sb, "%s/sys/module/%s/initstate", root, module) == 0 &&
		 access(strbuf_str(&sb), F_OK) == 0;
	strbuf_release(&sb);
	return loaded;
}

/* "a, b, c" for the symbols of v[0..n) whose module is MODULE (NULL: none),
 * at most SHOWN of them, then "and N more". */
static int list_symbols(struct strbuf *sb, const struct symbol_provider *v, size_t n,
			const char *module)
{
	enum { SHOWN = 6 };
	size_t listed = 0, more = 0;
	int r = 0;

	for (size_t i = 0; i < n && !r; i++) {
		bool same = module ? v[i].module && strcmp(v[i].module, module) == 0 : !v[i].module;

		if (!same)
			continue;
		if (listed == SHOWN) {
			more++;
			continue;
		}
		r = strbuf_printf(sb, "%s%s", listed++ ? ", " : "", v[i].symbol);
	}
	if (!r && more)
		r = strbuf_printf(sb, " and %zu more", more);
	return r;
}

/* One line for the symbols that MODULE (v[first].module) provides. */
static void report_one_provider(const struct symbol_provider *v, size_t n, size_t first,
				const char *root)
{
	struct strbuf sb = STRBUF_INIT;
	const char *m = v[first].module;

	if (list_symbols(&sb, v, n, m) == 0) {
		if (module_is_loaded(root, m))
			log_complaint("%s: provided by module %s, which is loaded: probably exported to "
				      "GPL-compatible modules only, and this module's license is not",
				      strbuf_str(&sb), m);
		else
			log_complaint("%s: provided by module %s%s%s%s: load it first (modprobe %s)",
				      strbuf_str(&sb), m, v[first].path ? " (" : "",
				      v[first].path ? v[first].path : "", v[first].path ? ")" : "", m);
	}
	strbuf_release(&sb);
}

int diagnose_report_providers(const char *root, const char *release, const char *const *names,
			      size_t n, bool quiet_unknown)
{
	struct symbol_provider *v = calloc(n ? n : 1, sizeof(*v));
	struct strbuf moddir = STRBUF_INIT, none = STRBUF_INIT;
	struct utsname uts;
	int r;

	if (!v)
		return -ENOMEM;
	if ((!release || !*release) && uname(&uts) == 0)
		release = uts.release;
	for (size_t i = 0; i < n; i++)
		v[i].symbol = names[i];
	r = strbuf_printf(&moddir, "%s/lib/modules/%s", root ? root : "", release ? release : "");
	if (!r)
		r = diagnose_find_providers(strbuf_str(&moddir), v, n);
	if (r < 0 && !quiet_unknown)
		log_complaint("cannot tell which modules provide the missing symbols: %s/modules.symbols: %s "
			      "(run depmod)", strbuf_str(&moddir), strerror(-r));
	for (size_t i = 0; i < n && r == 0; i++) {
		bool first = true;

		for (size_t j = 0; j < i && first; j++)
			first = !v[i].module || !v[j].module || strcmp(v[i].module, v[j].module) != 0;
		if (v[i].module && first)
			report_one_provider(v, n, i, root ? root : "");
	}
	if (r == 0 && list_symbols(&none, v, n, NULL) == 0 && none.len)
		log_complaint("%s: no module of this kernel provides %s", strbuf_str(&none),
			      strchr(strbuf_str(&none), ',') || strstr(strbuf_str(&none), " more") ? "them" : "it");
	diagnose_providers_release(v, n);
	free(v);
	strbuf_release(&moddir);
	strbuf_release(&none);
	return r;
}
