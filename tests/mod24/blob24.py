#!/usr/bin/env python3
"""Decodes an image of a 2.4 module (insmod -O, or what the fake kernel
received) for the tests: struct module's fields, the export table, the
module references and the __kallsyms section, as "key=value" lines.

usage: blob24.py BLOB BITS BASE [ADDR:LEN ...]
BITS is 32 or 64; BASE the load address (0x...).  Each ADDR:LEN prints
the bytes there as hex ("mem ADDR=...")."""
import struct
import sys

FIELDS = ["size_of_struct", "next", "name", "size", "usecount", "flags",
          "syms", "deps", "refs", "init", "cleanup", "ex_table_start",
          "ex_table_end", "read_start", "read_end", "can_unload", "runsize",
          "kallsyms_start", "kallsyms_end", "archdata_start", "archdata_end",
          "kernel_data"]


def main():
    blob = open(sys.argv[1], "rb").read()
    bits = int(sys.argv[2])
    base = int(sys.argv[3], 0)
    L = bits // 8
    word = "<Q" if L == 8 else "<I"

    def long_at(off):
        return struct.unpack_from(word, blob, off)[0]

    def at(addr):
        return addr - base

    def cstr(addr):
        o = at(addr)
        return blob[o:blob.index(b"\0", o)].decode("latin-1")

    h = {}
    for i, name in enumerate(FIELDS):
        h[name] = long_at(i * L + (8 if i >= 6 else 0))
        print("%s=%#x" % (name, h[name]))
    nsyms, ndeps = struct.unpack_from("<II", blob, 6 * L)
    print("nsyms=%d" % nsyms)
    print("ndeps=%d" % ndeps)
    print("name_str=%s" % cstr(h["name"]))
    print("blob_size=%#x" % len(blob))
    for k in range(nsyms):
        v = long_at(at(h["syms"]) + 2 * L * k)
        n = long_at(at(h["syms"]) + 2 * L * k + L)
        print("export %s=%#x" % (cstr(n), v))
    for k in range(ndeps):
        e = at(h["deps"]) + 3 * L * k
        print("dep %d=%#x,%#x,%#x" % (k, long_at(e), long_at(e + L), long_at(e + 2 * L)))
    if h["kallsyms_start"]:
        kallsyms(blob, at(h["kallsyms_start"]), L)
    for spec in sys.argv[4:]:
        addr, length = spec.split(":")
        o = at(int(addr, 0))
        print("mem %s=%s" % (spec, blob[o:o + int(length, 0)].hex()))


def kallsyms(blob, k, L):
    if L == 8:
        size, total, nsec = struct.unpack_from("<iIi", blob, k)
        section_off, = struct.unpack_from("<Q", blob, k + 16)
        section_size, nsym = struct.unpack_from("<ii", blob, k + 24)
        symbol_off, = struct.unpack_from("<Q", blob, k + 32)
        symbol_size, = struct.unpack_from("<i", blob, k + 40)
        string_off, start, end = struct.unpack_from("<QQQ", blob, k + 48)
    else:
        (size, total, nsec, section_off, section_size, nsym, symbol_off,
         symbol_size, string_off, start, end) = struct.unpack_from("<iIiIiiIiIII", blob, k)
    print("kallsyms size=%d total=%d sections=%d symbols=%d start=%#x end=%#x"
          % (size, total, nsec, nsym, start, end))
    print("kallsyms section_size=%d symbol_size=%d" % (section_size, symbol_size))

    def kstr(off):
        o = k + string_off + off
        return blob[o:blob.index(b"\0", o)].decode("latin-1")

    for i in range(nsec):
        e = k + section_off + i * section_size
        if L == 8:
            s_start, s_size = struct.unpack_from("<QI", blob, e)
            s_name, = struct.unpack_from("<Q", blob, e + 16)
            s_flags, = struct.unpack_from("<I", blob, e + 24)
        else:
            s_start, s_size, s_name, s_flags = struct.unpack_from("<IIII", blob, e)
        print("ksec %s=%#x,%d,%#x" % (kstr(s_name), s_start, s_size, s_flags))
    for i in range(nsym):
        e = k + symbol_off + i * symbol_size
        fmt = "<QQQ" if L == 8 else "<III"
        s_sec, s_addr, s_name = struct.unpack_from(fmt, blob, e)
        print("ksym %d %s=%#x,%d" % (i, kstr(s_name), s_addr, s_sec // section_size))


main()
