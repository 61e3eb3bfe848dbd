#include "util.h"
#include "strbuf.h"

#include <stdio.h>
#include <string.h>

bool read_first_line(const char *root, const char *path, char *buf, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *fp;
	bool ok = false;

	if (size > 1 && strbuf_printf(&sb, "%s%s", root ? root : "", path) == 0 &&
	    (fp = fopen(strbuf_str(&sb), "re")) != NULL) {
		if (fgets(buf, (int)(size > 4096 ? 4096 : size), fp)) {
			buf[strcspn(buf, "\n")] = '\0';
			ok = true;
		}
		fclose(fp);
	}
	strbuf_release(&sb);
	return ok;
}

const char *module_name_problem(const char *name)
{
	if (!*name)
		return "the name is empty";
	if (strchr(name, '/'))
		return "a module name has no '/'";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return "'.' and '..' are not module names";
	return NULL;
}

unsigned log2_floor(uint64_t a)
{
	unsigned n = 0;

	while (a > 1) {
		a >>= 1;
		n++;
	}
	return n;
}
