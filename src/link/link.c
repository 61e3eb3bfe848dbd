/* The linker's driver: the architecture for a module, names for messages,
 * the linker's state set up and torn down around the steps.  The kernel's
 * symbols and checks are in link-resolve.c, the relocation driver in
 * link-reloc.c, the steps in order (one lane or two) in link-lanes.c;
 * layout in layout.c, the map in map.c, the blob in blob.c, and everything
 * that depends on the architecture in arch/. */
#include "link-steps.h"
#include "log.h"
#include "ksyms.h"
#include "machine.h"
#include "util.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- Names for messages ---------------------------------------------- */

const char *link_module_path(const struct reloc_ctx *rc)
{
	return rc->path ? rc->path : "module";
}

const char *link_symbol_name(const struct reloc_ctx *rc, uint32_t sym)
{
	struct elf_symbol s;

	if (!rc->elf || sym >= rc->elf->nsymbols)
		return "?";
	elf_symbol(rc->elf, sym, &s);
	if (s.type == STT_SECTION && s.shndx < rc->elf->nsections)
		return rc->elf->sections[s.shndx].name;
	return s.name[0] ? s.name : "(unnamed)";
}

const char *link_judge(const struct reloc_ctx *rc)
{
	return rc->era24 ? "insmod" : "the kernel";
}

/* ---- Setup ------------------------------------------------------------- */

/* The arch file for the module's machine, if its class and byte order
 * are the ones that machine's kernel loads. */
static int choose_arch(struct linker *lk, const struct elf_file *elf)
{
	const struct machine *m = machine_linked(elf->machine);

	if (!m) {
		log_error("%s: the linker does not support %s modules (e_machine %u)", lk->job->path,
			  machine_name(elf->machine), elf->machine);
		return -ENOEXEC;
	}
	if (m->is64 != elf->is64 || m->big_endian != elf->big_endian) {
		log_error("%s: %s module with the wrong ELF class or byte order", lk->job->path, m->name);
		return -ENOEXEC;
	}
	lk->rc.arch = m->arch;
	lk->rc.big_endian = elf->big_endian;
	return 0;
}

static int setup(struct linker *lk, const struct link_job *job)
{
	const struct elf_file *elf = job->elf;
	int r;

	memset(lk, 0, sizeof(*lk));
	lk->job = job;
	lk->rc.elf = elf;
	lk->rc.path = job->path;
	lk->rc.era24 = job->era24;
	r = choose_arch(lk, elf);
	if (r)
		return r;
	if (!elf->symtab) {
		log_error("%s: module has no symbols (stripped?)", job->path);
		return -ENOEXEC;
	}
	if (!elf->this_module) {
		log_error("%s: no .gnu.linkonce.this_module section: not a kernel module", job->path);
		return -ENOEXEC;
	}
	lk->base = job->have_base ? job->base : LINK_DEFAULT_BASE;
	lk->rc.secs = calloc(elf->nsections, sizeof(*lk->rc.secs));
	lk->rc.symval = calloc(elf->nsymbols ? elf->nsymbols : 1, sizeof(*lk->rc.symval));
	lk->rc.symlost = calloc(elf->nsymbols ? elf->nsymbols : 1, 1);
	if (!lk->rc.secs || !lk->rc.symval || !lk->rc.symlost)
		return -ENOMEM;
	for (size_t i = 0; i < elf->nsections; i++) {
		const struct elf_section *e = &elf->sections[i];

		lk->rc.secs[i].type = e->type;
		lk->rc.secs[i].flags = e->flags;
		lk->rc.secs[i].size = e->size;
		lk->rc.secs[i].align = e->addralign;
	}
	return 0;
}

static void teardown(struct linker *lk)
{
	if (lk->rc.arch && lk->rc.arch->release)
		lk->rc.arch->release(&lk->rc);
	image_free(lk);
	free(lk->rc.secs);
	free(lk->rc.symval);
	free(lk->rc.symlost);
}

int link_run(const struct link_job *job)
{
	struct linker lk;
	struct ksym_table kt;
	struct symbols_job reading = { job, &kt };
	int r;

	ksyms_init(&kt);
	r = setup(&lk, job);
	if (!r)
		r = job->kernel ? link_steps(&lk, job->kernel->symbols, NULL) : link_steps(&lk, &kt, &reading);
	if (r == -ENOMEM)
		log_error("%s: out of memory", job->path);
	if (!job->last_job || free_at_exit()) {
		teardown(&lk);
		ksyms_release(&kt);
	}
	return r;
}
