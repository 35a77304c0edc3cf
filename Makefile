# lcp-c build. `make` builds the release variant; `make test` builds and runs every test twice (release, then
# ASan+UBSan); `make run` runs the demonstration; `make fuzz` runs each libFuzzer target for FUZZ_SECONDS;
# `make bench` prints the benchmark figures. Sources are found by wildcard: a new src/<module>/<job>.c or
# tests/<module>/test_<behaviour>.c needs no Makefile edit. `make test` also builds everything once more with the
# other compiler (clang after gcc, or gcc after clang; `make cc-check`), so both keep compiling and linking.

CC       ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif
FUZZ_CC  ?= clang
FUZZ_SECONDS ?= 20
TESTDATA ?= $(abspath ../shared/testdata)
# Each parallel worker may build into its own tree: make BUILD=build-foo test
BUILD    ?= build

# Floors 1-6 make the library; cli is the `lcp` program. dev holds development tools (the Tendermint test-chain
# generator) for the CLI, tests and benchmarks.
LIB_MODULES := base crypto codec commitment attestation tee elc lcpclient enclave host service dev
LIBS     := -lssl -lcrypto -lsecp256k1 -lsodium -lcjson -lprotobuf-c -llmdb -lnghttp2 -lpthread
TEST_LIBS := -lcmocka

# V=1 shows every command.
Q := $(if $(V),,@)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Isrc -I$(BUILD)/gen -Itests/common -fno-strict-aliasing -ffile-prefix-map=$(CURDIR)=. \
               -DLCP_TESTDATA='"$(TESTDATA)"' -DLCP_ROOT='"$(CURDIR)"'
# cc-check builds at -O0 (cheap: it is there for the compiler's diagnostics and the links, never run).
REL_OPT  ?= -O2 -g -D_FORTIFY_SOURCE=2
REL_CFLAGS  := $(BASE_CFLAGS) $(REL_OPT) -fstack-protector-strong
ASAN_CFLAGS := $(BASE_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
TSAN_CFLAGS := $(BASE_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=thread
FUZZ_CFLAGS := $(BASE_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
               -Wno-unused-command-line-argument

# The test enclave's additions (the mock light client, the sandbox diagnostic): linked only into lcp-enclave-test,
# tests, benchmarks and fuzzers, never into the release lcp-enclave.
TEST_ENCLAVE_SRCS := src/elc/mock.c src/enclave/bin/test_enclave.c
LIB_SRCS  := $(filter-out $(TEST_ENCLAVE_SRCS),$(foreach m,$(LIB_MODULES),$(wildcard src/$(m)/*.c)))
PROTO_SRCS := $(wildcard proto/*.proto)
PROTO_C   := $(patsubst proto/%.proto,$(BUILD)/gen/proto/%.pb-c.c,$(PROTO_SRCS))
CLI_SRCS  := $(wildcard src/cli/*.c)
ENCLAVE_BIN_SRCS := $(filter-out $(TEST_ENCLAVE_SRCS),$(wildcard src/enclave/bin/*.c))
# The trust boundary as a build product (DESIGN.md): lcp-enclave links one archive, liblcp_trusted.a, built only
# from the modules inside the enclave - base, crypto, codec, commitment, the report parts of attestation, tee, elc,
# enclave - and the ECALL messages. Not host, service, cli, lcpclient, dev, nor attestation's issuer and verifiers:
# a trusted file that calls them does not link. It is a thin archive, so the linker map names each member by its
# path and mk/tcb-lines.sh counts exactly what was linked.
TRUSTED_MODULES := base crypto codec commitment tee elc enclave
TRUSTED_ATTESTATION := src/attestation/sgx_report.c
TRUSTED_SRCS := $(filter-out $(TEST_ENCLAVE_SRCS),$(foreach m,$(TRUSTED_MODULES),$(wildcard src/$(m)/*.c))) $(TRUSTED_ATTESTATION)
TRUSTED_PROTO_C := $(BUILD)/gen/proto/lcp_enclave.pb-c.c
HOST_SRCS := $(filter-out $(TRUSTED_SRCS),$(LIB_SRCS))
HOST_PROTO_C := $(filter-out $(TRUSTED_PROTO_C),$(PROTO_C))
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

# The host-side library (liblcp_host.a) uses the trusted one, never the other way round, so it comes first.
REL_LIB  := $(BUILD)/rel/liblcp_host.a $(BUILD)/rel/liblcp_trusted.a
ASAN_LIB := $(BUILD)/asan/liblcp_host.a $(BUILD)/asan/liblcp_trusted.a
FUZZ_LIB := $(BUILD)/fuzz/liblcp_host.a $(BUILD)/fuzz/liblcp_trusted.a
# What tests link: the test enclave's additions first (they use the library).
REL_TLIB  := $(BUILD)/rel/liblcp_test.a $(REL_LIB)
ASAN_TLIB := $(BUILD)/asan/liblcp_test.a $(ASAN_LIB)
FUZZ_TLIB := $(BUILD)/fuzz/liblcp_test.a $(FUZZ_LIB)

REL_TESTS  := $(patsubst tests/%.c,$(BUILD)/rel/tests/%,$(TEST_SRCS))
ASAN_TESTS := $(patsubst tests/%.c,$(BUILD)/asan/tests/%,$(TEST_SRCS))
FUZZERS    := $(patsubst fuzz/%.c,$(BUILD)/fuzz/bin/%,$(FUZZ_SRCS))
BENCHES    := $(patsubst bench/%.c,$(BUILD)/rel/bench/%,$(BENCH_MAINS))

.PHONY: all deps lib tests test tsan run fuzz fuzz-build contracts-fuzz bench clean check-layers reproduce everything cc-check tcb install monitoring-rules mrenclave-update contracts-test
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
$(BUILD)/tsan/obj/%.o: %.c $(PROTO_C)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC     $@")
	$(Q)$(CC) $(TSAN_CFLAGS) -MMD -MP -c $< -o $@
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
$(BUILD)/tsan/obj/$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC     $@")
	$(Q)$(CC) $(TSAN_CFLAGS) $(GEN_FLAGS) -c $< -o $@
$(BUILD)/fuzz/obj/$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC     $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(GEN_FLAGS) -c $< -o $@

$(BUILD)/%/liblcp_host.a: $$(call objs,$$*,$(HOST_SRCS) $(HOST_PROTO_C))
	@rm -f $@
	@$(if $(V),true,echo "  AR     $@")
	$(Q)ar rcs $@ $^
$(BUILD)/%/liblcp_trusted.a: $$(call objs,$$*,$(TRUSTED_SRCS) $(TRUSTED_PROTO_C))
	@rm -f $@
	@$(if $(V),true,echo "  AR     $@")
	$(Q)ar rcsT $@ $^
$(BUILD)/%/liblcp_test.a: $$(call objs,$$*,$(TEST_ENCLAVE_SRCS))
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

$(BUILD)/rel/bin/lcp-enclave: $(call objs,rel,$(ENCLAVE_BIN_SRCS)) $(BUILD)/rel/liblcp_trusted.a
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(REL_CFLAGS) -Wl,--build-id=none -Wl,-Map=$@.map -o $@ $^ $(ENCLAVE_STATIC_LIBS) 2>$@.ldlog || { cat $@.ldlog; exit 1; }
# ASan cannot link statically: the sanitizer build of the enclave is dynamic (it is for tests, never deployed).
$(BUILD)/asan/bin/lcp-enclave: $(call objs,asan,$(ENCLAVE_BIN_SRCS)) $(BUILD)/asan/liblcp_trusted.a
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(ASAN_CFLAGS) -o $@ $^ $(LIBS) -lseccomp
# The test enclave: the same program compiled with LCP_TEST_ENCLAVE, plus the mock light client and the sandbox
# diagnostic. Another binary, so another MRENCLAVE; EnclaveInfo (`lcp enclave metadata`) says test_enclave.
TEST_ENCLAVE_OBJS = $(call objs,$(1),src/enclave/bin/lcp_enclave_test.c $(filter-out src/enclave/bin/lcp_enclave.c,$(ENCLAVE_BIN_SRCS)))
$(BUILD)/rel/bin/lcp-enclave-test: $(call TEST_ENCLAVE_OBJS,rel) $(BUILD)/rel/liblcp_test.a $(BUILD)/rel/liblcp_trusted.a
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(REL_CFLAGS) -Wl,--build-id=none -o $@ $^ $(ENCLAVE_STATIC_LIBS) 2>$@.ldlog || { cat $@.ldlog; exit 1; }
$(BUILD)/asan/bin/lcp-enclave-test: $(call TEST_ENCLAVE_OBJS,asan) $(BUILD)/asan/liblcp_test.a $(BUILD)/asan/liblcp_trusted.a
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(ASAN_CFLAGS) -o $@ $^ $(LIBS) -lseccomp
$(BUILD)/%/obj/src/enclave/bin/lcp_enclave_test.o: src/enclave/bin/lcp_enclave.c $(PROTO_C)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC     $@")
	$(Q)$(CC) $(if $(filter asan,$*),$(ASAN_CFLAGS),$(REL_CFLAGS)) $(ENCLAVE_CONFIG) -DLCP_TEST_ENCLAVE=1 -MMD -MP -c $< -o $@
$(BUILD)/rel/obj/src/enclave/bin/%.o: src/enclave/bin/%.c $(PROTO_C)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC     $@")
	$(Q)$(CC) $(REL_CFLAGS) $(ENCLAVE_CONFIG) -MMD -MP -c $< -o $@
$(BUILD)/asan/obj/src/enclave/bin/%.o: src/enclave/bin/%.c $(PROTO_C)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  CC     $@")
	$(Q)$(CC) $(ASAN_CFLAGS) $(ENCLAVE_CONFIG) -MMD -MP -c $< -o $@

# ---- tests ----
$(BUILD)/rel/tests/%: $(call objs,rel,tests/%.c) $(call objs,rel,$(TEST_COMMON)) $(REL_TLIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)
$(BUILD)/asan/tests/%: $(call objs,asan,tests/%.c) $(call objs,asan,$(TEST_COMMON)) $(ASAN_TLIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(ASAN_CFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)
$(BUILD)/tsan/tests/%: $(call objs,tsan,tests/%.c) $(call objs,tsan,$(TEST_COMMON)) $(BUILD)/tsan/liblcp_test.a \
                      $(BUILD)/tsan/liblcp_host.a $(BUILD)/tsan/liblcp_trusted.a
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(TSAN_CFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

tests: $(REL_TESTS) $(ASAN_TESTS) $(BUILD)/rel/bin/lcp $(BUILD)/asan/bin/lcp $(BUILD)/rel/bin/lcp-enclave $(BUILD)/asan/bin/lcp-enclave \
       $(BUILD)/rel/bin/lcp-enclave-test $(BUILD)/asan/bin/lcp-enclave-test \
       $(BUILD)/rel/bin/lcp-lc-driver $(BUILD)/rel/bin/lcp-eth-chain $(BUILD)/rel/bin/lcp-tm-chain

# Every program, test and benchmark of the release variant (what cc-check builds with the other compiler).
everything: $(BUILD)/rel/bin/lcp $(BUILD)/rel/bin/lcp-enclave $(BUILD)/rel/bin/lcp-enclave-test $(REL_TESTS) $(BENCHES) \
            $(BUILD)/rel/bin/lcp-lc-driver $(BUILD)/rel/bin/lcp-eth-chain $(BUILD)/rel/bin/lcp-tm-chain

# The other compiler builds everything too (compile and link at -O0, in its own tree): CI runs only `make test`,
# and gcc and clang each warn about things the other does not.
OTHER_CC ?= $(if $(findstring clang,$(notdir $(CC))),gcc,clang)
cc-check:
	@echo "  CHECK  everything with $(OTHER_CC) (-O0, $(BUILD)/cc-$(OTHER_CC))"
	$(Q)$(MAKE) --no-print-directory -j2 CC=$(OTHER_CC) BUILD=$(BUILD)/cc-$(OTHER_CC) REL_OPT=-O0 TESTDATA=$(TESTDATA) everything \
	    > $(BUILD)/cc-$(OTHER_CC).log 2>&1 || { tail -40 $(BUILD)/cc-$(OTHER_CC).log; echo "cc-check: $(OTHER_CC) build failed"; exit 1; }

# The trusted computing base's size, from the linker map.
tcb: $(BUILD)/rel/bin/lcp-enclave
	@BUILD=$(BUILD) sh mk/tcb-lines.sh

# Runs every test binary in both variants, then the CLI tests, and prints one summary line.
test: deps
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) sh mk/run-tests.sh $(REL_TESTS) $(ASAN_TESTS) contracts/run-tests.sh

# The on-chain LCP client (contracts/): pinned solc from npm, tests on an in-process EVM; `make test` runs it too.
# The driver puts the C client behind a line protocol for the contract tests' differential comparison.
$(BUILD)/rel/bin/lcp-lc-driver: $(call objs,rel,contracts/driver/lc_driver.c) $(REL_LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS)
# lcp-eth-chain (test tool) writes the `lcp elc` inputs of a generated Ethereum chain for contracts/test/ethereum_own.
$(BUILD)/rel/bin/lcp-eth-chain: $(call objs,rel,contracts/driver/eth_chain.c contracts/driver/elc_inputs.c tests/common/ethchain.c tests/common/ethtrie.c) $(REL_TLIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS)
# lcp-tm-chain (test tool) writes the `lcp elc` inputs of a generated Tendermint chain (the dev module's generator,
# in liblcp_host) for contracts/test/tendermint_membership.
$(BUILD)/rel/bin/lcp-tm-chain: $(call objs,rel,contracts/driver/tm_chain.c contracts/driver/elc_inputs.c) $(REL_LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS)
contracts-test: $(BUILD)/rel/bin/lcp-lc-driver $(BUILD)/rel/bin/lcp-eth-chain $(BUILD)/rel/bin/lcp-tm-chain $(BUILD)/rel/bin/lcp $(BUILD)/rel/bin/lcp-enclave $(BUILD)/rel/bin/lcp-enclave-test
	@BUILD=$(BUILD) sh contracts/run-tests.sh

# ThreadSanitizer over the tests whose code runs on several threads: the two-thread BLS forms and their kept worker,
# the Tendermint verification pool, the store, the executor and committer, the service and its key rotation. Not part
# of `make test`: TSan needs a kernel address-space layout it supports, which not every CI host has. The lcp CLI and
# the enclaves these tests start are the release binaries (other processes: TSan watches the test process's
# threads). Left out: test_flood (it bounds the RSS growth that TSan's shadow memory breaks) and test_crash (it
# SIGKILLs forked writers).
TSAN_TESTS := crypto/test_bls elc/test_tm_parallel host/test_store host/test_exec host/test_lock host/test_enclave_proc \
              host/test_pccs host/test_attest_gramine service/test_lifecycle service/test_alloc_failure \
              service/test_grpc_wire service/test_grpc_tendermint service/test_grpc_ethereum service/test_key_rotation
tsan: $(patsubst %,$(BUILD)/tsan/tests/%,$(TSAN_TESTS)) $(BUILD)/rel/bin/lcp $(BUILD)/rel/bin/lcp-enclave \
      $(BUILD)/rel/bin/lcp-enclave-test
	@mkdir -p $(BUILD)/tsan/bin
	@for b in lcp lcp-enclave lcp-enclave-test; do ln -sf ../../rel/bin/$$b $(BUILD)/tsan/bin/$$b; done
	@for t in $(TSAN_TESTS); do echo "=== tsan $$t"; \
	    TSAN_OPTIONS="die_after_fork=0 halt_on_error=1" $(BUILD)/tsan/tests/$$t >$(BUILD)/tsan/last.log 2>&1 \
	        || { cat $(BUILD)/tsan/last.log; echo "tsan: $$t failed"; exit 1; }; done; echo "tsan: every test clean"

run: deps
	@$(MAKE) --no-print-directory $(BUILD)/rel/bin/lcp $(BUILD)/rel/bin/lcp-enclave
	@BUILD=$(BUILD) sh mk/run.sh

# ---- fuzzing ----
$(BUILD)/fuzz/bin/%: $(call objs,fuzz,fuzz/%.c) $(FUZZ_TLIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz-build: $(FUZZERS)
# The C parsers under libFuzzer, then the on-chain client's parsers (contracts/fuzz, on the EVM; `contracts-fuzz`).
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@rc=0; TESTDATA=$(TESTDATA) sh mk/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZERS) || rc=1; \
	$(MAKE) --no-print-directory contracts-fuzz || rc=1; exit $$rc
contracts-fuzz: $(BUILD)/rel/bin/lcp-lc-driver
	@BUILD=$(BUILD) LCP_TESTDATA=$(TESTDATA) sh contracts/run-tests.sh fuzz --seconds $(FUZZ_SECONDS)

# ---- benchmarks ----
$(BUILD)/rel/bench/%: $(call objs,rel,bench/%.c) $(call objs,rel,bench/harness.c) $(REL_TLIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS)
# bench/ethereum builds its chain with the tests' Ethereum chain generator.
$(BUILD)/rel/bench/ethereum: $(call objs,rel,bench/ethereum.c bench/harness.c tests/common/ethchain.c tests/common/ethtrie.c) $(REL_TLIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/rel/bench/service: $(call objs,rel,bench/service.c bench/harness.c tests/common/grpcc.c) $(REL_TLIB)
	@mkdir -p $(dir $@)
	@$(if $(V),true,echo "  LD     $@")
	$(Q)$(CC) $(REL_CFLAGS) -o $@ $^ $(LIBS)
bench: deps
	@$(MAKE) --no-print-directory $(BENCHES) $(BUILD)/rel/bin/lcp $(BUILD)/rel/bin/lcp-enclave $(BUILD)/rel/bin/lcp-enclave-test
	@sh mk/run-bench.sh $(BENCHES)

# lcp-enclave built twice under varied conditions (reprotest) must be byte-identical and measure to the value
# published in enclave/mrenclave.yaml (docs/reproduce.md).
reproduce: deps
	@$(MAKE) --no-print-directory $(BUILD)/rel/bin/lcp
	@BUILD=$(BUILD) sh mk/reproduce.sh

# Refreshes enclave/mrenclave.yaml from this tree's enclave build (after an intended change of enclave code).
mrenclave-update:
	@$(MAKE) --no-print-directory $(BUILD)/rel/bin/lcp $(BUILD)/rel/bin/lcp-enclave
	@sh mk/mrenclave.sh update $(BUILD)/rel/bin/lcp-enclave $(BUILD)/rel/bin/lcp

# deploy/monitoring/prometheusrule.yaml from the rule files (tests/ops/test_deploy.sh fails when it is stale).
monitoring-rules:
	@node tools/prometheusrule.mjs deploy/monitoring/prometheusrule.yaml

check-layers:
	@sh mk/check-layers.sh

# Installs the two programs side by side (lcp finds lcp-enclave beside itself): make install PREFIX=/usr/local
PREFIX  ?= /usr/local
DESTDIR ?=
install: $(BUILD)/rel/bin/lcp $(BUILD)/rel/bin/lcp-enclave
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/rel/bin/lcp $(BUILD)/rel/bin/lcp-enclave $(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
