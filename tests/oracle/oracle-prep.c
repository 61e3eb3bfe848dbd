/* Prepares a module for the GNU ld oracle; independent of insmod's own code.
 *
 *   oracle-prep MODULE.ko MAP OUT.o OUT.ld
 *
 * GNU ld places input sections by name, and a module may hold several
 * sections of one name; ld also merges SHF_MERGE sections, which the kernel
 * does not.  So OUT.o is MODULE.ko with every SHF_ALLOC section renamed
 * "S<index>" (a new section name table is appended to the file) and
 * SHF_MERGE/SHF_STRINGS cleared, and OUT.ld is a linker script that puts
 * each section at the address insmod's load map (MAP, from -m) gives it and
 * discards the rest.  Sections of the map are matched to section indexes by
 * name, lowest unassigned index first (insmod keeps index order within one
 * kind of section). */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *img;
static size_t img_size;
static int is64;

static uint64_t rd(size_t off, unsigned n)
{
	uint64_t v = 0;

	if (off + n > img_size) {
		fprintf(stderr, "oracle-prep: truncated file\n");
		exit(2);
	}
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)img[off + i] << (8 * i);
	return v;
}

static void wr(size_t off, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		img[off + i] = (uint8_t)(v >> (8 * i));
}

static size_t shoff, shentsize, shnum, shstrndx;

static size_t sh(size_t i) { return shoff + i * shentsize; }
static uint64_t sh_name(size_t i) { return rd(sh(i), 4); }
static uint64_t sh_flags(size_t i) { return rd(sh(i) + 8, is64 ? 8 : 4); }
static void set_flags(size_t i, uint64_t f) { wr(sh(i) + 8, is64 ? 8 : 4, f); }
static uint64_t sh_offset(size_t i) { return rd(sh(i) + (is64 ? 24 : 16), is64 ? 8 : 4); }
static uint64_t sh_size(size_t i) { return rd(sh(i) + (is64 ? 32 : 20), is64 ? 8 : 4); }

static uint8_t *read_file(const char *path, size_t *size, size_t extra)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		perror(path);
		exit(2);
	}
	p = malloc((size_t)n + extra + 1);
	if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(2);
	}
	fclose(f);
	*size = (size_t)n;
	return p;
}

int main(int argc, char **argv)
{
	char line[1024], *names;
	size_t strsz, newsz, namesz, *assigned;
	FILE *map, *out, *ld;
	int in_sections = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: oracle-prep MODULE.ko MAP OUT.o OUT.ld\n");
		return 2;
	}
	img = read_file(argv[1], &img_size, 0);
	if (img_size < 64 || memcmp(img, ELFMAG, SELFMAG) || img[EI_DATA] != ELFDATA2LSB) {
		fprintf(stderr, "%s: not a little-endian ELF file\n", argv[1]);
		return 2;
	}
	is64 = img[EI_CLASS] == ELFCLASS64;
	shoff = rd(is64 ? 40 : 32, is64 ? 8 : 4);
	shentsize = rd(is64 ? 58 : 46, 2);
	shnum = rd(is64 ? 60 : 48, 2);
	shstrndx = rd(is64 ? 62 : 50, 2);
	strsz = sh_size(shstrndx);

	/* new name table: the old one, then "S<i>" for every allocated section */
	names = malloc(strsz + shnum * 12);
	assigned = calloc(shnum, sizeof(*assigned));
	memcpy(names, img + sh_offset(shstrndx), strsz);
	namesz = strsz;
	for (size_t i = 1; i < shnum; i++) {
		uint64_t fl = sh_flags(i);

		if (!(fl & SHF_ALLOC))
			continue;
		set_flags(i, fl & ~(uint64_t)(SHF_MERGE | SHF_STRINGS));
		assigned[i] = namesz;	/* remember where the new name goes */
		namesz += (size_t)sprintf(names + namesz, "S%zu", i) + 1;
	}

	/* the script, matching map lines to sections by their old names */
	map = fopen(argv[2], "r");
	ld = fopen(argv[4], "w");
	if (!map || !ld) {
		perror("oracle-prep");
		return 2;
	}
	fprintf(ld, "SECTIONS\n{\n");
	while (fgets(line, sizeof(line), map)) {
		char name[512];
		unsigned long long size, addr;

		if (!strncmp(line, "Sections:", 9)) {
			in_sections = 1;
			continue;
		}
		if (!in_sections)
			continue;
		if (line[0] == '\n')
			break;
		if (sscanf(line, "%511s %llx %llx", name, &size, &addr) != 3)
			continue;
		for (size_t i = 1; i < shnum; i++) {
			if (!assigned[i] || sh_name(i) >= strsz ||
			    strcmp((char *)img + sh_offset(shstrndx) + sh_name(i), name))
				continue;
			fprintf(ld, "  .o%zu 0x%llx : { *(S%zu) }\n", i, addr, i);
			assigned[i] = 0;	/* used */
			break;
		}
	}
	/* the allocated sections the map leaves out (.modinfo, __versions),
	 * named, for linkers that will not discard everything with *(*) */
	fprintf(ld, "  /DISCARD/ : {");
	for (size_t i = 1; i < shnum; i++)
		if (assigned[i])
			fprintf(ld, " *(S%zu)", i);
	fprintf(ld, " *(*) }\n}\n");
	fclose(ld);
	fclose(map);

	/* rename in the headers, append the table */
	newsz = img_size;
	{
		size_t k = strsz;

		for (size_t i = 1; i < shnum; i++) {
			if (!(sh_flags(i) & SHF_ALLOC))
				continue;
			wr(sh(i), 4, k);
			k += strlen(names + k) + 1;
		}
	}
	wr(sh(shstrndx) + (is64 ? 24 : 16), is64 ? 8 : 4, newsz);
	wr(sh(shstrndx) + (is64 ? 32 : 20), is64 ? 8 : 4, namesz);
	out = fopen(argv[3], "wb");
	if (!out || fwrite(img, 1, img_size, out) != img_size || fwrite(names, 1, namesz, out) != namesz ||
	    fclose(out)) {
		perror(argv[3]);
		return 2;
	}
	return 0;
}
