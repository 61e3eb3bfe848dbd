#!/usr/bin/env python3
"""Builds the malformed-module corpus from one good module.

    mkcorpus.py GOOD.ko OUTDIR

GOOD.ko must be an x86_64 (ELF64, little-endian) relocatable module with a
.symtab, a .strtab and a .rela.text; a module signature appended to it is
kept after every corrupted copy (the corruption is made to the ELF part).

Each case is one corrupted copy, OUTDIR/NAME.ko, and one line of
OUTDIR/MANIFEST, tab-separated:

    NAME  STATUS  DRY-RUN-MESSAGE  PLAIN-LOAD-MESSAGE

STATUS is the exit status insmod must give the dry run (-n -m -O); the
messages are extended regular expressions for the one line insmod must
print on stderr, after "insmod: PATH: " ("-" for none: STATUS 0).  No field
is ever empty (the reader splits on tabs).  PLAIN-LOAD-MESSAGE is "-" when a
plain load must not be tried (the file is refused only by the linker or by
the kernel, so a plain load would reach finit_module); "@arch" marks a case
refused before the kernel only on an x86_64 machine.  STATUS 0 marks a
corruption the kernel itself tolerates: the dry run must succeed.

The cases follow the kernel's own validity checks of a module's ELF image
(kernel/module/main.c: elf_validity_check() and the checks made while
relocating), plus truncation at every header boundary.
"""

import os
import struct
import sys

SIG_MAGIC = b"~Module signature appended~\n"

SHT_NULL, SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_RELA = 0, 1, 2, 3, 4
SHT_NOBITS = 8
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4

EHDR_SIZE, SHDR_SIZE, SYM_SIZE, RELA_SIZE = 64, 64, 24, 24

# Field offsets and widths in Elf64_Ehdr, Elf64_Shdr, Elf64_Sym, Elf64_Rela.
EHDR = {"type": (16, 2), "machine": (18, 2), "version": (20, 4), "shoff": (40, 8),
        "ehsize": (52, 2), "shentsize": (58, 2), "shnum": (60, 2), "shstrndx": (62, 2)}
SHDR = {"name": (0, 4), "type": (4, 4), "flags": (8, 8), "addr": (16, 8), "offset": (24, 8),
        "size": (32, 8), "link": (40, 4), "info": (44, 4), "addralign": (48, 8),
        "entsize": (56, 8)}
SYM = {"name": (0, 4), "info": (4, 1), "shndx": (6, 2), "value": (8, 8), "size": (16, 8)}
RELA = {"offset": (0, 8), "info": (8, 8), "addend": (16, 8)}

FMT = {1: "<B", 2: "<H", 4: "<I", 8: "<Q"}


def get(buf, base, field):
    off, width = field
    return struct.unpack_from(FMT[width], buf, base + off)[0]


def put(buf, base, field, value):
    off, width = field
    struct.pack_into(FMT[width], buf, base + off, value & ((1 << (8 * width)) - 1))


class Module:
    def __init__(self, data):
        self.elf, self.trailer = split_signature(data)
        e = self.elf
        if e[:4] != b"\x7fELF" or e[4] != 2 or e[5] != 1:
            raise SystemExit("mkcorpus: the good module must be ELF64 little-endian")
        self.shoff = get(e, 0, EHDR["shoff"])
        self.shnum = get(e, 0, EHDR["shnum"])
        self.shstrndx = get(e, 0, EHDR["shstrndx"])
        self.names = []
        strtab = self.sec(self.shstrndx)
        for i in range(self.shnum):
            n = self.sh(i, "name")
            end = e.index(b"\0", strtab["offset"] + n)
            self.names.append(e[strtab["offset"] + n:end].decode("latin-1"))

    def shdr_base(self, i):
        return self.shoff + i * SHDR_SIZE

    def sh(self, i, field):
        return get(self.elf, self.shdr_base(i), SHDR[field])

    def sec(self, i):
        return {f: self.sh(i, f) for f in SHDR}

    def index(self, name):
        return self.names.index(name) if name in self.names else None

    def find(self, pred):
        for i in range(1, self.shnum):
            if pred(i):
                return i
        return None


def split_signature(data):
    """The ELF part and the signature trailer (b"" when unsigned)."""
    if len(data) >= len(SIG_MAGIC) + 12 and data.endswith(SIG_MAGIC):
        info = data[-len(SIG_MAGIC) - 12:-len(SIG_MAGIC)]
        sig_len = struct.unpack(">I", info[8:12])[0]
        elf_len = len(data) - len(SIG_MAGIC) - 12 - sig_len
        if elf_len >= 0:
            return bytearray(data[:elf_len]), bytes(data[elf_len:])
    return bytearray(data), b""


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: mkcorpus.py GOOD.ko OUTDIR")
    with open(sys.argv[1], "rb") as f:
        m = Module(f.read())
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    manifest = []

    def case(name, status, dry, plain, edit=None, elf=None):
        """One corrupted copy: edit(buffer) changes a copy of the ELF part,
        or elf gives the whole new ELF part."""
        buf = bytearray(m.elf) if elf is None else bytearray(elf)
        if edit:
            edit(buf)
        with open(os.path.join(out, name + ".ko"), "wb") as f:
            f.write(bytes(buf) + m.trailer)
        assert dry and plain and (status == 1 or plain == "-")
        manifest.append("\t".join([name, str(status), dry, plain]))

    def refused(name, msg, edit=None, elf=None):
        """Refused by the ELF reader: the same message either way."""
        case(name, 1, msg, msg, edit, elf)

    def ehdr(field, value):
        return lambda b: put(b, 0, EHDR[field], value)

    def shdr(i, field, value):
        return lambda b: put(b, m.shdr_base(i), SHDR[field], value)

    def both(*edits):
        def run(b):
            for e in edits:
                e(b)
        return run

    bad = "not a valid module: "
    text = m.index(".text")
    rela = m.index(".rela.text")
    symtab = m.find(lambda i: m.sh(i, "type") == SHT_SYMTAB)
    strtab = m.sh(symtab, "link")
    modinfo = m.index(".modinfo")
    nobits = m.find(lambda i: m.sh(i, "type") == SHT_NOBITS and m.sh(i, "flags") & SHF_ALLOC)
    nonalloc = m.find(lambda i: m.sh(i, "type") == SHT_PROGBITS and not m.sh(i, "flags") & SHF_ALLOC
                      and m.sh(i, "size") > 0)
    if None in (text, rela, symtab, modinfo):
        raise SystemExit("mkcorpus: the good module needs .text, .rela.text, .symtab and .modinfo")
    nsyms = m.sh(symtab, "size") // SYM_SIZE
    last_sym = m.sh(symtab, "offset") + (nsyms - 1) * SYM_SIZE
    rela0 = m.sh(rela, "offset")
    text_size = m.sh(text, "size")
    table_end = m.shoff + m.shnum * SHDR_SIZE
    sec = bad + r"section [0-9]+: "

    # ---- e_ident ----
    refused("bad-magic", bad + r"no ELF magic", lambda b: b.__setitem__(1, ord("L") + 1))
    refused("bad-magic-all-zero", bad + r"no ELF magic", elf=bytes(len(m.elf)))
    refused("bad-class-none", bad + r"unknown ELF class$", lambda b: b.__setitem__(4, 0))
    refused("bad-class-3", bad + r"unknown ELF class$", lambda b: b.__setitem__(4, 3))
    refused("class-32-of-64-bit-file", bad + r"section header size is wrong for the ELF class",
            lambda b: b.__setitem__(4, 1))
    refused("bad-data-none", bad + r"unknown ELF byte order", lambda b: b.__setitem__(5, 0))
    refused("bad-data-3", bad + r"unknown ELF byte order", lambda b: b.__setitem__(5, 3))
    refused("big-endian-of-little-endian-file", bad + r"ELF type is not ET_REL",
            lambda b: b.__setitem__(5, 2))
    refused("bad-version", bad + r"unknown ELF version", lambda b: b.__setitem__(6, 0))

    # ---- e_type, e_machine ----
    refused("type-none", bad + r"ELF type is not ET_REL", ehdr("type", 0))
    refused("type-exec", bad + r"an executable or shared object, not a relocatable module",
            ehdr("type", 2))
    refused("type-dyn", bad + r"an executable or shared object, not a relocatable module",
            ehdr("type", 3))
    refused("type-core", bad + r"ELF type is not ET_REL", ehdr("type", 4))
    refused("type-loproc", bad + r"ELF type is not ET_REL", ehdr("type", 0xff00))
    case("machine-arm", 1, r"the linker does not support arm modules \(e_machine 40\)",
         r"@arch built for arm \(64-bit\), but the running kernel is x86_64", ehdr("machine", 40))
    case("machine-unknown", 1, r"the linker does not support unknown modules \(e_machine 4660\)",
         r"@arch built for unknown \(64-bit\), but the running kernel is x86_64",
         ehdr("machine", 0x1234))
    case("machine-i386-class-64", 1, r"i386 module with the wrong ELF class or byte order",
         r"@arch built for i386 \(64-bit\), but the running kernel is x86_64", ehdr("machine", 3))
    case("machine-aarch64", 1, r"module PLT section\(s\) missing \(\.plt, \.init\.plt\)",
         r"@arch built for aarch64 \(64-bit\), but the running kernel is x86_64",
         ehdr("machine", 183))

    # ---- section header table ----
    refused("shentsize-56", bad + r"section header size is wrong for the ELF class",
            ehdr("shentsize", 56))
    refused("shentsize-32-bit", bad + r"section header size is wrong for the ELF class",
            ehdr("shentsize", 40))
    refused("shentsize-zero", bad + r"section header size is wrong for the ELF class",
            ehdr("shentsize", 0))
    refused("shnum-zero", bad + r"no sections, or an extended section count", ehdr("shnum", 0))
    refused("shnum-extended", bad + r"no sections, or an extended section count",
            ehdr("shnum", 0xffff))
    refused("shnum-loreserve", bad + r"no sections, or an extended section count",
            ehdr("shnum", 0xff00))
    refused("shnum-absurd", bad + r"section header table lies past the end of the file",
            ehdr("shnum", 0xfeff))
    refused("shnum-one-more", bad + r"section header table lies past the end of the file",
            ehdr("shnum", m.shnum + 1))
    refused("shoff-at-eof", bad + r"section header table lies past the end of the file",
            ehdr("shoff", len(m.elf)))
    refused("shoff-straddles-eof", bad + r"section header table lies past the end of the file",
            ehdr("shoff", len(m.elf) - m.shnum * SHDR_SIZE + 8))
    refused("shoff-huge", bad + r"section header table lies past the end of the file",
            ehdr("shoff", (1 << 63)))
    refused("shoff-wraps", bad + r"section header table lies past the end of the file",
            ehdr("shoff", (1 << 64) - 64))
    refused("null-section-not-null", bad + r"section 0 is not a null section",
            shdr(0, "type", SHT_PROGBITS))
    refused("null-section-has-size", bad + r"section 0 is not a null section", shdr(0, "size", 16))

    # ---- section contents ----
    past = sec + r"contents lie past the end of the file"
    refused("text-offset-past-eof", past, shdr(text, "offset", len(m.elf) + 16))
    refused("text-size-past-eof", past, shdr(text, "size", len(m.elf)))
    refused("text-end-one-past-eof", past,
            both(shdr(text, "offset", len(m.elf) - 8), shdr(text, "size", 9)))
    refused("modinfo-offset-wraps", past,
            both(shdr(modinfo, "offset", (1 << 64) - 16), shdr(modinfo, "size", 32)))
    refused("huge-sh-size", past, shdr(text, "size", 0xffffffffffffff00))
    refused("huge-sh-size-symtab", past, shdr(symtab, "size", (1 << 64) - SYM_SIZE))
    if nobits is not None:
        case("huge-sh-size-nobits", 1, r"section \S+: bad size or alignment", "-",
             shdr(nobits, "size", 0xffffffffffffff00))
    refused("overlapping-sections", sec + r"contents overlap another section's",
            both(shdr(modinfo, "offset", m.sh(text, "offset")),
                 shdr(modinfo, "size", min(m.sh(modinfo, "size"), max(text_size, 1)))))
    refused("overlapping-by-one-byte", sec + r"contents overlap another section's",
            shdr(modinfo, "offset", m.sh(text, "offset") + text_size - 1))

    # ---- section names ----
    names = m.sec(m.shstrndx)
    refused("sh-name-past-shstrtab", sec + r"name lies outside the section name table",
            shdr(text, "name", names["size"]))
    refused("sh-name-huge", sec + r"name lies outside the section name table",
            shdr(text, "name", 0xffffffff))
    refused("shstrndx-out-of-range", bad + r"section name table index out of range",
            ehdr("shstrndx", m.shnum))
    refused("shstrndx-zero", bad + r"section name table index out of range", ehdr("shstrndx", 0))
    refused("shstrndx-xindex", bad + r"section name table index out of range",
            ehdr("shstrndx", 0xffff))
    refused("shstrndx-not-strtab", bad + r"section name table is empty or not a string table",
            ehdr("shstrndx", text))
    refused("shstrtab-empty", bad + r"section name table is empty or not a string table",
            shdr(m.shstrndx, "size", 0))
    refused("shstrtab-unterminated", bad + r"section name table is not NUL-terminated",
            lambda b: b.__setitem__(names["offset"] + names["size"] - 1, ord("X")))

    # ---- symbols and their strings ----
    st = m.sec(strtab)
    refused("strtab-unterminated", sec + r"symbol string table is not NUL-delimited",
            lambda b: b.__setitem__(st["offset"] + st["size"] - 1, ord("X")))
    refused("strtab-not-starting-with-nul", sec + r"symbol string table is not NUL-delimited",
            lambda b: b.__setitem__(st["offset"], ord("X")))
    refused("strtab-not-strtab", sec + r"symbol string table is empty or not a string table",
            shdr(symtab, "link", text))
    refused("symtab-link-out-of-range", sec + r"symbol table links to no string table",
            shdr(symtab, "link", m.shnum + 2))
    refused("symtab-link-zero", sec + r"symbol table links to no string table",
            shdr(symtab, "link", 0))
    refused("symtab-partial-entry", sec + r"symbol table size is not a multiple of its entry size",
            shdr(symtab, "size", m.sh(symtab, "size") - 1))
    refused("two-symbol-tables", sec + r"more than one symbol table",
            shdr(m.index(".comment") or modinfo, "type", SHT_SYMTAB))
    invalid_shndx = r"symbol [0-9]+ has an invalid section index [0-9]+ \(max [0-9]+\)"
    refused("sym-shndx-out-of-range", bad + invalid_shndx,
            lambda b: put(b, last_sym, SYM["shndx"], m.shnum + 5))
    refused("sym-shndx-just-below-loreserve", bad + invalid_shndx,
            lambda b: put(b, last_sym, SYM["shndx"], 0xfeff))
    refused("sym-name-past-strtab", bad + r"symbol [0-9]+: name lies outside the string table",
            lambda b: put(b, last_sym, SYM["name"], st["size"]))

    # ---- relocation sections ----
    refused("rela-info-nonexistent", sec + r"relocation section applies to a non-existent section",
            shdr(rela, "info", m.shnum))
    refused("rela-info-huge", sec + r"relocation section applies to a non-existent section",
            shdr(rela, "info", 0xffffffff))
    refused("rela-info-zero", sec + r"relocation section applies to a non-existent section",
            shdr(rela, "info", 0))
    refused("rela-link-not-symtab", sec + r"relocation section does not link to the symbol table",
            shdr(rela, "link", strtab))
    refused("rela-partial-entry", sec + r"relocation section size is not a multiple of its entry size",
            shdr(rela, "size", m.sh(rela, "size") - 8))
    # The kernel skips relocation sections whose target is not allocated
    # (apply_relocations(): "Don't bother with non-allocated sections"), as
    # a module's .rela.debug_* sections are; .modinfo loses SHF_ALLOC in
    # the kernel before relocation.  Both must link.
    if nonalloc is not None:
        case("rela-info-non-allocated", 0, "-", "-", shdr(rela, "info", nonalloc))
    case("rela-info-modinfo", 0, "-", "-", shdr(rela, "info", modinfo))
    reloc = r"relocation 0 of section \.rela\.text "
    case("reloc-offset-past-section", 1, bad + reloc + r"lies past the end of \.text", "-",
         lambda b: put(b, rela0, RELA["offset"], text_size + 64))
    case("reloc-offset-huge", 1, bad + reloc + r"lies past the end of \.text", "-",
         lambda b: put(b, rela0, RELA["offset"], 1 << 63))
    case("reloc-field-straddles-section-end", 1,
         r"relocation R_X86_64_\S+ at \.text\+0x[0-9a-f]+ against \S+: "
         r"a [0-9]+-byte field does not fit in the section", "-",
         lambda b: put(b, rela0, RELA["offset"], text_size - 2))
    rtype = get(m.elf, rela0, RELA["info"]) & 0xffffffff
    case("reloc-symbol-past-table", 1, bad + reloc + r"names symbol [0-9]+, past the symbol table", "-",
         lambda b: put(b, rela0, RELA["info"], ((nsyms + 3) << 32) | rtype))
    case("reloc-symbol-huge", 1, bad + reloc + r"names symbol 4294967295, past the symbol table", "-",
         lambda b: put(b, rela0, RELA["info"], (0xffffffff << 32) | rtype))
    case("reloc-unknown-type", 1,
         r"relocation type 200 at \.text\+0x[0-9a-f]+ against \S+: unknown relocation type 200", "-",
         lambda b: put(b, rela0, RELA["info"], (get(m.elf, rela0, RELA["info"]) & ~0xffffffff) | 200))
    if nobits is not None:
        case("rela-into-nobits", 1,
             r"relocation R_X86_64_\S+ at \S+\+0x0 against \S+: "
             r"relocation in a section without contents \(NOBITS\)", "-",
             both(shdr(rela, "info", nobits), shdr(rela, "size", RELA_SIZE),
                  lambda b: put(b, rela0, RELA["offset"], 0)))

    # ---- alignment ----
    case("align-zero", 0, "-", "-", shdr(text, "addralign", 0))
    refused("align-not-power-of-two", sec + r"alignment is not a power of two",
            shdr(text, "addralign", 24))
    refused("align-absurd", sec + r"absurd alignment", shdr(text, "addralign", 1 << 20))
    refused("align-top-bit", sec + r"absurd alignment", shdr(text, "addralign", 1 << 63))
    refused("align-all-ones", sec + r"alignment is not a power of two",
            shdr(text, "addralign", (1 << 64) - 1))

    # ---- truncation at every header boundary ----
    cuts = {1, 3, 4, 5, 8, 15, 16, 17, 20, 24, 32, 40, 48, 52, 58, 60, 62, 63, EHDR_SIZE,
            EHDR_SIZE + 1, m.shoff, m.shoff + 1, table_end - 1, len(m.elf) - 1}
    cuts |= {m.shoff + i * SHDR_SIZE for i in range(m.shnum)}
    cuts |= {m.shoff + i * SHDR_SIZE + o for i in (0, 1, m.shnum - 1) for o, _ in SHDR.values()}
    cuts |= {m.sh(i, "offset") for i in range(1, m.shnum)}
    cuts |= {m.sh(i, "offset") + m.sh(i, "size") for i in range(1, m.shnum)
             if m.sh(i, "type") != SHT_NOBITS}
    if not m.trailer:
        case("truncated-at-0", 1, r"file is empty", r"file is empty", elf=b"")
    for n in sorted(c for c in cuts if 0 < c < len(m.elf)):
        if n < 64:
            msg = bad + r"file too short for an ELF header"
        elif n < table_end:
            msg = bad + r"section header table lies past the end of the file"
        else:
            msg = past
        refused("truncated-at-%d" % n, msg, elf=m.elf[:n])

    with open(os.path.join(out, "MANIFEST"), "w") as f:
        f.write("\n".join(manifest) + "\n")


if __name__ == "__main__":
    main()
