/* Symbol versions of the 2.4 era (CONFIG_MODVERSIONS).
 *
 * genksyms gave every exported name a suffix "_R" + a prefix (empty, or
 * "smp_", "bigmem_", ... for kernels whose exported types differ) + the
 * CRC of the symbol's type in 8 hex digits: printk_R1b7d4074,
 * printk_Rsmp_1b7d4074.  When the kernel and the module are both built
 * with versions, names must match exactly (CRC included: a different CRC
 * is a different interface).  When only one side is, the original
 * compared names without the suffix (ncv_strcmp), provided the suffix
 * carries the expected prefix; this file implements that comparison and
 * the hash key that goes with it. */
#include "mod24-int.h"
#include "util.h"

#include <string.h>

/* The suffix is "_R" + prefix + 8 characters; the original did not check
 * that those are hex digits, and neither is it checked here. */
static bool has_suffix_at(const struct sv24 *v, const char *name, size_t base, size_t len)
{
	return len == base + 10 + v->plen && name[base] == '_' && name[base + 1] == 'R' &&
	       (v->plen == 0 || memcmp(name + base + 2, v->prefix, v->plen) == 0);
}

size_t sv24_key_len(const struct sv24 *v, const char *name, size_t len)
{
	if (!v->ncv || len <= 10 + v->plen)
		return len;
	return has_suffix_at(v, name, len - 10 - v->plen, len) ? len - 10 - v->plen : len;
}

bool sv24_same(const struct sv24 *v, const char *a, const char *b)
{
	size_t alen = strlen(a), blen = strlen(b);

	if (v->ncv && has_suffix_at(v, b, alen, blen))
		return memcmp(a, b, alen) == 0;
	if (v->ncv && has_suffix_at(v, a, blen, alen))
		return memcmp(a, b, blen) == 0;
	return alen == blen && memcmp(a, b, alen) == 0;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool sv24_prefix_from(const char *name, char *out, size_t cap)
{
	static const char *const well_known[] = { "get_module_symbol_R", "inter_module_get_R" };
	size_t len = strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(well_known); i++) {
		size_t m = strlen(well_known[i]), plen;
		bool hex = true;

		if (len < m + 8 || strncmp(name, well_known[i], m) != 0)
			continue;
		for (size_t k = len - 8; k < len; k++)
			hex &= is_hex(name[k]);
		plen = len - m - 8;
		if (!hex || plen >= cap)
			continue;
		memcpy(out, name + m, plen);
		out[plen] = '\0';
		return true;
	}
	return false;
}

/* Digits as strtoul(,,10) reads them, saturating instead of overflowing;
 * *any says whether there was one. */
static unsigned long digits(const char **p, const char *end, bool *any)
{
	unsigned long v = 0;

	*any = false;
	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
		*any = true;
		v = v > 0xffffff ? 0xffffff : v * 10 + (unsigned long)(**p - '0');
	}
	return v;
}

/* The original's get_module_version()/get_kernel_version(): major and
 * minor up to a '.', then at least one digit of the patch level. */
int sv24_version_code(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	unsigned long a, b, c;
	bool any;

	a = digits(&p, end, &any);
	if (p >= end || *p++ != '.')
		return -1;
	b = digits(&p, end, &any);
	if (p >= end || *p++ != '.')
		return -1;
	c = digits(&p, end, &any);
	if (!any)
		return -1;
	return (int)(((a & 0x7f) << 16) | ((b & 0xff) << 8) | (c & 0xff));
}
