/* insmod: install a loadable module in the running kernel.
 *
 * main() reads the command line and runs the steps below in order; each
 * step logs its own failure and returns -errno, and only main() turns that
 * into an exit status (0 on success, 1 on any failure). */
#include "batch.h"
#include "insmod.h"
#include "link.h"
#include "lock.h"
#include "log.h"
#include "mod24.h"
#include "modinfo.h"
#include "param-limits.h"
#include "params.h"
#include "snapshot.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>


/* Options whose 2.4 mechanism has no counterpart in Linux 2.6+; said
 * once, however many modules --batch links. */
static void warn_inert_options(const struct insmod_opts *o)
{
	static bool said;
	const struct { bool set; const char *what; } list[] = {
		{ o->autoclean, "-k (autoclean: 2.6+ kernels unload nothing by themselves)" },
		{ o->kallsyms, "-S (2.6+ kernels keep every module's symbols in kallsyms already)" },
		{ o->export_all >= 0, "-x/-X (2.6+ modules export exactly what they declare)" },
		{ o->prefix != NULL, "-P (2.6+ kernels keep symbol versions in __versions, not in names)" },
	};

	if (said)
		return;
	said = true;
	for (size_t i = 0; i < ARRAY_SIZE(list); i++)
		if (list[i].set)
			log_quiet_warn("%s has no effect on this kernel", list[i].what);
}

/* A 2.4 module's symbol versions are part of its symbols' names
 * (printk_R1b7d4074): a mismatch is an unresolved symbol, which nothing
 * can force.  -f there forces the kernel version check alone. */
static void warn_modversion_24(const struct insmod_opts *o)
{
	static bool said;

	if (said || !o->force_modversion || o->force_vermagic)
		return;
	said = true;
	log_quiet_warn("--force-modversion has no effect on a 2.4 module (its symbol versions are part of "
		       "the symbol names); -f or --force-vermagic forces its kernel version check");
}

static int identify_kernel(struct insmod_ctx *c)
{
	struct utsname u;

	if (uname(&u) < 0) {
		log_error("uname: %s", strerror(errno));
		return -errno;
	}
	snprintf(c->machine, sizeof(c->machine), "%s", u.machine);
	snprintf(c->release, sizeof(c->release), "%s",
		 c->opts->release ? c->opts->release : u.release);
	return 0;
}

static int locate_module(struct insmod_ctx *c)
{
	int r = module_search(c->module, c->release, c->root, &c->found);

	if (r)
		return r;
	if (c->found.searched || log_is_verbose())
		log_verbose("Using %s", c->found.path);
	return 0;
}

/* A name with a module file's extension that is no file here: it was
 * taken as a path.  The hint names where the search would have looked,
 * as module_search() chooses: $MODPATH when set, else ROOT/lib/modules/
 * RELEASE (and its neighbours) or the path lines of modules.conf. */
static void hint_name_without_extension(const struct insmod_ctx *c)
{
	const char *modpath = getenv("MODPATH");
	static const char what[] = "(a name with a module file extension is taken as a path and is not "
				   "searched for: give the name without its extension to search";

	if (modpath && *modpath)
		log_error("%s MODPATH, %s)", what, modpath);
	else
		log_error("%s %s/lib/modules/%s, or where modules.conf's path lines say)", what, c->root,
			  c->release);
}

/* Open, check ownership, read: all on one descriptor. */
static int open_module(struct insmod_ctx *c)
{
	int r = module_file_open(&c->file, c->found.path);

	if (r == -ENOENT && !strchr(c->module, '/'))
		hint_name_without_extension(c);
	if (r)
		return r;
	r = check_ownership(c);
	if (!r)
		r = module_file_read(&c->file);
	if (!r)
		r = elf_parse(&c->elf, c->found.path, c->file.image, c->file.size);
	if (!r)
		c->have_elf = true;
	return r;
}

static int name_module(struct insmod_ctx *c)
{
	c->file_name = module_name(&c->elf);
	if (!c->file_name) {
		log_error("%s: module has no name (no .modinfo name= and no struct module)", c->found.path);
		return -ENOEXEC;
	}
	if (!c->opts->name && module_name_problem(c->file_name)) {
		log_error("%s: the module calls itself '%s' (.modinfo name=): %s; refused",
			  c->found.path, c->file_name, module_name_problem(c->file_name));
		return -EINVAL;
	}
	c->name = strdup(c->opts->name ? c->opts->name : c->file_name);
	return c->name ? 0 : -ENOMEM;
}

static int check_params(struct insmod_ctx *c)
{
	const struct elf_section *mi = c->elf.modinfo ? &c->elf.sections[c->elf.modinfo] : NULL;
	struct param_decl *decls = NULL;
	long n = 0;
	int r;

	if (mi && mi->data)
		n = params_collect_decls((const char *)mi->data, (size_t)mi->size, &decls);
	if (n < 0)
		return (int)n;
	r = params_check(decls, (size_t)n, c->opts->params, c->opts->nparams, c->name,
			 c->elf.is64, &c->params);
	free(decls);
	if (!r)
		r = params_check_limits(&c->elf, &c->params, c->found.path);
	if (r)
		return r;
	c->kernel_args = params_kernel_string(&c->params);
	if (!c->kernel_args)
		return -EINVAL;
	if (c->opts->nparams)
		log_verbose("parameters for the kernel: '%s'", c->kernel_args);
	return 0;
}

/* The user-space linker: a dry run (-n, -p), or after a real load the
 * map and blob of what the kernel did (-m, -O). */
static int link_module(struct insmod_ctx *c, bool after_load)
{
	const struct insmod_opts *o = c->opts;
	struct link_job job = {
		.path = c->found.path,
		.elf = &c->elf,
		.module_name = c->name,
		.release = c->release,
		.symbol_files = o->symbol_files,
		.nsymbol_files = o->nsymbol_files,
		.have_base = o->have_base,
		.base = o->base,
		.use_loaded_sections = after_load,
		.probe = o->probe,
		.map = o->map,
		.blob_path = o->probe ? NULL : c->batch_blob ? c->batch_blob : o->blob,
		.force_vermagic = o->force_vermagic,
		.force_modversion = o->force_modversion,
		.params = &c->params,
		.sysfs_root = c->root,
		.kernel = c->kernel,
		/* a dry run is done with the module's bytes once it is linked */
		.input = after_load ? NULL : &c->file,
		.last_job = !o->batch,
	};

	struct elf_file loaded;
	int r;

	if (!after_load && (r = load_dry_run_image(c)))	/* -n -Y: as a load would */
		return r;
	if (!c->loaded_image.data)
		return link_run(&job);
	/* insmod changed the image it loaded (or would): describe that one. */
	r = elf_parse(&loaded, c->found.path, c->loaded_image.data, c->loaded_image.len);
	if (r)
		return r;
	job.elf = &loaded;
	job.input = NULL;
	r = link_run(&job);
	elf_release(&loaded);
	return r;
}

/* --batch -O DIR: each module's blob is DIR/NAME.blob.  Two modules of
 * one name in one run would write the same file: the second is refused,
 * so that no blob is silently replaced by another module's. */
static void *batch_names;	/* tsearch() tree of the names written so far */

static int name_batch_blob(struct insmod_ctx *c)
{
	if (!c->opts->batch || !c->opts->blob || c->opts->probe)
		return 0;
	char *key = strdup(c->name), **seen;

	if (!key || asprintf(&c->batch_blob, "%s/%s.blob", c->opts->blob, c->name) < 0) {
		c->batch_blob = NULL;
		free(key);
		return -ENOMEM;
	}
	seen = tsearch(key, &batch_names, (int (*)(const void *, const void *))strcmp);
	if (!seen || *seen != key) {
		free(key);
		if (!seen)
			return -ENOMEM;
		log_error("%s: another module named '%s' was linked earlier in this batch; %s is not replaced",
			  c->found.path, c->name, c->batch_blob);
		return -EEXIST;
	}
	return 0;
}

static int run(struct insmod_ctx *c)
{
	const struct insmod_opts *o = c->opts;
	bool dry = o->noload || o->probe;
	int r;

	if ((r = identify_kernel(c)) || (r = locate_module(c)) || (r = open_module(c)))
		return r;
	if (o->batch && o->map)	/* each map under its module's path */
		log_output("%s:", c->found.path);
	if (mod24_is_old_object(&c->elf)) {	/* a 2.0/2.4-era object: its own steps (mod24.c) */
		if ((r = mod24_name_module(c)) || (dry && (r = name_batch_blob(c))) ||
		    (!dry && o->lock && (r = lock_module_name(LOCK_DIR, c->name, &c->lock_fd))))
			return r;
		warn_modversion_24(o);
		return mod24_main(c);
	}
	warn_inert_options(o);
	if (!dry && ((r = check_module_kind(c)) || (r = check_architecture(c))))
		return r;
	if ((r = name_module(c)))
		return r;
	if (dry && (r = name_batch_blob(c)))
		return r;
	if (dry)	/* the linker makes the kernel's own version checks */
		return (r = check_params(c)) ? r : link_module(c, false);
	if (o->lock && (r = lock_module_name(LOCK_DIR, c->name, &c->lock_fd)))
		return r;
	/* A module of that name already loaded is the kernel's EEXIST, said
	 * then (load.c): asking /sys beforehand cost every load a lookup. */
	if ((r = check_version(c)))
		return r;
	if ((r = check_params(c)))
		return r;
	warn_about_force(c);
	r = load_into_kernel(c);
	snapshot_take(SNAPSHOT_DIR, c->root);
	if (!r && (o->map || o->blob) && (r = link_module(c, true)))
		/* exit 1 stays, but the module is in the kernel: say so */
		log_error("module '%s' is loaded, but %s failed (see above)", c->name,
			  o->map && o->blob ? "printing its map (-m) or writing its blob (-O)"
			  : o->map ? "printing its map (-m)" : "writing its blob (-O)");
	return r;
}

static void release_ctx(struct insmod_ctx *c)
{
	free(c->batch_blob);
	image_release(&c->loaded_image);
	params_release(&c->params);
	free(c->kernel_args);
	free(c->name);
	free(c->file_name);
	if (c->have_elf)
		elf_release(&c->elf);
	module_file_close(&c->file);
	if (c->lock_fd >= 0)
		close(c->lock_fd);	/* releases -L's lock */
	search_result_release(&c->found);
}

static void init_ctx(struct insmod_ctx *c, const struct insmod_opts *o, const char *module)
{
	memset(c, 0, sizeof(*c));
	c->opts = o;
	c->module = module;
	c->root = "";
	c->file.fd = -1;
	c->lock_fd = -1;
}

static int run_one(const struct insmod_opts *o)
{
	struct insmod_ctx ctx;
	int r;

	init_ctx(&ctx, o, o->module);
	r = run(&ctx);
	if (free_at_exit())	/* else the exit does it, at once */
		release_ctx(&ctx);
	return r;
}

/* The kernel for --batch, from the same files one link would read:
 * --kernel-symbols, or the running (--kernel-release) kernel's. */
static int read_batch_kernel(const struct insmod_opts *o, struct link_kernel *k)
{
	struct insmod_ctx c;
	struct link_job job;
	int r;

	init_ctx(&c, o, NULL);
	if ((r = identify_kernel(&c)))
		return r;
	memset(&job, 0, sizeof(job));
	job.release = c.release;
	job.symbol_files = o->symbol_files;
	job.nsymbol_files = o->nsymbol_files;
	job.sysfs_root = c.root;
	return link_kernel_read(&job, k);
}

static int check_blob_directory(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		log_error("%s: %s", dir, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_error("%s: with --batch, -O names a directory for the blobs", dir);
		return -ENOTDIR;
	}
	return 0;
}

/* Each module of a batch in turn, from the arguments and standard input
 * ("-"); a failure is reported and the rest still run.  0 or -errno if
 * reading the paths failed. */
static int batch_modules(const struct insmod_opts *o, const struct link_kernel *kernel,
			 struct batch_report *rep)
{
	struct batch_input in;
	const char *module;
	bool fatal = false;
	bool dash = false;
	int k;

	for (size_t i = 0; i < o->nmodules; i++)
		dash |= strcmp(o->modules[i], "-") == 0;
	batch_input_start(&in, o->modules, o->nmodules);
	while (!fatal && (k = batch_input_next(&in, &module, &fatal)) != 0) {
		struct insmod_ctx ctx;

		if (k < 0) {	/* a line that is no path: said, a failure */
			batch_report_done(rep, NULL, -EINVAL);
			continue;
		}
		batch_report_next(rep, module, dash ? 0 : o->nmodules);
		init_ctx(&ctx, o, module);
		ctx.kernel = kernel;
		batch_report_done(rep, module, run(&ctx));
		release_ctx(&ctx);
	}
	return fatal ? -EIO : batch_input_finish(&in);
}

/* --batch: every module linked or probed in turn against one reading of
 * the symbols. */
static int run_batch(const struct insmod_opts *o)
{
	struct link_kernel kernel = { NULL, NULL };
	struct batch_report rep;
	int r;

	batch_report_start(&rep, o);
	r = o->blob && !o->probe ? check_blob_directory(o->blob) : 0;
	if (!r)
		r = read_batch_kernel(o, &kernel);
	if (!r)
		r = batch_modules(o, &kernel, &rep);
	batch_report_end(&rep);
	link_kernel_release(&kernel);
	tdestroy(batch_names, free);
	batch_names = NULL;
	return r ? r : rep.failed ? -EINVAL : 0;
}

/* Started with 0, 1 or 2 closed (by a daemon, an init system, `<&- >&-
 * 2>&-`), the next file opened would take that number: a -O blob could
 * become our stderr and receive warnings, /dev/stdout would name nothing.
 * Each closed one is opened on /dev/null first, as coreutils and kmod do;
 * if even that fails, nothing can be trusted and nothing is done. */
static bool open_standard_fds(void)
{
	static const char *const names[] = { "input", "output", "error" };

	/* one poll() tells which of the three are closed (POLLNVAL) */
	struct pollfd p[3] = { { .fd = 0 }, { .fd = 1 }, { .fd = 2 } };

	if (poll(p, 3, 0) < 0)
		return true;	/* cannot tell: as if open */
	for (int fd = 0; fd <= 2; fd++) {
		if (!(p[fd].revents & POLLNVAL))
			continue;
		int null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		int e = errno;

		if (null != fd) {
			if (null >= 0)
				close(null);
			/* reaches stderr only if it is open; then it is not a blob */
			fprintf(stderr, "insmod: standard %s is closed and /dev/null cannot be opened "
				"in its place (%s); nothing done\n", names[fd],
				null >= 0 ? "another descriptor was given" : strerror(e));
			return false;
		}
	}
	return true;
}

/* A map, a probe's answer or the help text lost to a full disk or a closed
 * pipe is a failure, said on stderr (coreutils' close_stdout does this). */
static int close_stdout(int status)
{
	bool failed = fflush(stdout) != 0 || ferror(stdout);
	int e = errno;

	if (fclose(stdout) != 0 && !failed) {
		failed = true;
		e = errno;
	}
	if (!failed)
		return status;
	fprintf(stderr, "insmod: write error on standard output: %s\n", strerror(e));
	return 1;
}

int main(int argc, char **argv)
{
	struct insmod_opts opts;
	int r;

	if (!open_standard_fds())
		return 1;
	switch (opts_parse(argc, argv, &opts)) {
	case OPTS_EXIT_OK:
		return close_stdout(0);
	case OPTS_EXIT_USAGE:
		opts_release(&opts);
		return close_stdout(1);
	case OPTS_RUN:
		break;
	}
	log_setup(opts.syslog ? LOG_TO_SYSLOG : LOG_TO_TERMINAL, opts.verbose, opts.quiet);
	if (opts.probe && (opts.map || opts.blob))
		log_warn("-p only says whether the module would load: %s not written",
			 opts.map && opts.blob ? "the map (-m) and the image (-O) are" :
			 opts.map ? "the map (-m) is" : "the image (-O) is");
	r = opts.batch ? run_batch(&opts) : run_one(&opts);
	opts_release(&opts);
	log_setup(LOG_TO_TERMINAL, 0, false);
	return close_stdout(r ? 1 : 0);
}
