# libFuzzer targets (fuzz/fuzz-*.c), included by the Makefile.
#
#   make fuzz-build                 builds build/fuzz/fuzz-TARGET
#   make fuzz [FUZZ_SECONDS=N]      runs each target for N seconds (default
#                                   60) on its seeds and regressions, one
#                                   after another, niced; new inputs go to
#                                   build/fuzz/corpus/TARGET, crashes to
#                                   build/fuzz/artifacts/TARGET
#   make fuzz-replay                runs every seed and regression once
#   make fuzz-coverage              what the link and decompress targets'
#                                   inputs reach, per function of interest
#                                   (a build with source coverage:
#                                   fuzz/coverage.sh)
#
# The library is compiled again with clang and
# -fsanitize=fuzzer-no-link,address,undefined (UBSan not recoverable, so
# undefined behaviour is a crash).  `make check` runs fuzz/run-check.sh
# (through tests/run-all.sh), which replays the seeds and regressions and
# fuzzes each target for a short fixed budget (a seed and a number of runs).

FUZZ_CC       ?= clang
FUZZ_BUILD    := build/fuzz
FUZZ_SECONDS  ?= 60
FUZZ_SANFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                 -fno-sanitize-recover=all
# Limits lowered so that fuzz-sized inputs reach what real sizes reach:
# two lanes from 8 KiB modules up (not 1.5 MiB), decompression capped at
# 4 MiB (not 1 GiB).
# Symbol files of any size indexed at once (fuzz-ksyms.c reads every
# input a third time, through the index).
FUZZ_LIMITS   := -DOVERLAP_MIN_FILE=8192u -DMAX_UNPACKED_SIZE='((size_t)4 << 20)' \
                 -DKSYMS_INDEX_MIN_FILE=1u -DKSYMS_INDEX_SETTLED=0
FUZZ_CFLAGS   := $(STD) $(WARNINGS) -Wno-unused-command-line-argument \
                 -DINSMOD_VERSION='"$(VERSION)"' $(LIB_CFLAGS) $(FUZZ_SANFLAGS) $(FUZZ_LIMITS)
FUZZ_LIB_OBJ  := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_NAMES    := $(patsubst fuzz/fuzz-%.c,%,$(wildcard fuzz/fuzz-*.c))
FUZZ_BINS     := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz-%)

# Sandboxed copies of library objects, for the target of the same name:
# in each object of FUZZ_SANDBOX_<target>, calls to the functions of
# FUZZ_REDIRECT_<target> go to the target's own fuzz_NAME instead (see the
# comment at the top of fuzz-search.c).  Every object that makes such a
# call must be listed: the target checks at start-up that each function
# reaches its fuzz_ version, and stops if one does not.
FUZZ_SANDBOX_search  := search search-conf suggest
FUZZ_REDIRECT_search := opendir glob fopen stat lstat
FUZZ_SANDBOXED       := $(foreach t,$(FUZZ_NAMES),$(if $(FUZZ_REDIRECT_$(t)),$(t)))
OBJCOPY              ?= objcopy

# As for the main build (Makefile): objects follow their flags.
FUZZ_STAMP := $(FUZZ_BUILD)/flags
ifneq ($(MAKECMDGOALS),clean)
ifneq ($(file <$(FUZZ_STAMP)),$(FUZZ_CC) $(FUZZ_CFLAGS))
$(shell mkdir -p $(FUZZ_BUILD))
$(file >$(FUZZ_STAMP),$(FUZZ_CC) $(FUZZ_CFLAGS))
endif
endif

$(FUZZ_BUILD)/src/%.o: src/%.c $(FUZZ_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(SRC_INC) -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/libinsmod.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# The library object NAME.o, in whichever source folder NAME.c lives.
fuzz_lib_obj = $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(filter %/$(1).c,$(LIB_SRC)))
# The sandboxed copies of target T's objects.
fuzz_sandboxed_objs = $(foreach o,$(FUZZ_SANDBOX_$(1)),$(FUZZ_BUILD)/sandboxed-$(1)-$(o).o)

# fuzz_sandboxed_obj TARGET OBJECT: the rule for one sandboxed copy.
define fuzz_sandboxed_obj
$(FUZZ_BUILD)/sandboxed-$(1)-$(2).o: $(call fuzz_lib_obj,$(2))
	$$(OBJCOPY) $$(foreach f,$$(FUZZ_REDIRECT_$(1)),--redefine-sym $$(f)=fuzz_$$(f)) $$< $$@
endef
define fuzz_sandboxed
$(foreach o,$(FUZZ_SANDBOX_$(1)),$(eval $(call fuzz_sandboxed_obj,$(1),$(o))))
$(FUZZ_BUILD)/fuzz-$(1): $(call fuzz_sandboxed_objs,$(1))
endef
$(foreach t,$(FUZZ_SANDBOXED),$(eval $(call fuzz_sandboxed,$(t))))

$(FUZZ_BUILD)/fuzz-%: fuzz/fuzz-%.c $(wildcard fuzz/*.h) $(FUZZ_BUILD)/libinsmod.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(SRC_INC) -iquote fuzz \
		-DFUZZ_DIR='"$(CURDIR)/fuzz"' -o $@ $< \
		$(call fuzz_sandboxed_objs,$*) $(FUZZ_BUILD)/libinsmod.a $(LIB_LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run-fuzz.sh $(FUZZ_NAMES)

fuzz-replay: fuzz-build
	FUZZ_SECONDS=0 sh fuzz/run-check.sh

fuzz-coverage:
	FUZZ_COV_FLAGS='$(FUZZ_SANFLAGS)' sh fuzz/coverage.sh $(FUZZ_COV_TARGETS)


.PHONY: fuzz fuzz-build fuzz-replay fuzz-coverage
