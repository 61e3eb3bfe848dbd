/* The version magic check, as close to the kernel's as user space can get.
 *
 * The kernel compares the module's .modinfo vermagic with its own
 * VERMAGIC_STRING: from the first space onward when the module has
 * __versions (CRCs then decide about the release), whole otherwise.  User
 * space knows the release; the rest of the string (SMP, preempt,
 * mod_unload, modversions, the arch tag) it can learn from any module
 * installed for that release, since they were all built with the kernel:
 * the first one listed in ROOT/lib/modules/RELEASE/modules.dep serves.
 * Without one, only the release is compared. */
#include "file.h"
#include "link-int.h"
#include "log.h"
#include "modinfo.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void link_version_problem(const struct link_job *job, int *err, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (job->force) {
		log_warn("%s (forced: the kernel will be tainted)", msg);
		return;
	}
	log_complaint("%s", msg);
	if (!*err)
		*err = code;
}

/* The path of the first module modules.dep lists, or NULL. */
static char *first_installed_module(const char *dir)
{
	char path[8192], line[4096], *colon;
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/modules.dep", dir) >= sizeof(path))
		return NULL;
	f = fopen(path, "re");
	if (!f)
		return NULL;
	if (!fgets(line, sizeof(line), f) || !(colon = strchr(line, ':'))) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	*colon = '\0';
	if (line[0] == '/')
		return strdup(line);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, line) >= sizeof(path))
		return NULL;
	return strdup(path);
}

char *link_reference_vermagic(const char *root, const char *release)
{
	char dir[4096], *path, *magic = NULL;
	struct module_file f;
	struct elf_file elf;

	snprintf(dir, sizeof(dir), "%s/lib/modules/%s", root ? root : "", release);
	path = first_installed_module(dir);
	if (!path || access(path, R_OK) != 0) {
		free(path);
		return NULL;
	}
	memset(&f, 0, sizeof(f));
	if (module_file_open(&f, path) == 0 && module_file_read(&f) == 0 &&
	    elf_parse(&elf, path, f.image, f.size) == 0) {
		magic = modinfo_dup(&elf, "vermagic");
		elf_release(&elf);
	}
	module_file_close(&f);
	if (magic)
		log_verbose("kernel %s: version magic \"%s\" (from %s)", release, magic, path);
	free(path);
	return magic;
}

/* Compares as the kernel's same_magic() does. */
static bool same_magic(const char *mine, size_t len, const char *kernel, bool has_crcs)
{
	if (has_crcs) {
		const char *a = memchr(mine, ' ', len), *b = strchr(kernel, ' ');

		if (!a || !b)
			return false;
		return (size_t)(mine + len - a) == strlen(b) && memcmp(a, b, strlen(b)) == 0;
	}
	return len == strlen(kernel) && memcmp(mine, kernel, len) == 0;
}

int link_check_vermagic(const struct link_job *job)
{
	const struct elf_file *elf = job->elf;
	bool has_crcs = modversions_count(elf) != 0;
	struct modinfo_value v;
	char *read = NULL;
	const char *ref;
	int err = 0;
	size_t n;

	if (!modinfo_get(elf, "vermagic", &v)) {
		link_version_problem(job, &err, -ENOEXEC,
				     "%s: has no vermagic (.modinfo) and would be refused as of a bad version", job->path);
		return err;
	}
	if (!job->release || !*job->release)
		return 0;
	/* --batch looked it up once for all its modules */
	ref = job->kernel ? job->kernel->vermagic
			  : (read = link_reference_vermagic(job->sysfs_root, job->release));
	if (ref) {
		if (!same_magic(v.str, v.len, ref, has_crcs))
			link_version_problem(job, &err, -ENOEXEC, "%s: version magic '%.*s' should be '%s'",
					     job->path, (int)v.len, v.str, ref);
		free(read);
		if (err || has_crcs)
			return err;
	}
	for (n = 0; n < v.len && v.str[n] != ' '; n++)
		;
	if (n == strlen(job->release) && memcmp(v.str, job->release, n) == 0)
		return 0;
	if (has_crcs) {
		log_warn("%s: built for kernel %.*s, not %s (vermagic \"%.*s\"); symbol versions decide",
			 job->path, (int)n, v.str, job->release, (int)v.len, v.str);
		return 0;
	}
	link_version_problem(job, &err, -ENOEXEC, "%s: built for kernel %.*s, not %s (vermagic \"%.*s\")",
			     job->path, (int)n, v.str, job->release, (int)v.len, v.str);
	return err;
}
