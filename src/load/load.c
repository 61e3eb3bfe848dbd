/* Into the kernel.  finit_module(2) on the very descriptor that was checked
 * whenever the file can go in as it is: that keeps the module's signature
 * and the security modules' view of the file intact.  init_module(2) with an
 * image in memory only when insmod had to change or decompress it. */
#include "diagnose.h"
#include "image.h"
#include "insmod.h"
#include "ksymoops.h"
#include "log.h"
#include "modinfo.h"
#include "syscalls.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* What insmod must do to the image before the kernel sees it. */
struct changes {
	bool rename;		/* -o with another name */
	bool ksymoops;		/* add the __insmod_ symbols */
	/* forced through init_module, which has no flags to ask with */
	bool strip_vermagic;	/* --force-vermagic (-f) */
	bool strip_versions;	/* --force-modversion (-f) */
};

static bool any_change(const struct changes *ch)
{
	return ch->rename || ch->ksymoops || ch->strip_vermagic || ch->strip_versions;
}

/* -Y adds the ksymoops symbols whatever it costs; by default they are added
 * only to an unsigned module, because changing a signed one drops its
 * signature. */
static bool want_ksymoops(const struct insmod_ctx *c)
{
	if (c->opts->ksymoops == 1)
		return true;
	return c->opts->ksymoops == -1 && !c->elf.signed_module;
}

static void plan_changes(const struct insmod_ctx *c, struct changes *ch)
{
	ch->rename = c->opts->name && strcmp(c->opts->name, c->file_name) != 0;
	ch->ksymoops = want_ksymoops(c);
	if (c->opts->ksymoops == -1 && c->elf.signed_module)
		log_verbose("no ksymoops symbols: %s is signed, and adding them would void its signature "
			    "(-Y adds them anyway)", c->found.path);
	ch->strip_vermagic = ch->strip_versions = false;	/* decided once init_module is certain */
	if (!c->elf.signed_module)
		return;
	if (ch->rename)
		log_warn("renaming changes the module, so its signature no longer applies: "
			 "the kernel loads it as unsigned (and refuses it if it enforces signatures)");
	if (ch->ksymoops)
		log_warn("-Y: adding ksymoops symbols changes the module, so its signature no longer applies");
}

static int report_failure(struct insmod_ctx *c, int err, bool modified,
			  struct kmsg_watch *w)
{
	struct load_failure f = {
		.module = c->name,
		.path = c->found.path,
		.release = c->release,
		.modules_root = c->root,
		.err = err,
		.forced_vermagic = c->opts->force_vermagic,
		.forced_modversion = c->opts->force_modversion,
		.modified = modified,
		.signed_module = c->elf.signed_module,
		/* The loader says EEXIST only when a module of that name is
		 * live; if none is, the module's own init returned it (a
		 * second copy of a driver whose device type exists, say). */
		.from_init = err == EEXIST && !module_is_loaded(c, c->name),
	};

	if (err == ENOEXEC && check_version_after_refusal(c))
		return -err;	/* the version magic, said as the check before a load says it */
	if (err == EEXIST && c->opts->lock && !f.from_init) {
		/* Another insmod -L got there first: the module is in. */
		log_verbose("module '%s' was loaded meanwhile; nothing to do", c->name);
		return 0;
	}
	diagnose_load_failure(&f, w);
	return -err;
}

static int load_file_as_is(struct insmod_ctx *c, enum compression kernel_comp)
{
	int flags = 0;

	if (c->opts->force_vermagic)
		flags |= MODULE_INIT_IGNORE_VERMAGIC;
	if (c->opts->force_modversion)
		flags |= MODULE_INIT_IGNORE_MODVERSIONS;
	if (c->file.comp != COMP_NONE && c->file.comp == kernel_comp)
		flags |= MODULE_INIT_COMPRESSED_FILE;
	log_verbose("finit_module(%s, \"%s\", %#x)", c->found.path, c->kernel_args, flags);
	return sys_finit_module(c->file.fd, c->kernel_args, flags);
}

static int add_ksymoops(struct insmod_ctx *c, struct module_image *img)
{
	struct ksymoops_info info = { c->name, NULL, c->file.st.st_mtime, -1 };
	struct modinfo_value v;
	char *file = realpath(c->found.path, NULL);
	char *release = NULL;
	int r;

	if (modinfo_get(&c->elf, "vermagic", &v))
		release = vermagic_release(v.str, v.len);
	info.version = ksymoops_version(release);
	info.file = file ? file : c->found.path;
	r = ksymoops_add_symbols(img, &info);
	free(release);
	free(file);
	return r;
}

static int build_image(struct insmod_ctx *c, const struct changes *ch, struct module_image *img)
{
	int r = image_copy(img, &c->elf);

	if (!r && ch->rename)
		r = image_rename(img, c->opts->name);
	if (!r && ch->ksymoops)
		r = add_ksymoops(c, img);
	if (!r && ch->strip_versions)
		image_strip_versions(img);
	if (!r && ch->strip_vermagic)
		image_strip_vermagic(img);
	return r;
}

/* init_module(2) has no flags: what -f (or its halves) asks for is done to the image, as
 * the kernel would have done it.  *prepared stays false when the image
 * could not be built (already reported; the kernel saw nothing). */
static int load_image(struct insmod_ctx *c, struct changes *ch, bool *prepared)
{
	struct module_image img;
	int r;

	ch->strip_vermagic = c->opts->force_vermagic;
	ch->strip_versions = c->opts->force_modversion;
	*prepared = false;
	if (!any_change(ch)) {
		/* Only decompressed: the bytes are the signed ones, signature and all. */
		*prepared = true;
		log_verbose("init_module(%zu bytes decompressed from %s, \"%s\")",
			    c->file.size, compression_name(c->file.comp), c->kernel_args);
		return sys_init_module(c->file.image, c->file.size, c->kernel_args);
	}
	r = build_image(c, ch, &img);
	if (!r) {
		*prepared = true;
		log_verbose("init_module(%zu bytes, changed by insmod:%s%s%s, \"%s\")", img.len,
			    ch->rename ? " renamed" : "", ch->ksymoops ? " ksymoops symbols added" : "",
			    ch->strip_vermagic || ch->strip_versions ? " version data stripped" : "",
			    c->kernel_args);
		r = sys_init_module(img.data, img.len, c->kernel_args);
	}
	if (r == 0)
		c->loaded_image = img;	/* for -m and -O: what the kernel got */
	else
		image_release(&img);
	return r;
}

int load_dry_run_image(struct insmod_ctx *c)
{
	struct changes ch = { .ksymoops = true };
	struct module_image img;
	int r;

	/* Only with -Y: by default the map of a dry run stays what the file
	 * alone gives (the symbols carry the file's path and time). */
	if (c->opts->ksymoops != 1 || c->opts->probe)
		return 0;
	r = build_image(c, &ch, &img);
	if (!r)
		c->loaded_image = img;
	else
		image_release(&img);
	return r;
}

int load_into_kernel(struct insmod_ctx *c)
{
	/* what the kernel can decompress matters only for a compressed file */
	enum compression kernel_comp = c->file.comp == COMP_NONE ? COMP_NONE : kernel_compression(c->root);
	bool kernel_unpacks = c->file.comp == COMP_NONE || c->file.comp == kernel_comp;
	bool prepared = true;
	struct changes ch;
	struct kmsg_watch w;
	int r = -ENOSYS;

	plan_changes(c, &ch);
	kmsg_watch_start(&w);
	if (!any_change(&ch) && kernel_unpacks)
		r = load_file_as_is(c, kernel_comp);
	if (r == -ENOSYS) {
		if (!any_change(&ch) && kernel_unpacks)
			log_verbose("finit_module is not available; using init_module");
		r = load_image(c, &ch, &prepared);
	}
	if (r < 0 && prepared)
		r = report_failure(c, -r, any_change(&ch), &w);
	kmsg_watch_stop(&w);
	if (r == 0)
		log_verbose("module '%s' loaded", c->name);
	return r;
}
