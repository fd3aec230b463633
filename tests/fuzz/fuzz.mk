# libFuzzer targets (tests/fuzz/fuzz_*.c), built with clang under ASan and UBSan into
# BUILD/fuzz/ whenever clang is installed. `make fuzz FUZZ_SECONDS=N` runs each for N seconds;
# tests/fuzz.bats (part of make check) runs each over its checked-in corpus once.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_DIR)/%)
# The code under test: lib/ and the runner files the targets reach (probes, log summary, the
# audit socket's event reader with the reports it links with).
FUZZ_UNITS   := $(LIB_SRC) runner/run/probes.c runner/cmd_log.c runner/run/auditsock.c \
		runner/report.c
FUZZ_OBJ     := $(FUZZ_UNITS:%.c=$(FUZZ_DIR)/obj/%.o) $(FUZZ_DIR)/obj/embedded.o
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS   = -std=gnu11 $(WARN) -D_GNU_SOURCE -Ilib $(RUNNER_INC) -O1 -g $(FUZZ_SAN) \
		$(YAML_CFLAGS) $(PCRE_CFLAGS)

# Native builds make them (also make check-asan: they carry their own sanitizers), with clang.
ifeq ($(ARCH),)
ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
all: $(FUZZ_BIN)
endif
endif

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_DIR)/obj/embedded.o: lib/embedded_identities.S runner/embedded_probes.S \
		$(wildcard identities/*.yaml) runner/probes.yaml
	@mkdir -p $(@D)
	$(FUZZ_CC) -c -I. lib/embedded_identities.S -o $(FUZZ_DIR)/obj/embedded_identities.o
	$(FUZZ_CC) -c -I. runner/embedded_probes.S -o $(FUZZ_DIR)/obj/embedded_probes.o
	ld -r -o $@ $(FUZZ_DIR)/obj/embedded_identities.o $(FUZZ_DIR)/obj/embedded_probes.o

$(FUZZ_DIR)/%: tests/fuzz/%.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(YAML_LIBS) $(PCRE_LIBS) \
		-lpthread

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	tests/fuzz/run $(FUZZ_DIR) $(FUZZ_SECONDS)

.SECONDARY: $(FUZZ_OBJ)
