/* The linker's driver: the architecture for a module, names for messages,
 * the linker's state set up and torn down around the steps.  The kernel's
 * symbols and checks are in link-resolve.c, the relocation driver in
 * link-reloc.c, the steps in order (one lane or two) in link-lanes.c;
 * layout in layout.c, the map in map.c, the blob in blob.c, and everything
 * that depends on the architecture in arch/. */
#include "link-steps.h"
#include "log.h"
#include "ksyms.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct arch_ops *arch_for_machine(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64: return &arch_x86_64;
	case EM_386: return &arch_i386;
	case EM_AARCH64: return &arch_aarch64;
	default: return NULL;
	}
}

/* ---- Names for messages ---------------------------------------------- */

const char *link_module_path(const struct linker *lk)
{
	return lk->job && lk->job->path ? lk->job->path : "module";
}

const char *link_symbol_name(const struct linker *lk, uint32_t sym)
{
	struct elf_symbol s;

	if (!lk->elf || sym >= lk->elf->nsymbols)
		return "?";
	elf_symbol(lk->elf, sym, &s);
	if (s.type == STT_SECTION && s.shndx < lk->elf->nsections)
		return lk->elf->sections[s.shndx].name;
	return s.name[0] ? s.name : "(unnamed)";
}

const char *link_judge(const struct linker *lk)
{
	return lk->job && lk->job->era24 ? "insmod" : "the kernel";
}

/* ---- Setup ------------------------------------------------------------- */

static int setup(struct linker *lk, const struct link_job *job)
{
	const struct elf_file *elf = job->elf;

	memset(lk, 0, sizeof(*lk));
	lk->job = job;
	lk->elf = elf;
	lk->arch = arch_for_machine(elf->machine);
	if (!lk->arch) {
		log_error("%s: the linker does not support %s modules (e_machine %u)", job->path,
			  elf_machine_name(elf->machine), elf->machine);
		return -ENOEXEC;
	}
	if (lk->arch->is64 != elf->is64 || lk->arch->big_endian != elf->big_endian) {
		log_error("%s: %s module with the wrong ELF class or byte order", job->path, lk->arch->name);
		return -ENOEXEC;
	}
	if (!elf->symtab) {
		log_error("%s: module has no symbols (stripped?)", job->path);
		return -ENOEXEC;
	}
	if (!elf->this_module) {
		log_error("%s: no .gnu.linkonce.this_module section: not a kernel module", job->path);
		return -ENOEXEC;
	}
	lk->base = job->have_base ? job->base : LINK_DEFAULT_BASE;
	lk->secs = calloc(elf->nsections, sizeof(*lk->secs));
	lk->symval = calloc(elf->nsymbols ? elf->nsymbols : 1, sizeof(*lk->symval));
	lk->symlost = calloc(elf->nsymbols ? elf->nsymbols : 1, 1);
	if (!lk->secs || !lk->symval || !lk->symlost)
		return -ENOMEM;
	for (size_t i = 0; i < elf->nsections; i++) {
		const struct elf_section *e = &elf->sections[i];

		lk->secs[i].type = e->type;
		lk->secs[i].flags = e->flags;
		lk->secs[i].size = e->size;
		lk->secs[i].align = e->addralign;
	}
	return 0;
}

static void teardown(struct linker *lk)
{
	if (lk->arch && lk->arch->release)
		lk->arch->release(lk);
	image_free(lk);
	free(lk->secs);
	free(lk->symval);
	free(lk->symlost);
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
	teardown(&lk);
	ksyms_release(&kt);
	return r;
}
