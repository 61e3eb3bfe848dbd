/* "Did you mean": after a bare name was not found, the names in the
 * searched directories' modules.dep that are a typo away from it.  Only
 * on failure, so the cost (one pass over modules.dep, ~4,000 names for a
 * Debian kernel) never touches a load that works. */
#include "log.h"
#include "suggest.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SUGGESTED = 3, NAME_MAX_LEN = 64 };

struct candidates {
	char *name[SUGGESTED];
	size_t dist[SUGGESTED];
	size_t n;
};

/* Keeps base[0..len) if it is among the SUGGESTED nearest so far. */
static void consider(struct candidates *c, const char *base, size_t len, size_t d)
{
	size_t at = c->n;

	for (size_t i = 0; i < c->n; i++)
		if (module_name_eq(base, len, c->name[i]))
			return;
	while (at > 0 && c->dist[at - 1] > d)
		at--;
	if (at >= SUGGESTED)
		return;
	if (c->n == SUGGESTED)
		free(c->name[--c->n]);
	memmove(&c->name[at + 1], &c->name[at], (c->n - at) * sizeof(c->name[0]));
	memmove(&c->dist[at + 1], &c->dist[at], (c->n - at) * sizeof(c->dist[0]));
	c->name[at] = strndup(base, len);
	c->dist[at] = d;
	if (c->name[at])
		c->n++;
	else
		memmove(&c->name[at], &c->name[at + 1], (c->n - at) * sizeof(c->name[0]));
}

static void scan_modules_dep(struct candidates *c, const char *dir, const char *name, size_t limit)
{
	char path[4096], *line = NULL;
	size_t cap = 0, total = 0, nlen = strlen(name);
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/modules.dep", dir) >= sizeof(path) ||
	    !(f = fopen(path, "re")))
		return;
	while (read_line_bounded(f, &line, &cap, &total) > 0) {
		const char *colon = strchr(line, ':'), *base;
		size_t blen, d;

		if (!colon || colon == line)
			continue;
		module_base_name(line, (size_t)(colon - line), &base, &blen);
		if (blen > NAME_MAX_LEN)
			continue;	/* no module name is this long: not worth suggesting */
		d = name_distance(name, nlen, base, blen, limit);
		if (d <= limit)
			consider(c, base, blen, d);
	}
	free(line);
	fclose(f);
}

void suggest_module_names(const char *const *dirs, size_t ndirs, const char *name)
{
	struct candidates c = { .n = 0 };
	size_t len = strlen(name), limit = len < 4 ? 1 : len < 10 ? 2 : 3;
	char list[3 * (NAME_MAX_LEN + 2) + 8] = "";

	for (size_t i = 0; i < ndirs; i++)
		scan_modules_dep(&c, dirs[i], name, limit);
	for (size_t i = 0; i < c.n; i++) {
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "", c.name[i]);
		free(c.name[i]);
	}
	if (c.n)
		log_error("did you mean %s?", list);
}
