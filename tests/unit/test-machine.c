/* The architecture contract's shared parts: the table of machines, the
 * field accessors in both byte orders, and the range check's message. */
#include "arch/arch.h"
#include "machine.h"
#include "check.h"
#include "log.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

static void test_table(void)
{
	CHECK(arch_for_machine(EM_X86_64) == &arch_x86_64, "EM_X86_64 is linked by arch_x86_64");
	CHECK(arch_for_machine(EM_PPC64) == NULL, "EM_PPC64 has no arch file yet");
	CHECK_STR(machine_name(EM_386), "i386", "EM_386 is named i386");
	CHECK_STR(machine_name(0xfffe), "unknown", "an unknown e_machine is named unknown");
	CHECK(machine_by_uname("i686")->e_machine == EM_386, "uname i686 runs EM_386 modules");
	CHECK(machine_by_uname("armv7l")->e_machine == EM_ARM, "uname armv7l runs EM_ARM modules");
	CHECK(machine_by_uname("mips64")->is64 && !machine_by_uname("mips")->is64,
	      "mips64 and mips differ by class");
	CHECK(!machine_by_uname("ppc64le")->big_endian && machine_by_uname("ppc64")->big_endian,
	      "ppc64le and ppc64 differ by byte order");
	CHECK(machine_by_uname("ppc")->e_machine == EM_PPC, "uname ppc is 32-bit powerpc");
	CHECK(machine_by_uname("vax") == NULL, "an unknown uname has no entry");
	CHECK(machine_of_arch(&arch_aarch64)->is64 && machine_of_arch(&arch_i386)->is64 == false,
	      "each arch file's class comes from its entry");
	CHECK(machine_linked(EM_386)->era24 && !machine_linked(EM_AARCH64)->era24,
	      "the 2.4 linker takes i386, not aarch64");
}

static void test_byte_order(void)
{
	uint8_t b[8] = { 0 };
	struct reloc_ctx be = { .big_endian = true }, le = { .big_endian = false };

	put_be(b, 4, 0x11223344);
	CHECK(b[0] == 0x11 && b[3] == 0x44 && get_be(b, 4) == 0x11223344, "put_be/get_be, 4 bytes");
	put_be(b, 2, 0xabcd);
	CHECK(b[0] == 0xab && b[1] == 0xcd && get_be(b, 2) == 0xabcd, "put_be/get_be, 2 bytes");
	put_be(b, 8, 0x0102030405060708);
	CHECK(b[0] == 1 && b[7] == 8 && get_be(b, 8) == 0x0102030405060708, "put_be/get_be, 8 bytes");
	put_le(b, 8, 0x0102030405060708);
	CHECK(b[0] == 8 && b[7] == 1 && get_le(b, 8) == 0x0102030405060708, "put_le/get_le, 8 bytes");
	reloc_put(&be, b, 4, 0xa1b2c3d4);
	CHECK(b[0] == 0xa1 && reloc_get(&be, b, 4) == 0xa1b2c3d4 && reloc_get(&le, b, 4) == 0xd4c3b2a1,
	      "reloc_put/reloc_get follow the context's byte order");
}

/* The message the range check logs, captured through stderr. */
static int range_message(int64_t val, int64_t lo, int64_t hi, char *out, size_t size)
{
	struct reloc_ctx rc = { .arch = &arch_x86_64, .path = "m.ko" };
	struct reloc_site site = { .type = R_X86_64_32S, .offset = 0x10 };
	FILE *f = tmpfile();
	int saved = dup(2), r;
	size_t n;

	if (!f || saved < 0)
		return -EIO;
	fflush(stderr);
	dup2(fileno(f), 2);
	r = link_check_range(&rc, &site, val, lo, hi, NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	fclose(f);
	return r;
}

static void test_range(void)
{
	char msg[512];

	log_setup(LOG_TO_TERMINAL, 0, true);
	CHECK(range_message(-0x80, -0x80, 0x7f, msg, sizeof(msg)) == 0 && msg[0] == '\0',
	      "a value at the range's low end passes, silently");
	CHECK(range_message(0x80, -0x80, 0x7f, msg, sizeof(msg)) == -ENOEXEC &&
	      strstr(msg, "value 0x80 is out of range [-0x80, 0x7f] for the field"),
	      "a signed range is named in the message: %s", msg);
	CHECK(range_message(-1, 0, UINT32_MAX, msg, sizeof(msg)) == -ENOEXEC &&
	      strstr(msg, "value 0xffffffffffffffff is out of range [0, 0xffffffff]"),
	      "an unsigned range shows the value unsigned: %s", msg);
	CHECK(strstr(msg, "R_X86_64_32S at ?+0x10") != NULL, "the message names type and place: %s", msg);
}

int main(void)
{
	test_table();
	test_byte_order();
	test_range();
	return CHECK_DONE();
}
