/* An unknown parameter name: the nearest declared one, and the list of
 * the module's parameters, once. */
#include "params-int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "strbuf.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Unknown names: suggestion and list                                 */

/* Close enough to suggest: about one edit per three characters of the
 * longer name, so "lvl" finds "level" but "x" does not find "debug". */
static bool close_enough(size_t distance, size_t la, size_t lb)
{
	size_t longer = la > lb ? la : lb;

	return distance <= (longer + 2) / 3;
}

struct suggestion {
	const char *name;
	size_t len;
	size_t distance;
};

static void consider(struct suggestion *best, const char *typed, size_t tlen,
		     const char *cand, size_t clen)
{
	size_t longer = tlen > clen ? tlen : clen;
	size_t d = name_distance(typed, tlen, cand, clen, (longer + 2) / 3);

	if (close_enough(d, tlen, clen) &&
	    (!best->name || d < best->distance))
		*best = (struct suggestion){ cand, clen, d };
}

static struct suggestion nearest_name(const struct check_ctx *c,
				      const char *typed, size_t tlen)
{
	struct suggestion best = { NULL, 0, SIZE_MAX };

	for (size_t i = 0; i < c->ndecls; i++)
		consider(&best, typed, tlen, c->decls[i].name, c->decls[i].name_len);
	for (size_t i = 0; i < NPASSTHROUGH; i++)
		consider(&best, typed, tlen, passthrough_names[i],
			 strlen(passthrough_names[i]));
	return best;
}

static void list_parameters(struct check_ctx *c)
{
	if (c->listed)
		return;
	c->listed = true;
	if (c->ndecls == 0) {
		log_error("%s declares no parameters", c->module);
		return;
	}
	log_error("%s has these parameters:", c->module);
	for (size_t i = 0; i < c->ndecls; i++)
		log_error("  %.*s (%.*s)", (int)c->decls[i].name_len, c->decls[i].name,
			  (int)c->decls[i].type_len, c->decls[i].type);
}

void report_unknown(struct check_ctx *c, const char *name, size_t len)
{
	struct suggestion s = nearest_name(c, name, len);

	if (s.name)
		log_error("%s: unknown parameter '%.*s'; did you mean '%.*s'?",
			  c->module, (int)len, name, (int)s.len, s.name);
	else
		log_error("%s: unknown parameter '%.*s'", c->module, (int)len, name);
	list_parameters(c);
}
