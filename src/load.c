/* Into the kernel.  finit_module(2) on the very descriptor that was checked
 * whenever the file can go in as it is: that keeps the module's signature
 * and the security modules' view of the file intact.  init_module(2) with an
 * image in memory only when insmod had to change or decompress it. */
#include "diagnose.h"
#include "image.h"
#include "insmod.h"
#include "log.h"
#include "syscalls.h"

#include <errno.h>
#include <string.h>

static int report_failure(struct insmod_ctx *c, int err, bool modified,
			  struct kmsg_watch *w)
{
	struct load_failure f = {
		.module = c->name,
		.path = c->found.path,
		.release = c->release,
		.modules_root = c->root,
		.err = err,
		.forced = c->opts->force,
		.modified = modified,
		.signed_module = c->elf.signed_module,
		/* The loader says EEXIST only when a module of that name is
		 * live; if none is, the module's own init returned it (a
		 * second copy of a driver whose device type exists, say). */
		.from_init = err == EEXIST && !module_is_loaded(c, c->name),
	};

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

	if (c->opts->force)
		flags |= MODULE_INIT_IGNORE_VERMAGIC | MODULE_INIT_IGNORE_MODVERSIONS;
	if (c->file.comp != COMP_NONE && c->file.comp == kernel_comp)
		flags |= MODULE_INIT_COMPRESSED_FILE;
	log_verbose("finit_module(%s, \"%s\", %#x)", c->found.path, c->kernel_args, flags);
	return sys_finit_module(c->file.fd, c->kernel_args, flags);
}

/* init_module(2) has no flags: what -f asks for is done to the image, as
 * the kernel would have done it. */
static int load_changed_image(struct insmod_ctx *c, bool *modified, bool *prepared)
{
	bool rename = c->opts->name && strcmp(c->opts->name, c->file_name) != 0;
	struct module_image img;
	int r;

	*modified = rename || c->opts->force;
	*prepared = true;
	if (!*modified) {
		/* Only decompressed: the bytes are the signed ones, signature and all. */
		log_verbose("init_module(%zu bytes decompressed from %s, \"%s\")",
			    c->file.size, compression_name(c->file.comp), c->kernel_args);
		return sys_init_module(c->file.image, c->file.size, c->kernel_args);
	}
	r = image_copy(&img, &c->elf);
	if (!r && rename)
		r = image_rename(&img, c->opts->name);
	if (!r && c->opts->force) {
		image_strip_versions(&img);
		image_strip_vermagic(&img);
	}
	if (r) {
		*prepared = false;	/* reported already; the kernel saw nothing */
		image_release(&img);
		return r;
	}
	log_verbose("init_module(%zu bytes, changed by insmod%s%s, \"%s\")", img.len,
		    rename ? ": renamed" : "", c->opts->force ? ": version data stripped" : "",
		    c->kernel_args);
	r = sys_init_module(img.data, img.len, c->kernel_args);
	image_release(&img);
	return r;
}

int load_into_kernel(struct insmod_ctx *c)
{
	bool rename = c->opts->name && strcmp(c->opts->name, c->file_name) != 0;
	enum compression kernel_comp = kernel_compression(c->root);
	bool kernel_unpacks = c->file.comp == COMP_NONE || c->file.comp == kernel_comp;
	bool modified = false, prepared = true;
	struct kmsg_watch w;
	int r = -ENOSYS;

	if (rename && c->elf.signed_module)
		log_warn("renaming changes the module, so its signature no longer applies: "
			 "the kernel loads it as unsigned (and refuses it if it enforces signatures)");
	kmsg_watch_start(&w);
	if (!rename && kernel_unpacks)
		r = load_file_as_is(c, kernel_comp);
	if (r == -ENOSYS) {
		if (!rename && kernel_unpacks)
			log_verbose("finit_module is not available; using init_module");
		r = load_changed_image(c, &modified, &prepared);
	}
	if (r < 0 && prepared)
		r = report_failure(c, -r, modified, &w);
	kmsg_watch_stop(&w);
	if (r == 0)
		log_verbose("module '%s' loaded", c->name);
	return r;
}
