/* The causes of a refused load that the kernel's errno does not tell
 * apart, told apart by what /proc and /sys say: a missing capability,
 * modules disabled, lockdown, a blacklist on the command line, signature
 * enforcement. */
#include "diagnose-int.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* CAP_SYS_MODULE's bit in CapEff (linux/capability.h). */
#define CAP_SYS_MODULE_BIT 16

/* ---- files that tell causes apart --------------------------------------- */

/* Whether the process lacks CAP_SYS_MODULE, by CapEff in its status. */
static bool lacks_cap_sys_module(const char *root)
{
	struct strbuf sb = STRBUF_INIT;
	char line[256];
	bool lacks = false;
	FILE *fp;

	if (strbuf_printf(&sb, "%s/proc/self/status", root) != 0)
		goto out;
	fp = fopen(strbuf_str(&sb), "re");
	if (!fp)
		goto out;
	while (fgets(line, sizeof line, fp)) {
		unsigned long long caps;

		if (strncmp(line, "CapEff:", 7) == 0) {
			if (sscanf(line + 7, "%llx", &caps) == 1)
				lacks = !(caps & (1ULL << CAP_SYS_MODULE_BIT));
			break;
		}
	}
	fclose(fp);
out:
	strbuf_release(&sb);
	return lacks;
}

/* The active lockdown level ("integrity", "confidentiality"), copied into
 * level; false when the kernel is not locked down or cannot tell. */
static bool locked_down(const char *root, char *level, size_t size)
{
	char line[256];
	const char *open, *close;

	if (!read_first_line(root, "/sys/kernel/security/lockdown", line, sizeof line))
		return false;
	open = strchr(line, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close || (size_t)(close - open - 1) >= size)
		return false;
	memcpy(level, open + 1, (size_t)(close - open - 1));
	level[close - open - 1] = '\0';
	return strcmp(level, "none") != 0;
}

/* Whether the kernel command line blacklists the module. */
static bool blacklisted_on_cmdline(const char *root, const char *module)
{
	char line[4096];
	const char *p;

	if (!read_first_line(root, "/proc/cmdline", line, sizeof line))
		return false;
	for (p = line; (p = strstr(p, "module_blacklist=")) != NULL; ) {
		if (p != line && p[-1] != ' ') {
			p++;
			continue;
		}
		p += 17;
		while (*p && *p != ' ') {
			size_t n = strcspn(p, ", ");

			if (n > 0 && module_name_eq(p, n, module))
				return true;
			p += n;
			if (*p == ',')
				p++;
		}
	}
	return false;
}

static bool file_says_yes(const char *root, const char *path)
{
	char line[64];

	return read_first_line(root, path, line, sizeof line) &&
	       (line[0] == 'Y' || line[0] == 'y' || line[0] == '1');
}

/* Which of EPERM's causes applies, when files or the log tell. */
void explain_eperm(struct strbuf *sb, const struct load_failure *f, const char *root,
		   bool log_lockdown, bool log_blacklisted)
{
	char level[64];
	bool unsigned_now = !f->signed_module || f->modified || load_failure_forced(f);

	if (lacks_cap_sys_module(root)) {
		strbuf_puts(sb, geteuid() == 0
			? "operation not permitted: insmod lacks the "
			  "CAP_SYS_MODULE capability (a container or a "
			  "capability bounding set took it away)"
			: "operation not permitted: loading modules needs "
			  "CAP_SYS_MODULE: run insmod as root");
	} else if (file_says_yes(root, "/proc/sys/kernel/modules_disabled")) {
		strbuf_puts(sb, "operation not permitted: module loading is "
				"disabled (/proc/sys/kernel/modules_disabled "
				"is 1; only a reboot enables it again)");
	} else if (log_lockdown ||
		   (locked_down(root, level, sizeof level) && unsigned_now)) {
		if (!log_lockdown)
			strbuf_printf(sb, "operation not permitted: the kernel "
					  "is locked down (%s) and refuses "
					  "unsigned modules", level);
		else
			strbuf_puts(sb, "operation not permitted: the kernel "
					"is locked down and refuses unsigned "
					"modules");
		if (f->modified || load_failure_forced(f))
			strbuf_puts(sb, "; a module insmod had to change "
					"(forced or renamed) has no valid "
					"signature");
		else if (!f->signed_module)
			strbuf_puts(sb, "; this module is not signed");
	} else if (log_blacklisted || blacklisted_on_cmdline(root, f->module)) {
		strbuf_printf(sb, "operation not permitted: module '%s' is "
				  "blacklisted on the kernel command line "
				  "(module_blacklist=)", f->module);
	} else {
		strbuf_puts(sb, diagnose_errno_text(EPERM));
	}
}

void explain_ekeyrejected(struct strbuf *sb,
				 const struct load_failure *f, const char *root)
{
	bool enforced = file_says_yes(root,
				      "/sys/module/module/parameters/sig_enforce");

	if (f->modified || load_failure_forced(f))
		strbuf_puts(sb, "the kernel requires a valid signature, and a "
				"module modified by insmod (forced or renamed) "
				"has no valid signature");
	else if (!f->signed_module)
		strbuf_printf(sb, "the kernel requires signed modules%s and "
				  "this module is not signed",
			      enforced ? " (module.sig_enforce is on)" : "");
	else
		strbuf_puts(sb, "the module's signature did not verify: it was "
				"signed with a key this kernel does not trust, "
				"or the file was changed after signing");
}
