# insmod: a plain GNU Makefile.  Honours CC, CFLAGS, CPPFLAGS, LDFLAGS,
# PREFIX and DESTDIR.  Compression libraries are optional and found with
# pkg-config; without one, that format is refused with a clear message.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
SBINDIR   ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR   ?= $(PREFIX)/lib/systemd/system
DESTDIR   ?=
CC        ?= cc
PKG_CONFIG ?= pkg-config

CFLAGS    ?= -O2 -g
WARNINGS  := -Wall -Wextra -Werror -Wshadow -Wvla -Wformat=2 \
             -Wmissing-prototypes -Wstrict-prototypes -Wno-format-nonliteral
STD       := -std=c11 -D_GNU_SOURCE
BUILD     ?= build

# Sources live in one folder per subsystem (see the README's Layout).
# Headers are included as "name.h" and found through an -iquote for each
# folder, so that src/lib/elf.h never hides the system <elf.h> and an
# #include does not have to say which folder a header lives in.
# Optional libraries: each one found adds a -DHAVE_... and its compiler
# flags.  They are not linked: src/load/dlib.c opens one with dlopen()
# when a compressed module first needs it, so that the other runs do not
# pay for loading them.  dlopen() is in libc since glibc 2.34; -ldl, kept only
# where still needed (--as-needed), serves older ones.
define optional_lib
ifneq ($$(shell $(PKG_CONFIG) --exists $(1) 2>/dev/null && echo yes),)
LIB_CFLAGS += -DHAVE_$(2) $$(shell $(PKG_CONFIG) --cflags $(1))
endif
endef
ifeq ($(STATIC),)
LIB_LIBS := -Wl,--as-needed -ldl -Wl,--no-as-needed
$(eval $(call optional_lib,zlib,ZLIB))
$(eval $(call optional_lib,liblzma,LZMA))
$(eval $(call optional_lib,libzstd,ZSTD))
else
# The static build (make static, below): all three libraries, linked in
# from the static archives of Debian's -dev packages, which the host
# compiler finds; the headers are copies (scripts/static-headers.sh).
HOST_CC   ?= cc
STATIC_ARCHIVES := $(foreach a,libz.a liblzma.a libzstd.a,$(shell $(HOST_CC) -print-file-name=$(a)))
LIB_CFLAGS := -DHAVE_ZLIB -DHAVE_LZMA -DHAVE_ZSTD -DINSMOD_LINKED_LIBS -DINSMOD_STATIC_BUILD -I$(BUILD)/inc
LIB_LIBS  := $(STATIC_ARCHIVES)
endif

ALL_CFLAGS = $(STD) $(WARNINGS) -DINSMOD_VERSION='"$(VERSION)"' $(LIB_CFLAGS) $(CPPFLAGS) $(CFLAGS)
FORMATS   := $(if $(filter -DHAVE_ZLIB,$(LIB_CFLAGS)),+gzip,-gzip) \
             $(if $(filter -DHAVE_LZMA,$(LIB_CFLAGS)),+xz,-xz) \
             $(if $(filter -DHAVE_ZSTD,$(LIB_CFLAGS)),+zstd,-zstd)

# Every object depends on the flags it was compiled with: when they change
# (a compression library installed since the last build, another CFLAGS),
# everything is compiled again instead of mixing old objects with new.
FLAGS_STAMP := $(BUILD)/flags
ifneq ($(MAKECMDGOALS),clean)
ifneq ($(file <$(FLAGS_STAMP)),$(ALL_CFLAGS) $(LDFLAGS))
$(shell mkdir -p $(BUILD))
$(file >$(FLAGS_STAMP),$(ALL_CFLAGS) $(LDFLAGS))
endif
endif

SRC_DIRS  := src src/cli src/load src/link src/link/arch src/mod24 src/lib
SRC_INC   := $(SRC_DIRS:%=-iquote %)
LIB_SRC   := $(filter-out src/cli/main.c,$(wildcard $(SRC_DIRS:%=%/*.c)))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ  := $(BUILD)/src/cli/main.o
UNIT_SRC  := $(wildcard tests/unit/test-*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HDR  := $(wildcard tests/unit/*.h)

all: $(BUILD)/insmod

$(BUILD)/insmod: $(MAIN_OBJ) $(BUILD)/libinsmod.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIB_LIBS)
	@echo "$@: compressed modules: $(FORMATS) $(if $(STATIC),(linked in),(+ found with $(PKG_CONFIG), - not found))"

$(BUILD)/libinsmod.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SRC_INC) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_HDR) $(BUILD)/libinsmod.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SRC_INC) -iquote tests/unit $(LDFLAGS) -o $@ $< $(BUILD)/libinsmod.a $(LIB_LIBS)

unit: $(UNIT_BIN)

# A second build with AddressSanitizer and UndefinedBehaviorSanitizer; the
# whole suite runs against it too.
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
             -DINSMOD_FREE_AT_EXIT
sanitize:
	$(MAKE) BUILD=build/san CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" all unit

# A build with ThreadSanitizer, for the tests of the linker's two threads
# (tests/run-all.sh).
TSAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
tsan:
	$(MAKE) BUILD=build/tsan CFLAGS="$(TSAN_FLAGS)" LDFLAGS="$(TSAN_FLAGS)" all

# One self-contained binary, build/static/insmod: no dynamic loader, no
# shared library, gzip, xz and zstd linked in (-V: -dlopen +static),
# stripped.  With musl (musl-gcc, Debian's musl-tools) where installed, else
# glibc's -static.  The archives are Debian's, built against glibc; the
# parts a decoder uses need nothing from the C library that musl lacks.
# Its size (600 KiB at most, tests/cli/static.sh): no unwind tables (C,
# nothing unwinds), unused sections dropped, code and data not each
# padded to a page of their own.
STATIC_CC ?= $(if $(shell command -v musl-gcc 2>/dev/null),musl-gcc,$(CC))
STATIC_CFLAGS ?= -O2 -fno-asynchronous-unwind-tables -fno-unwind-tables \
                 -ffunction-sections -fdata-sections
STATIC_LDFLAGS ?= -static -s -Wl,--gc-sections -Wl,-z,noseparate-code
static:
	sh scripts/static-headers.sh build/static/inc "$(CC)"
	$(MAKE) BUILD=build/static STATIC=1 HOST_CC="$(CC)" CC="$(STATIC_CC)" \
		CFLAGS="$(STATIC_CFLAGS)" LDFLAGS="$(STATIC_LDFLAGS)" all
	@echo "build/static/insmod: $$(wc -c < build/static/insmod) bytes, stripped ($(STATIC_CC))"

# Installs the Debian packages that building and testing need (root).
deps:
	sh scripts/install-deps.sh

# `make deps demo` and `make deps check` parse this file (and ask
# pkg-config) before deps has installed anything: so demo and check build
# in a make of their own, started after deps, which sees the libraries.

# The main job: load a real module into a real kernel (QEMU when this
# machine cannot load modules).
demo:
	$(MAKE) all
	sh tests/qemu/demo.sh $(BUILD)/insmod

# Every test, plain and sanitized; ends with "N passed, N failed, N skipped".
# First, one line for each prerequisite that is missing.
check:
	sh scripts/check-prereqs.sh "$(CC)" "$(FUZZ_CC)" "$(PKG_CONFIG)"
	$(MAKE) all unit sanitize tsan static deb fuzz-build
	sh tests/run-all.sh

# The README's two commands from a fresh clone on a minimal Debian 12
# (debootstrap, chroot; root, 20-30 minutes).  Not part of check.
fresh-check:
	sh scripts/fresh-check.sh

# The GNU ld oracle over whole Debian packages (minutes each), and the
# benchmark against ld.bfd and ld.lld.  Neither is part of check.
# Its helpers are built here too, not only by tests/cli/link-oracle.sh.
ORACLE_HELPERS := build/oracle/oracle-prep build/oracle/plt-check
build/oracle/%: tests/oracle/%.c
	@mkdir -p $(@D)
	$(CC) -O2 -o $@ $<

oracle-full: all $(ORACLE_HELPERS)
	for a in amd64 i386 arm64; do sh tests/oracle/full.sh $$a || exit 1; done

bench: all
	bash bench/bench.sh

# What make install writes (DESTDIR aside).  Without DESTDIR, every one of
# these that belongs to another package (dpkg -S: kmod's insmod and its
# manual page, bash-completion's completion) is named in a warning first.
MANPAGES  := $(wildcard doc/*.8)
INSTALLED  = $(SBINDIR)/insmod $(SBINDIR)/insmod_ksymoops_clean \
             $(MANPAGES:doc/%=$(MANDIR)/man8/%) $(COMPLETIONDIR)/insmod \
             $(UNITDIR)/insmod-ksymoops-clean.service $(UNITDIR)/insmod-ksymoops-clean.timer \
             $(SYSCONFDIR)/cron.daily/insmod-ksymoops-clean

install: all
	$(if $(DESTDIR),,sh scripts/install-owners.sh $(INSTALLED))
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(COMPLETIONDIR) \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/cron.daily $(BUILD)/contrib
	install -m 0755 $(BUILD)/insmod $(DESTDIR)$(SBINDIR)/insmod
	install -m 0755 scripts/insmod_ksymoops_clean $(DESTDIR)$(SBINDIR)/insmod_ksymoops_clean
	install -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 completion/insmod $(DESTDIR)$(COMPLETIONDIR)/insmod
	sh scripts/subst.sh $(SBINDIR) contrib/systemd/insmod-ksymoops-clean.service.in \
		$(BUILD)/contrib/insmod-ksymoops-clean.service
	sh scripts/subst.sh $(SBINDIR) contrib/cron/insmod-ksymoops-clean.in \
		$(BUILD)/contrib/insmod-ksymoops-clean.cron
	install -m 0644 $(BUILD)/contrib/insmod-ksymoops-clean.service \
		contrib/systemd/insmod-ksymoops-clean.timer $(DESTDIR)$(UNITDIR)/
	install -m 0755 $(BUILD)/contrib/insmod-ksymoops-clean.cron \
		$(DESTDIR)$(SYSCONFDIR)/cron.daily/insmod-ksymoops-clean

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

# A Debian package, build/modutils-insmod_VERSION_ARCH.deb, made with
# dpkg-deb alone (scripts/make-deb.sh); it diverts kmod's insmod.
deb: all
	sh scripts/make-deb.sh $(VERSION) $(BUILD)

# Installs that package into a Debian 12 chroot, runs insmod -V, removes
# it and checks that kmod's insmod is back (root; tests/deb/test-deb.sh).
deb-check: deb
	sh tests/deb/test-deb.sh $(BUILD)/modutils-insmod_$(VERSION)_*.deb

clean:
	rm -rf build

.PHONY: all unit sanitize tsan static deps demo check fresh-check oracle-full bench install uninstall deb deb-check clean
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

-include fuzz/fuzz.mk
