/* Option table and help text.  The options are the original insmod's, as
 * its manual page lists them; a few long-only ones are ours (the linker's
 * symbol source and load address). */
#include "opts.h"
#include "util.h"
#include "version.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_KERNEL_SYMBOLS = 0x100,
	OPT_KERNEL_RELEASE,
	OPT_BASE,
	OPT_BATCH,
	OPT_FORCE_VERMAGIC,
	OPT_FORCE_MODVERSION,
};

/* The leading ':' makes getopt return ':' for a missing argument and print
 * nothing (with opterr = 0): its own messages name the program by its
 * full path (argv[0]); ours say "insmod:" as every other message does. */
static const char short_options[] = ":fhkLmnpqrsSvVxXyYo:O:P:";
static char bad_option[64];	/* the option getopt found wrong, for the message */

// clang-format off
static const struct option long_options[] = {
	{ "force",          no_argument,       NULL, 'f' },
	{ "help",           no_argument,       NULL, 'h' },
	{ "autoclean",      no_argument,       NULL, 'k' },
	{ "lock",           no_argument,       NULL, 'L' },
	{ "map",            no_argument,       NULL, 'm' },
	{ "noload",         no_argument,       NULL, 'n' },
	{ "probe",          no_argument,       NULL, 'p' },
	{ "poll",           no_argument,       NULL, 'p' },	/* the original's old name */
	{ "quiet",          no_argument,       NULL, 'q' },
	{ "root",           no_argument,       NULL, 'r' },
	{ "syslog",         no_argument,       NULL, 's' },
	{ "kallsyms",       no_argument,       NULL, 'S' },
	{ "verbose",        no_argument,       NULL, 'v' },
	{ "version",        no_argument,       NULL, 'V' },
	{ "export",         no_argument,       NULL, 'X' },
	{ "noexport",       no_argument,       NULL, 'x' },
	{ "ksymoops",       no_argument,       NULL, 'Y' },
	{ "noksymoops",     no_argument,       NULL, 'y' },
	{ "name",           required_argument, NULL, 'o' },
	{ "blob",           required_argument, NULL, 'O' },
	{ "prefix",         required_argument, NULL, 'P' },
	{ "kernel-symbols", required_argument, NULL, OPT_KERNEL_SYMBOLS },
	{ "kernel-release", required_argument, NULL, OPT_KERNEL_RELEASE },
	{ "base",           required_argument, NULL, OPT_BASE },
	{ "batch",          no_argument,       NULL, OPT_BATCH },
	{ "force-vermagic", no_argument,       NULL, OPT_FORCE_VERMAGIC },
	{ "force-modversion", no_argument,     NULL, OPT_FORCE_MODVERSION },
	{ NULL, 0, NULL, 0 },
};
// clang-format on

static const char usage_text[] =
	"usage: insmod [-fhkLmnpqrsSvVxXyY] [-o module_name] [-O blob_name] [-P prefix]\n"
	"              module [symbol=value ...]\n"
	"       insmod --batch -n|-p [-mqv] [-O directory] module|- ...\n";

static const char help_text[] =
	"\n"
	"Install a loadable module in the running kernel.  MODULE is a path, or a bare\n"
	"name searched for in MODPATH, the configuration file's path lines, or\n"
	"/lib/modules.  Each symbol=value word sets one module parameter.\n"
	"\n"
	"Options:\n"
	"  -f, --force        load even if the module was built for another kernel\n"
	"                     version: both --force-vermagic and --force-modversion\n"
	"                     (the kernel is tainted)\n"
	"  -h, --help         print this help and exit\n"
	"  -k, --autoclean    2.4 kernels: mark the module for autoclean (no effect on 2.6+)\n"
	"  -L, --lock         lock /run/insmod/NAME.lock so that concurrent loads of the\n"
	"                     module take turns; finding it already loaded then counts\n"
	"                     as success\n"
	"  -m, --map          print a load map (sections and symbols) on stdout\n"
	"  -n, --noload       do everything but load: link at 0x12340000 (or --base)\n"
	"  -p, --probe        check that the module would load: find it, check versions\n"
	"                     and resolve symbols; nothing is loaded or written\n"
	"  -q, --quiet        do not list unresolved symbols or version mismatches;\n"
	"                     the exit status still tells\n"
	"  -r, --root         toggle the check that a module found by searching is owned\n"
	"                     by root and writable by nobody else (on by default)\n"
	"  -s, --syslog       send every message to syslog instead of the terminal\n"
	"  -S, --kallsyms     2.4 kernels: add kallsyms data (no effect on 2.6+)\n"
	"  -v, --verbose      say what is being done\n"
	"  -V, --version      print the version and the compiled-in features, and exit\n"
	"  -X, --export       2.4 kernels: export all external symbols (no effect on 2.6+)\n"
	"  -x, --noexport     2.4 kernels: export no symbols (no effect on 2.6+)\n"
	"  -Y, --ksymoops     add the __insmod_ ksymoops symbols\n"
	"  -y, --noksymoops   do not add ksymoops symbols\n"
	"  -o, --name=NAME    load the module under another name\n"
	"  -O, --blob=FILE    write the relocated image, exactly as loaded, to FILE\n"
	"  -P, --prefix=PFX   symbol version prefix for 2.4 versioned modules\n"
	"      --kernel-symbols=FILE  link against this symbol table (kallsyms,\n"
	"                     ksyms, System.map or Module.symvers) instead of the\n"
	"                     running kernel's; repeatable\n"
	"      --kernel-release=VER   check against and search under release VER\n"
	"                     instead of the running kernel's\n"
	"      --base=ADDR    load address for -n (default 0x12340000)\n"
	"      --force-vermagic    ignore the module's version magic (the kernel\n"
	"                     version it was built for); 2.4 modules: the kernel\n"
	"                     version check.  Taints the kernel\n"
	"      --force-modversion  ignore the module's symbol versions (CRCs); no\n"
	"                     effect on 2.4 modules.  Taints the kernel\n"
	"      --batch        link (-n) or probe (-p) every MODULE given, against one\n"
	"                     reading of the kernel's symbols; no parameters; -O names\n"
	"                     a directory that receives NAME.blob for each module;\n"
	"                     - reads module paths from standard input, one a line.\n"
	"                     A progress line on a terminal after the first second;\n"
	"                     a closing count (\"N linked, N failed, in T s\"); with\n"
	"                     -q, only one line for each module that fails.  Exit\n"
	"                     status 1 if any module fails\n"
	"\n"
	"Environment: MODPATH (module directories, %s = kernel release), MODULECONF\n"
	"(configuration file, default /etc/modules.conf), INSMOD_CACHE_DIR (where the\n"
	"indexes of large symbol files go, default ~/.cache/insmod; empty: none).\n"
	"Exit status: 0 on success, 1 on any failure.  See insmod(8).\n";

static void usage_error(const char *why, const char *arg)
{
	if (why)
		fprintf(stderr, "insmod: %s%s%s\n", why, arg ? ": " : "", arg ? arg : "");
	fputs(usage_text, stderr);
	fputs("Try 'insmod --help' for more information.\n", stderr);
}

static int parse_address(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		return -EINVAL;
	*out = v;
	return 0;
}

static int add_symbol_file(struct insmod_opts *o, const char *file)
{
	const char **v = realloc(o->symbol_files, (o->nsymbol_files + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	v[o->nsymbol_files++] = file;
	o->symbol_files = v;
	return 0;
}

static void set_defaults(struct insmod_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->root_check = true;
	o->export_all = -1;
	o->ksymoops = -1;
}

/* Applies one option; returns OPTS_RUN to go on. */
static enum opts_result apply_option(struct insmod_opts *o, int c)
{
	switch (c) {
	case 'f': o->force_vermagic = o->force_modversion = true; break;
	case OPT_FORCE_VERMAGIC: o->force_vermagic = true; break;
	case OPT_FORCE_MODVERSION: o->force_modversion = true; break;
	case 'k': o->autoclean = true; break;
	case 'L': o->lock = true; break;
	case 'm': o->map = true; break;
	case 'n': o->noload = true; break;
	case 'p': o->probe = true; break;
	case 'q': o->quiet = true; break;
	case 'r': o->root_check = !o->root_check; break;	/* a toggle, as in the original */
	case 's': o->syslog = true; break;
	case 'S': o->kallsyms = true; break;
	case 'v': o->verbose++; break;
	case 'X': o->export_all = 1; break;
	case 'x': o->export_all = 0; break;
	case 'Y': o->ksymoops = 1; break;
	case 'y': o->ksymoops = 0; break;
	case 'o': o->name = optarg; break;
	case 'O': o->blob = optarg; break;
	case 'P': o->prefix = optarg; break;
	case OPT_KERNEL_RELEASE: o->release = optarg; break;
	case OPT_BATCH: o->batch = true; break;
	case OPT_KERNEL_SYMBOLS:
		if (add_symbol_file(o, optarg)) {
			fputs("insmod: out of memory\n", stderr);
			return OPTS_EXIT_USAGE;
		}
		break;
	case OPT_BASE:
		if (parse_address(optarg, &o->base)) {
			usage_error("--base needs an address such as 0x12340000, not", optarg);
			return OPTS_EXIT_USAGE;
		}
		o->have_base = true;
		break;
	case 'h':
		fputs(usage_text, stdout);
		fputs(help_text, stdout);
		return OPTS_EXIT_OK;
	case 'V':
		print_version();
		return OPTS_EXIT_OK;
	default:
		usage_error("unknown option", bad_option);
		return OPTS_EXIT_USAGE;
	}
	return OPTS_RUN;
}

/* The word getopt stopped at, argv[optind - 1] as glibc leaves it.  After
 * an option that lacks its argument musl leaves optind past argc and, when
 * it has moved operands behind the options, a NULL before them: the word
 * is then the last one before that. */
static const char *stopped_at(int argc, char **argv)
{
	int i = (optind <= argc ? optind : argc) - 1;

	while (i > 0 && !argv[i])
		i--;
	return argv[i];
}

static void describe_bad_option(int argc, char **argv, int c)
{
	const char *word;

	if (c != '?' && c != ':')
		return;
	word = stopped_at(argc, argv);
	if (strncmp(word, "--", 2) != 0 && optopt > ' ' && optopt < 127)
		snprintf(bad_option, sizeof(bad_option), "-%c", optopt);
	else	/* a long option: the word itself, without its =value */
		snprintf(bad_option, sizeof(bad_option), "%.*s", (int)strcspn(word, "="), word);
}

/* --batch only links or probes, and gives every module its own name. */
static enum opts_result batch_arguments(struct insmod_opts *o, char **args, size_t n)
{
	if (!o->noload && !o->probe) {
		usage_error("--batch links or probes without loading: give -n or -p", NULL);
		return OPTS_EXIT_USAGE;
	}
	if (o->name) {
		usage_error("--batch cannot give every module the same name (-o)", o->name);
		return OPTS_EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++)
		if (strchr(args[i], '=') && !strchr(args[i], '/') && access(args[i], F_OK) != 0) {
			usage_error("--batch takes modules only, no parameters (symbol=value)", args[i]);
			return OPTS_EXIT_USAGE;
		}
	o->modules = args;
	o->nmodules = n;
	return OPTS_RUN;
}

enum opts_result opts_parse(int argc, char **argv, struct insmod_opts *o)
{
	int c;

	set_defaults(o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		enum opts_result r;

		describe_bad_option(argc, argv, c);
		if (c == ':') {
			usage_error("option needs an argument", bad_option);
			return OPTS_EXIT_USAGE;
		}
		r = apply_option(o, c);

		if (r != OPTS_RUN)
			return r;
	}
	if (optind >= argc) {
		usage_error("no module given", NULL);
		return OPTS_EXIT_USAGE;
	}
	if (o->name && module_name_problem(o->name)) {
		char why[128];

		snprintf(why, sizeof(why), "-o '%s': %s", o->name, module_name_problem(o->name));
		usage_error(why, NULL);
		return OPTS_EXIT_USAGE;
	}
	o->module = argv[optind];
	if (o->batch)
		return batch_arguments(o, argv + optind, (size_t)(argc - optind));
	o->params = argv + optind + 1;
	o->nparams = (size_t)(argc - optind - 1);
	return OPTS_RUN;
}

void opts_release(struct insmod_opts *o)
{
	free(o->symbol_files);
	o->symbol_files = NULL;
}
