/* The checks insmod makes before the kernel sees a module, each with a
 * message that says what is wrong and what to do.  They are made on the
 * open descriptor and the bytes read from it, never on the path again, so
 * that what was checked is what gets loaded. */
#include "insmod.h"
#include "log.h"
#include "machine.h"
#include "modinfo.h"
#include "util.h"
#include "vermagic.h"

#include <elf.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int check_ownership(const struct insmod_ctx *c)
{
	const struct stat *st = &c->file.st;
	struct passwd *pw;
	char owner[64];

	if (!c->found.searched || !c->opts->root_check || geteuid() != 0)
		return 0;
	if (st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH)))
		return 0;
	pw = getpwuid(st->st_uid);
	if (pw)
		snprintf(owner, sizeof(owner), "%s (uid %u)", pw->pw_name, (unsigned)st->st_uid);
	else
		snprintf(owner, sizeof(owner), "uid %u", (unsigned)st->st_uid);
	log_error("%s: refusing a module found by searching that is owned by %s with mode %04o: "
		  "it must be owned by root and writable by nobody else (-r turns this check off)",
		  c->found.path, owner, (unsigned)(st->st_mode & 07777));
	return -EPERM;
}

/* A 2.4-era object (kernel_version= in .modinfo, or no .modinfo at all)
 * cannot go into a 2.6+ kernel, which wants a .ko with struct module. */
int check_module_kind(const struct insmod_ctx *c)
{
	const struct elf_file *elf = &c->elf;
	struct modinfo_value v;

	if (modinfo_get(elf, "kernel_version", &v) && !elf->this_module) {
		log_error("%s: a module for Linux %.*s (2.4-era object file); this kernel loads only 2.6+ modules "
			  "(use -n, -m or -O to link it in user space)", c->found.path, (int)v.len, v.str);
		return -ENOEXEC;
	}
	if (!elf->this_module) {
		log_error("%s: not a kernel module: no .gnu.linkonce.this_module section "
			  "(a plain object file, or a module for Linux 2.4 or older?)", c->found.path);
		return -ENOEXEC;
	}
	if (!elf->symtab) {
		log_error("%s: module has no symbol table (stripped?)", c->found.path);
		return -ENOEXEC;
	}
	return 0;
}

/* The kernel named by uname -m runs modules of one machine and class
 * (the table of machines, machine.c). */
int check_architecture(const struct insmod_ctx *c)
{
	const struct elf_file *elf = &c->elf;
	const struct machine *m = machine_by_uname(c->machine);

	if (!m)
		return 0;	/* a machine we do not know: let the kernel judge */
	if (elf->machine != m->e_machine || elf->is64 != m->is64) {
		log_error("%s: built for %s (%d-bit), but the running kernel is %s",
			  c->found.path, machine_name(elf->machine), elf->is64 ? 64 : 32, c->machine);
		return -ENOEXEC;
	}
	return 0;
}

/* Does the module's vermagic start with the running release and a space?
 * Then the kernel compares only what a module installed for the release
 * would tell (SMP, preempt, ...), and insmod leaves that to the kernel:
 * reading modules.dep and a reference module before every load costs more
 * than the load of a small module.  Should the kernel refuse the module,
 * check_version_after_refusal() says why, as the check beforehand did. */
static bool same_release(const struct insmod_ctx *c, const struct modinfo_value *v)
{
	size_t n = strlen(c->release);

	return n && v->len > n && memcmp(v->str, c->release, n) == 0 && v->str[n] == ' ';
}

/* The verdict against a module installed for the release; logs it. */
static int judge_version(struct insmod_ctx *c, const struct modinfo_value *v)
{
	char msg[1024], *ref;
	enum vermagic_verdict verdict;

	ref = link_reference_vermagic(c->root, c->release);
	/* ignored symbol versions count as none: the whole magic is compared */
	verdict = vermagic_judge(c->found.path, v->str, v->len, ref, c->release,
				 modversions_count(&c->elf) != 0 && !c->opts->force_modversion,
				 msg, sizeof(msg));
	free(ref);
	if (verdict == VERMAGIC_SAME)
		return 0;
	c->version_mismatch = true;
	if (verdict == VERMAGIC_OTHER_RELEASE || c->opts->force_vermagic) {
		log_quiet_warn("%s%s", msg, c->opts->force_vermagic ? "; loading anyway (-f, --force-vermagic)" : "");
		return 0;
	}
	log_complaint("%s; -f or --force-vermagic tries anyway", msg);
	return -ENOEXEC;
}

/* The original compared the module's kernel version with the running one
 * and let -f turn a mismatch into a warning.  Today's equivalent is the
 * kernel's own vermagic rule (vermagic.h), the same one -p applies. */
int check_version(struct insmod_ctx *c)
{
	struct modinfo_value v;

	if (!modinfo_get(&c->elf, "vermagic", &v)) {
		if (!c->opts->force_vermagic) {
			log_complaint("%s: module has no version magic; the kernel accepts it only as a forced load "
				      "(use -f or --force-vermagic)",
				      c->found.path);
			return -ENOEXEC;
		}
		c->version_mismatch = true;
		return 0;
	}
	if (!c->opts->force_vermagic && same_release(c, &v)) {
		c->vermagic_deferred = true;
		return 0;
	}
	return judge_version(c, &v);
}

bool check_version_after_refusal(struct insmod_ctx *c)
{
	struct modinfo_value v;

	if (!c->vermagic_deferred || !modinfo_get(&c->elf, "vermagic", &v))
		return false;
	c->vermagic_deferred = false;
	return judge_version(c, &v) != 0;
}

int module_is_loaded(const struct insmod_ctx *c, const char *name)
{
	char path[4096];

	/* initstate exists only for loadable modules (built-in ones have a
	 * /sys/module directory too, but no initstate). */
	snprintf(path, sizeof(path), "%s/sys/module/%s/initstate", c->root, name);
	return access(path, F_OK) == 0;
}

static bool sysfs_says_yes(const struct insmod_ctx *c, const char *file)
{
	char buf[8];

	return read_first_line(c->root, file, buf, sizeof(buf)) &&
	       (buf[0] == 'Y' || buf[0] == 'y' || buf[0] == '1');
}

/* "none [integrity] confidentiality": the bracketed word is in force. */
static bool lockdown_active(const struct insmod_ctx *c)
{
	char buf[128];

	return read_first_line(c->root, "/sys/kernel/security/lockdown", buf, sizeof(buf)) &&
	       strchr(buf, '[') && !strstr(buf, "[none]");
}

/* -f (or either half of it) always asks the kernel to ignore version data,
 * as the original always marked a forced load: the kernel then treats the
 * module as unsigned.  Say beforehand when that means refusal, and that it
 * taints. */
void warn_about_force(const struct insmod_ctx *c)
{
	if (!c->opts->force_vermagic && !c->opts->force_modversion)
		return;
	if (sysfs_says_yes(c, "/sys/module/module/parameters/sig_enforce"))
		log_warn("this kernel enforces module signatures (sig_enforce=Y): it treats a forced load as unsigned "
			 "and will refuse it (EKEYREJECTED)");
	else if (lockdown_active(c))
		log_warn("this kernel is locked down: it will refuse a forced (unsigned) load");
	else
		log_warn("a forced load taints the kernel (F), and the module is treated as unsigned (E)");
}
