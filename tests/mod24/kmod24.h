/* A minimal stand-in for the Linux 2.4 module headers, for building test
 * modules of that era with today's gcc (no kernel tree needed).
 *
 * It produces what 2.4's <linux/module.h> put into an object file:
 * .modinfo strings (kernel_version=, using_checksums=, parm_NAME=TYPE,
 * parm_desc_NAME=, license=), and for EXPORT_SYMBOL a __ksymtab entry
 * { value, name } with the name in .kstrtab.  Written for these tests;
 * only the object-file format matters, not the kernel's types. */
#ifndef KMOD24_H
#define KMOD24_H

#ifndef UTS_RELEASE
#define UTS_RELEASE "2.4.20"
#endif

#define KMOD24_CAT2(a, b) a##b
#define KMOD24_CAT(a, b) KMOD24_CAT2(a, b)
#define KMOD24_STR(x) #x
#define KMOD24_UNIQUE(p) KMOD24_CAT(p, __LINE__)

/* Each .modinfo string is its own unused, section-placed array. */
#define KMOD24_MODINFO(text)                                                  \
	static const char KMOD24_UNIQUE(__modinfo_)[]                         \
		__attribute__((section(".modinfo"), used)) = text

#define MODULE_KERNEL_VERSION() KMOD24_MODINFO("kernel_version=" UTS_RELEASE)
#define MODULE_USING_CHECKSUMS() KMOD24_MODINFO("using_checksums=1")
#define MODULE_LICENSE(l) KMOD24_MODINFO("license=" l)
#define MODULE_AUTHOR(a) KMOD24_MODINFO("author=" a)
#define MODULE_PARM(var, type) KMOD24_MODINFO("parm_" #var "=" type)
#define MODULE_PARM_DESC(var, d) KMOD24_MODINFO("parm_desc_" #var "=" d)

/* struct module_symbol of 2.4: two unsigned longs. */
struct kmod24_symbol {
	unsigned long value;
	const char *name;
};

#define EXPORT_SYMBOL(sym)                                                    \
	static const char __kstrtab_##sym[]                                   \
		__attribute__((section(".kstrtab"), used)) = #sym;            \
	static const struct kmod24_symbol __ksymtab_##sym                     \
		__attribute__((section("__ksymtab"), used)) =                 \
		{ (unsigned long)&sym, __kstrtab_##sym }

/* A module that exports nothing says so with an empty, unallocated
 * __ksymtab (2.4: EXPORT_NO_SYMBOLS). */
#define EXPORT_NO_SYMBOLS __asm__(".section __ksymtab,\"\"\n.previous")

/* An exception-table entry { insn, fixup }, as 2.4's uaccess code made. */
#define EX_TABLE_ENTRY(insn, fixup)                                           \
	static const unsigned long KMOD24_UNIQUE(__ex_)[2]                    \
		__attribute__((section("__ex_table"), used)) =                \
		{ (unsigned long)(insn), (unsigned long)(fixup) }

#define __init24 __attribute__((section(".text.init")))
#define __initdata24 __attribute__((section(".data.init")))

int printk(const char *fmt, ...);

#endif
