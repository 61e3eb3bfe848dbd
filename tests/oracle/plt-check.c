/* Checks, by decoding, that every arm64 branch relocation (JUMP26, CALL26)
 * of a linked module reaches its target, directly or through a PLT entry
 * (adrp x16 / add x16 / br x16).  Independent of insmod's own code: it
 * reads the module's ELF, insmod's load map (-m), the blob (-O) and the
 * symbol file itself.
 *
 *   plt-check MODULE.ko MAP BLOB KALLSYMS     -> one PASS:/FAIL: line */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		perror(path);
		exit(2);
	}
	p = malloc((size_t)n + 1);
	if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(2);
	}
	fclose(f);
	*size = (size_t)n;
	return p;
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static int64_t sext(uint64_t v, unsigned bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

struct ksym { char *name; uint64_t addr; };
static struct ksym *ks;
static size_t nks;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct ksym *)a)->name, ((const struct ksym *)b)->name);
}

static void read_kallsyms(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024], name[512], type;
	unsigned long long addr;
	size_t cap = 0;

	if (!f) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %511s", &addr, &type, name) != 3)
			continue;
		if (nks == cap)
			ks = realloc(ks, (cap = cap ? cap * 2 : 4096) * sizeof(*ks));
		ks[nks].name = strdup(name);
		ks[nks++].addr = addr;
	}
	fclose(f);
	qsort(ks, nks, sizeof(*ks), by_name);
}

int main(int argc, char **argv)
{
	size_t ksz, bsz, nsec, symsz;
	uint8_t *ko, *blob;
	const uint8_t *sh, *names, *syms, *strs;
	uint64_t *addr, base = 0;
	int *placed;
	char line[1024];
	FILE *map;
	int in = 0, first = 1;
	unsigned direct = 0, via_plt = 0, bad = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: plt-check MODULE.ko MAP BLOB KALLSYMS\n");
		return 2;
	}
	ko = read_file(argv[1], &ksz);
	blob = read_file(argv[3], &bsz);
	read_kallsyms(argv[4]);
	sh = ko + le(ko + 40, 8);
	nsec = le(ko + 60, 2);
	names = ko + le(sh + 64 * le(ko + 62, 2) + 24, 8);
	addr = calloc(nsec, sizeof(*addr));
	placed = calloc(nsec, sizeof(*placed));

	map = fopen(argv[2], "r");
	while (map && fgets(line, sizeof(line), map)) {
		char name[512];
		unsigned long long size, a;

		if (!strncmp(line, "Sections:", 9)) { in = 1; continue; }
		if (!in) continue;
		if (line[0] == '\n') break;
		if (sscanf(line, "%511s %llx %llx", name, &size, &a) != 3) continue;
		if (first) { base = a; first = 0; }
		for (size_t i = 1; i < nsec; i++) {
			const uint8_t *s = sh + 64 * i;

			if (placed[i] || !(le(s + 8, 8) & SHF_ALLOC) ||
			    strcmp((const char *)names + le(s, 4), name))
				continue;
			placed[i] = 1;
			addr[i] = a;
			break;
		}
	}
	if (map)
		fclose(map);

	syms = strs = NULL;
	symsz = 0;
	for (size_t i = 1; i < nsec; i++) {
		const uint8_t *s = sh + 64 * i;

		if (le(s + 4, 4) == SHT_SYMTAB) {
			syms = ko + le(s + 24, 8);
			symsz = le(s + 32, 8);
			strs = ko + le(sh + 64 * le(s + 40, 4) + 24, 8);
		}
	}
	for (size_t i = 1; i < nsec && syms; i++) {
		const uint8_t *s = sh + 64 * i;
		size_t target = le(s + 44, 4), n = le(s + 32, 8) / 24;
		const uint8_t *r = ko + le(s + 24, 8);

		if (le(s + 4, 4) != SHT_RELA || target >= nsec || !placed[target] ||
		    !(le(sh + 64 * target + 8, 8) & SHF_EXECINSTR))
			continue;
		for (size_t k = 0; k < n; k++, r += 24) {
			uint64_t off = le(r, 8), info = le(r + 8, 8), P, S, want, T;
			int64_t A = (int64_t)le(r + 16, 8);
			uint32_t type = (uint32_t)info, insn;
			const uint8_t *sym = syms + 24 * (info >> 32);
			uint16_t shndx;

			if (type != R_AARCH64_JUMP26 && type != R_AARCH64_CALL26)
				continue;
			if ((size_t)(info >> 32) * 24 >= symsz) { bad++; continue; }
			shndx = (uint16_t)le(sym + 6, 2);
			if (shndx == SHN_UNDEF) {
				struct ksym key = { (char *)strs + le(sym, 4), 0 }, *f;

				f = bsearch(&key, ks, nks, sizeof(*ks), by_name);
				S = f ? f->addr : 0;
			} else {
				S = addr[shndx] + le(sym + 8, 8);
			}
			want = S + (uint64_t)A;
			P = addr[target] + off;
			insn = (uint32_t)le(blob + (P - base), 4);
			T = P + (uint64_t)(sext(insn & 0x3ffffff, 26) * 4);
			if ((insn & 0x7c000000) != 0x14000000) {
				bad++;
				fprintf(stderr, "not a branch at 0x%llx\n", (unsigned long long)P);
				continue;
			}
			if (T == want) {
				direct++;
				continue;
			}
			if (T < base || T + 12 > base + bsz) { bad++; continue; }
			{
				uint32_t adrp = (uint32_t)le(blob + (T - base), 4);
				uint32_t add = (uint32_t)le(blob + (T - base) + 4, 4);
				uint32_t br = (uint32_t)le(blob + (T - base) + 8, 4);
				uint64_t imm = ((adrp >> 29) & 3) | ((uint64_t)((adrp >> 5) & 0x7ffff) << 2);
				uint64_t dest = (T & ~0xfffull) + (uint64_t)(sext(imm, 21) * 4096) + ((add >> 10) & 0xfff);

				if ((adrp & 0x9f00001f) != 0x90000010 || (add & 0xffc003ff) != 0x91000210 ||
				    br != 0xd61f0200 || dest != want) {
					bad++;
					fprintf(stderr, "branch at 0x%llx reaches 0x%llx, not 0x%llx\n",
						(unsigned long long)P, (unsigned long long)dest,
						(unsigned long long)want);
					continue;
				}
				via_plt++;
			}
		}
	}
	if (bad)
		printf("FAIL: arm64 %s: %u branches miss their targets\n", argv[1], bad);
	else
		printf("PASS: arm64 %s: %u branches reach their targets, %u of them through PLT entries\n",
		       strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1], direct + via_plt, via_plt);
	return 0;
}
