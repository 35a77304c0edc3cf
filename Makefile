# lcp-c build. `make` builds the release variant; `make test` builds and runs every test twice (release, then
# ASan+UBSan); `make run` runs the demonstration; `make fuzz` runs each libFuzzer target for FUZZ_SECONDS;
# `make bench` prints the benchmark figures. Sources are found by wildcard: a new src/<module>/<job>.c or
# tests/<module>/test_<behaviour>.c needs no Makefile edit.

CC       ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif
FUZZ_CC  ?= clang
FUZZ_SECONDS ?= 20
TESTDATA ?= $(abspath ../shared/testdata)
# Each parallel worker may build into its own tree: make BUILD=build-foo test
BUILD    ?= build

# Floors 1-4 plus lcpclient make the library; cli is the `lcp` program.
LIB_MODULES := base crypto codec commitment attestation tee elc lcpclient enclave host service
LIBS     := -lcrypto -lsecp256k1 -lsodium -lcjson -lprotobuf-c -llmdb -lnghttp2 -lpthread
TEST_LIBS := -lcmocka

# V=1 shows every command.
Q := $(if $(V),,@)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Isrc -I$(BUILD)/gen -Itests/common -fno-strict-aliasing -ffile-prefix-map=$(CURDIR)=. \
               -DLCP_TESTDATA='"$(TESTDATA)"' -DLCP_ROOT='"$(CURDIR)"'
REL_CFLAGS  := $(BASE_CFLAGS) -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2
ASAN_CFLAGS := $(BASE_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := $(BASE_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
               -Wno-unused-command-line-argument

LIB_SRCS  := $(foreach m,$(LIB_MODULES),$(wildcard src/$(m)/*.c))
PROTO_SRCS := $(wildcard proto/*.proto)
PROTO_C   := $(patsubst proto/%.proto,$(BUILD)/gen/proto/%.pb-c.c,$(PROTO_SRCS))
CLI_SRCS  := $(wildcard src/cli/*.c)
ENCLAVE_BIN_SRCS := $(wildcard src/enclave/bin/*.c)
# The enclave's build config, measured into MRENCLAVE (DESIGN.md): product id, SVN and debug flag.
ENCLAVE_CONFIG := -DLCP_ENCLAVE_ISV_PROD_ID=0 -DLCP_ENCLAVE_ISV_SVN=0 -DLCP_ENCLAVE_DEBUG=1
# The enclave links its libraries statically so that its measurement covers the code it runs.
ENCLAVE_STATIC_LIBS := -static -lcrypto -lsecp256k1 -lsodium -lprotobuf-c -lseccomp -lpthread
TEST_COMMON := $(wildcard tests/common/*.c)
TEST_SRCS := $(wildcard tests/*/test_*.c)
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_MAINS := $(filter-out bench/harness.c,$(BENCH_SRCS))
FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)

# $(call objs,variant,sources)
objs = $(patsubst %.c,$(BUILD)/$(1)/obj/%.o,$(2))

REL_LIB  := $(BUILD)/rel/liblcp.a
ASAN_LIB := $(BUILD)/asan/liblcp.a
FUZZ_LIB := $(BUILD)/fuzz/liblcp.a

REL_TESTS  := $(patsubst tests/%.c,$(BUILD)/rel/tests/%,$(TEST_SRCS))
ASAN_TESTS := $(patsubst tests/%.c,$(BUILD)/asan/tests/%,$(TEST_SRCS))
FUZZERS    := $(patsubst fuzz/%.c,$(BUILD)/fuzz/bin/%,$(FUZZ_SRCS))
BENCHES    := $(patsubst bench/%.c,$(BUILD)/rel/bench/%,$(BENCH_MAINS))

.PHONY: all deps lib tests test run fuzz fuzz-build bench clean check-layers reproduce contracts-test
.SECONDARY:
.SECONDEXPANSION:

all: $(BUILD)/rel/bin/lcp $(BUILD)/rel/bin/lcp-enclave

deps:
	@sh mk/deps.sh

# ---- generated protobuf-c code ----
$(BUILD)/gen/proto/%.pb-c.c $(BUILD)/gen/proto/%.pb-c.h: proto/%.proto
	@mkdir -p $(BUILD)/gen/proto
	@$(if $(V),true,echo "  PROTOC $@")
	$(Q)protoc-c --proto_path=proto --c_out=$(BUILD)/gen/proto $<

# ---- objects per variant ----
$(BUILD)/rel/obj/%.o: %.c $(PROTO_C)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC     $@")
	$(Q)$(CC) $(REL_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/asan/obj/%.o: %.c $(PROTO_C)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC     $@")
	$(Q)$(CC) $(ASAN_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/fuzz/obj/%.o: %.c $(PROTO_C)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC     $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

# Generated code is compiled without -Werror's pickier flags: it is protobuf-c's output, not ours.
GEN_FLAGS := -Wno-missing-prototypes -Wno-shadow
$(BUILD)/rel/obj/$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC     $@")
	$(Q)$(CC) $(REL_CFLAGS) $(GEN_FLAGS) -c $< -o $@
$(BUILD)/asan/obj/$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC     $@")
	$(Q)$(CC) $(ASAN_CFLAGS) $(GEN_FLAGS) -c $< -o $@
$(BUILD)/fuzz/obj/$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC     $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(GEN_FLAGS) -c $< -o $@

$(BUILD)/%/liblcp.a: $$(call objs,$$*,$(LIB_SRCS) $(PROTO_C))
	@rm -f $@
	@$(if $(V),true,echo "  AR     $@")
	$(Q)ar rcs $@ $^

# ---- programs ----
$(BUILD)/rel/bin/lcp: $(call objs,rel,$(CLI_SRCS)) $(REL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/asan/bin/lcp: $(call objs,asan,$(CLI_SRCS)) $(ASAN_LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(ASAN_CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/rel/bin/lcp-enclave: $(call objs,rel,$(ENCLAVE_BIN_SRCS)) $(REL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(REL_CFLAGS) -Wl,--build-id=none -Wl,-Map=$@.map -o $@ $^ $(ENCLAVE_STATIC_LIBS) 2>$@.ldlog || { cat $@.ldlog; exit 1; }
# ASan cannot link statically: the sanitizer build of the enclave is dynamic (it is for tests, never deployed).
$(BUILD)/asan/bin/lcp-enclave: $(call objs,asan,$(ENCLAVE_BIN_SRCS)) $(ASAN_LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(ASAN_CFLAGS) -o $@ $^ $(LIBS) -lseccomp
$(BUILD)/rel/obj/src/enclave/bin/%.o: src/enclave/bin/%.c $(PROTO_C)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC     $@")
	$(Q)$(CC) $(REL_CFLAGS) $(ENCLAVE_CONFIG) -MMD -MP -c $< -o $@
$(BUILD)/asan/obj/src/enclave/bin/%.o: src/enclave/bin/%.c $(PROTO_C)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC     $@")
	$(Q)$(CC) $(ASAN_CFLAGS) $(ENCLAVE_CONFIG) -MMD -MP -c $< -o $@

# ---- tests ----
$(BUILD)/rel/tests/%: $(call objs,rel,tests/%.c) $(call objs,rel,$(TEST_COMMON)) $(REL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)
$(BUILD)/asan/tests/%: $(call objs,asan,tests/%.c) $(call objs,asan,$(TEST_COMMON)) $(ASAN_LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(ASAN_CFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

tests: $(REL_TESTS) $(ASAN_TESTS) $(BUILD)/rel/bin/lcp $(BUILD)/asan/bin/lcp $(BUILD)/rel/bin/lcp-enclave $(BUILD)/asan/bin/lcp-enclave \
       $(BUILD)/rel/bin/lcp-lc-driver

# Runs every test binary in both variants, then the CLI tests, and prints one summary line.
test: deps
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) sh mk/run-tests.sh $(REL_TESTS) $(ASAN_TESTS) contracts/run-tests.sh

# The on-chain LCP client (contracts/): pinned solc from npm, tests on an in-process EVM; `make test` runs it too.
# The driver puts the C client behind a line protocol for the contract tests' differential comparison.
$(BUILD)/rel/bin/lcp-lc-driver: $(call objs,rel,contracts/driver/lc_driver.c) $(REL_LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS)
contracts-test: $(BUILD)/rel/bin/lcp-lc-driver $(BUILD)/rel/bin/lcp $(BUILD)/rel/bin/lcp-enclave
	@BUILD=$(BUILD) sh contracts/run-tests.sh

run: deps
	@$(MAKE) --no-print-directory $(BUILD)/rel/bin/lcp $(BUILD)/rel/bin/lcp-enclave
	@BUILD=$(BUILD) sh mk/run.sh

# ---- fuzzing ----
$(BUILD)/fuzz/bin/%: $(call objs,fuzz,fuzz/%.c) $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz-build: $(FUZZERS)
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@TESTDATA=$(TESTDATA) sh mk/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZERS)

# ---- benchmarks ----
$(BUILD)/rel/bench/%: $(call objs,rel,bench/%.c) $(call objs,rel,bench/harness.c) $(REL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS)
# bench/tendermint builds its chains with the tests' chain generator (linked before the library it uses).
$(BUILD)/rel/bench/tendermint: $(call objs,rel,bench/tendermint.c bench/harness.c tests/common/tmchain.c tests/common/tmchain_state.c) $(REL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/rel/bench/service: $(call objs,rel,bench/service.c bench/harness.c tests/common/tmchain.c tests/common/grpcc.c) $(REL_LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS)
bench: deps
	@$(MAKE) --no-print-directory $(BENCHES) $(BUILD)/rel/bin/lcp $(BUILD)/rel/bin/lcp-enclave
	@sh mk/run-bench.sh $(BENCHES)

# Two clean builds of lcp-enclave in separate directories must be byte-identical (same MRENCLAVE).
reproduce: deps
	@$(MAKE) --no-print-directory $(BUILD)/rel/bin/lcp
	@BUILD=$(BUILD) sh mk/reproduce.sh

check-layers:
	@sh mk/check-layers.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
