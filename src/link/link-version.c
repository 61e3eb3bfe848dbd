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

void link_version_problem(bool forced, int *err, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (forced) {
		log_quiet_warn("%s (forced: the kernel will be tainted)", msg);
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

/* The flag part (from the first space on) is the same, as the kernel's
 * same_magic() compares it for a module with symbol versions. */
static bool same_flags(const char *mine, size_t len, const char *kernel)
{
	const char *a = memchr(mine, ' ', len), *b = strchr(kernel, ' ');

	if (!a || !b)
		return false;
	return (size_t)(mine + len - a) == strlen(b) && memcmp(a, b, strlen(b)) == 0;
}

/* The module's release: vermagic up to its first space. */
static size_t release_length(const char *magic, size_t len)
{
	const char *sp = memchr(magic, ' ', len);

	return sp ? (size_t)(sp - magic) : len;
}

enum vermagic_verdict vermagic_judge(const char *path, const char *magic, size_t len, const char *ref,
				     const char *release, bool has_crcs, char *msg, size_t size)
{
	size_t n = release_length(magic, len);

	/* Without symbol versions the whole string counts, release included;
	 * a reference read for this release has the release right, so only
	 * what follows it can differ there. */
	if (ref && !same_flags(magic, len, ref)) {
		snprintf(msg, size, "%s: version magic '%.*s' should be '%s'", path, (int)len, magic, ref);
		return VERMAGIC_BAD_MAGIC;
	}
	if (!release || !*release || (n == strlen(release) && memcmp(magic, release, n) == 0))
		return VERMAGIC_SAME;
	if (has_crcs) {
		snprintf(msg, size, "%s: built for kernel %.*s, not %s (vermagic \"%.*s\"); "
			 "the module has symbol versions, so the kernel compares only what follows the release", path, (int)n, magic,
			 release, (int)len, magic);
		return VERMAGIC_OTHER_RELEASE;
	}
	snprintf(msg, size, "%s: built for kernel %.*s, not %s (vermagic \"%.*s\")", path, (int)n, magic,
		 release, (int)len, magic);
	return VERMAGIC_BAD_RELEASE;
}

int link_check_vermagic(const struct link_job *job)
{
	const struct elf_file *elf = job->elf;
	struct modinfo_value v;
	char *read = NULL, msg[1024];
	const char *ref;
	int err = 0;

	if (!modinfo_get(elf, "vermagic", &v)) {
		link_version_problem(job->force_vermagic, &err, -ENOEXEC,
				     "%s: has no vermagic (.modinfo) and would be refused as of a bad version", job->path);
		return err;
	}
	if (!job->release || !*job->release)
		return 0;
	/* --batch looked it up once for all its modules */
	ref = job->kernel ? job->kernel->vermagic
			  : (read = link_reference_vermagic(job->sysfs_root, job->release));
	/* Symbol versions ignored count as none, for the kernel too. */
	switch (vermagic_judge(job->path, v.str, v.len, ref, job->release,
			       modversions_count(elf) != 0 && !job->force_modversion, msg, sizeof(msg))) {
	case VERMAGIC_SAME:
		break;
	case VERMAGIC_OTHER_RELEASE:
		log_quiet_warn("%s", msg);
		break;
	case VERMAGIC_BAD_MAGIC:
	case VERMAGIC_BAD_RELEASE:
		link_version_problem(job->force_vermagic, &err, -ENOEXEC, "%s", msg);
		break;
	}
	free(read);
	return err;
}
