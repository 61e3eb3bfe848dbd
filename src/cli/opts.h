/* The command line: what the user asked for, and nothing else. */
#ifndef INSMOD_OPTS_H
#define INSMOD_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct insmod_opts {
	const char *module;		/* the module argument as typed */
	char **params;			/* symbol=value words after it */
	size_t nparams;

	/* -f is both; each alone is one of the kernel's two checks
	 * (MODULE_INIT_IGNORE_VERMAGIC, MODULE_INIT_IGNORE_MODVERSIONS). */
	bool force_vermagic;		/* --force-vermagic */
	bool force_modversion;		/* --force-modversion */
	bool autoclean;			/* -k */
	bool lock;			/* -L */
	bool map;			/* -m */
	bool noload;			/* -n */
	bool probe;			/* -p */
	bool quiet;			/* -q */
	bool root_check;		/* on unless -r toggles it off */
	bool syslog;			/* -s */
	bool kallsyms;			/* -S */
	int verbose;			/* -v, repeatable */
	int export_all;			/* -X 1, -x 0, unset -1 */
	int ksymoops;			/* -Y 1, -y 0, unset -1 */
	const char *name;		/* -o */
	const char *blob;		/* -O */
	const char *prefix;		/* -P */

	/* Our own additions, for the linker and for tests. */
	const char **symbol_files;	/* --kernel-symbols=FILE, repeatable */
	size_t nsymbol_files;
	const char *release;		/* --kernel-release=VER */
	bool have_base;			/* --base=ADDR */
	uint64_t base;
	bool batch;			/* --batch: every argument is a module */
	char **modules;			/* with --batch: all of them (module is the first) */
	size_t nmodules;
};

enum opts_result { OPTS_RUN, OPTS_EXIT_OK, OPTS_EXIT_USAGE };

/* Parses argv into *o.  Prints --help/--version to stdout and usage errors
 * to stderr itself (this is the one place that owns the terminal before
 * logging is set up). */
enum opts_result opts_parse(int argc, char **argv, struct insmod_opts *o);
void opts_release(struct insmod_opts *o);

#endif
