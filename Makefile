# insmod: a plain GNU Makefile.  Honours CC, CFLAGS, CPPFLAGS, LDFLAGS,
# PREFIX and DESTDIR.  Compression libraries are optional and found with
# pkg-config; without one, that format is refused with a clear message.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
SBINDIR   ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
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
LIB_LIBS := -Wl,--as-needed -ldl -Wl,--no-as-needed
$(eval $(call optional_lib,zlib,ZLIB))
$(eval $(call optional_lib,liblzma,LZMA))
$(eval $(call optional_lib,libzstd,ZSTD))

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
	@echo "$@: compressed modules: $(FORMATS) (+ found with $(PKG_CONFIG), - not found)"

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
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
sanitize:
	$(MAKE) BUILD=build/san CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" all unit

# A build with ThreadSanitizer, for the tests of the linker's two threads
# (tests/run-all.sh).
TSAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
tsan:
	$(MAKE) BUILD=build/tsan CFLAGS="$(TSAN_FLAGS)" LDFLAGS="$(TSAN_FLAGS)" all

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
	$(MAKE) all unit sanitize tsan fuzz-build
	sh tests/run-all.sh

# The README's two commands from a fresh clone on a minimal Debian 12
# (debootstrap, chroot; root, 20-30 minutes).  Not part of check.
fresh-check:
	sh scripts/fresh-check.sh

# The GNU ld oracle over whole Debian packages (minutes each), and the
# benchmark against ld.bfd and ld.lld.  Neither is part of check.
oracle-full: all
	for a in amd64 i386 arm64; do sh tests/oracle/full.sh $$a || exit 1; done

bench: all
	bash bench/bench.sh

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BUILD)/insmod $(DESTDIR)$(SBINDIR)/insmod
	install -m 0755 scripts/insmod_ksymoops_clean $(DESTDIR)$(SBINDIR)/insmod_ksymoops_clean
	install -m 0644 doc/insmod.8 $(DESTDIR)$(MANDIR)/man8/insmod.8
	install -m 0644 doc/insmod_ksymoops_clean.8 $(DESTDIR)$(MANDIR)/man8/insmod_ksymoops_clean.8

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/insmod $(DESTDIR)$(SBINDIR)/insmod_ksymoops_clean \
	      $(DESTDIR)$(MANDIR)/man8/insmod.8 $(DESTDIR)$(MANDIR)/man8/insmod_ksymoops_clean.8

clean:
	rm -rf build

.PHONY: all unit sanitize tsan deps demo check fresh-check oracle-full bench install uninstall clean
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

-include fuzz/fuzz.mk
