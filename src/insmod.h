/* The state one run of insmod carries from step to step, in the spirit of
 * the kernel's struct load_info: every step reads what the earlier ones
 * established and adds its own part. */
#ifndef INSMOD_INSMOD_H
#define INSMOD_INSMOD_H

#include <stdbool.h>

#include "elf.h"
#include "file.h"
#include "image.h"
#include "link.h"
#include "opts.h"
#include "params.h"
#include "search.h"

struct insmod_ctx {
	const struct insmod_opts *opts;
	char release[65];		/* uname -r, or --kernel-release */
	char machine[65];		/* uname -m */
	const char *root;		/* prefix for /sys, /proc, /lib/modules: always "" in the
				 * command; unit tests give their own */

	const char *module;		/* the module argument: opts->module, or one of --batch's */
	const struct link_kernel *kernel;	/* --batch: the kernel, read once for all */
	char *batch_blob;		/* --batch -O DIR: DIR/NAME.blob */
	struct search_result found;	/* the module file's path */
	struct module_file file;	/* open, read */
	int lock_fd;			/* -L: the lock on the module's name, or -1 */
	struct elf_file elf;		/* parsed */
	bool have_elf;
	char *name;			/* the name it will have (after -o) */
	char *file_name;		/* the name it carries in the file */
	struct param_set params;
	char *kernel_args;		/* what init_module will receive */
	bool version_mismatch;		/* vermagic names another release */
	bool vermagic_deferred;		/* same release: the rest is judged after a refusal */
	/* The image init_module received when insmod changed it (renamed,
	 * ksymoops symbols, stripped); data is NULL when the file went in as
	 * it is.  -m and -O after a load describe this one. */
	struct module_image loaded_image;
};

/* checks.c: before the kernel sees anything.  Each logs and returns
 * 0 or -errno. */
int check_ownership(const struct insmod_ctx *c);
int check_module_kind(const struct insmod_ctx *c);
int check_architecture(const struct insmod_ctx *c);
int check_version(struct insmod_ctx *c);
/* After the kernel refused a load whose version check was deferred: the
 * full check's message, and true, when the version magic is why. */
bool check_version_after_refusal(struct insmod_ctx *c);
/* 1 if a module of that name is live, 0 if not. */
int module_is_loaded(const struct insmod_ctx *c, const char *name);
void warn_about_force(const struct insmod_ctx *c);

/* load.c: into the kernel.  0 or -errno (already reported). */
int load_into_kernel(struct insmod_ctx *c);
/* load.c: for a dry run with -Y, the image a load would hand the kernel
 * (ksymoops symbols added) in c->loaded_image, so that -m shows them.
 * 0 (loaded_image.data NULL when -Y is not given) or -errno. */
int load_dry_run_image(struct insmod_ctx *c);

#endif
