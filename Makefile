# fakenet: plain GNU make with pkg-config. `make`, `make check`, `make check-asan`, `make bench`, `make install`.
PREFIX    ?= /usr/local
DESTDIR   ?=
# make ARCH=i386 (WebVM's architecture): the same build into build-i386/ with Debian's i686 cross
# compiler against an i386 Debian tree of its own (tools/i386-root builds it once, cached outside
# the repository; the host's dpkg never gets the i386 architecture).
ifeq ($(ARCH),i386)
BUILD     ?= build-i386
FAKENET_I386_ROOT ?= /var/cache/fakenet/bookworm-i386
export FAKENET_I386_ROOT
ifneq ($(MAKECMDGOALS),clean)
I386_TREE := $(shell tools/i386-root "$(FAKENET_I386_ROOT)")
ifneq ($(.SHELLSTATUS),0)
$(error the i386 sysroot $(FAKENET_I386_ROOT) could not be built (tools/i386-root said why above))
endif
endif
PKG_CONFIG ?= PKG_CONFIG_SYSROOT_DIR=$(I386_TREE) \
	PKG_CONFIG_LIBDIR=$(I386_TREE)/usr/lib/i386-linux-gnu/pkgconfig:$(I386_TREE)/usr/share/pkgconfig pkg-config
# libfuse3 insists on a 64-bit off_t; the preload library keeps the default so that its open and
# open64 stay two symbols.
FUSE_ARCH_CFLAGS := -D_FILE_OFFSET_BITS=64
ifeq ($(origin CC),default)
CC        := i686-linux-gnu-gcc --sysroot=$(I386_TREE)
endif
endif
BUILD     ?= build
CC        ?= cc
PKG_CONFIG ?= pkg-config

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARN) -D_GNU_SOURCE -Ilib $(CFLAGS) $(SAN)
LDFLAGS   ?=

FUSE_CFLAGS   = $(shell $(PKG_CONFIG) --cflags fuse3) $(FUSE_ARCH_CFLAGS)
FUSE_LIBS     = $(shell $(PKG_CONFIG) --libs fuse3)
YAML_CFLAGS   = $(shell $(PKG_CONFIG) --cflags yaml-0.1)
YAML_LIBS     = $(shell $(PKG_CONFIG) --libs yaml-0.1)
PCRE_CFLAGS   = $(shell $(PKG_CONFIG) --cflags libpcre2-8)
PCRE_LIBS     = $(shell $(PKG_CONFIG) --libs libpcre2-8)
CMOCKA_LIBS   = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

LIB_SRC    := $(sort $(wildcard lib/*.c))
FAKEFS_SRC := $(sort $(wildcard fakefs/*.c))
RUNNER_SRC := $(sort $(wildcard runner/*.c runner/*/*.c))
SHIM_SRC   := $(sort $(wildcard shims/*.c))
RUNTIME_SRC := $(sort $(wildcard runtime/*.c))
UNIT_SRC   := $(sort $(wildcard tests/unit/*.c))
BENCH_SRC  := $(sort $(wildcard bench/*.c))

LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/lib/embedded_identities.o
FAKEFS_OBJ := $(FAKEFS_SRC:%.c=$(BUILD)/%.o)
RUNNER_OBJ := $(RUNNER_SRC:%.c=$(BUILD)/%.o) $(BUILD)/runner/embedded_probes.o
SHIM_OBJ   := $(SHIM_SRC:%.c=$(BUILD)/%.o)
RUNTIME_OBJ := $(RUNTIME_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_BIN  := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

# Every tool the multi-call shim answers to, a link per name in build/shims/: read from the one
# list in lib/shim_tools.c, which run and install also use.
SHIM_TOOLS := $(shell sed -n '/shim-tools-begin/,/shim-tools-end/s/^[[:space:]]*"\([^"]*\)",$$/\1/p' lib/shim_tools.c)

# Static shims must not drag in an ASan runtime that cannot link statically.
SHIM_STATIC ?= -static
# A sanitizer build links the sanitizer runtimes into every program (gcc's are shared unless
# asked; clang's are static already): the runtime then comes first whatever a caller or a run
# preloads (LD_PRELOAD, the preload library). Its shim, placed into containers' roots just like the
# static one, takes its libraries in too, so that it needs no more of a root than its C library.
SAN_LDFLAGS = $(if $(SAN),$(if $(findstring clang,$(CC)),,-static-libasan -static-libubsan))
SHIM_SAN_LIBS = -Wl,-Bstatic $(YAML_LIBS) $(PCRE_LIBS) -Wl,-Bdynamic
SHIM_LIBS = $(if $(SAN),$(SHIM_SAN_LIBS),$(SHIM_STATIC) $(YAML_LIBS) $(PCRE_LIBS))
# fakenet itself is a static PIE too: loading and relocating its shared libraries was a third of
# `fakenet run`'s startup. The one linker warning of that link is glibc's note that libfuse's
# high-level module loader (fuse_get_module, never called by the low-level API fakenet uses) would
# need dlopen; it is silenced there only. Sanitizer builds link the same objects dynamically, with
# every linker warning.
RUNNER_STATIC ?= -static-pie -Wl,--no-warnings

.PHONY: all deps check check-asan bench install uninstall run clean format format-check


all: $(BUILD)/fakenet $(BUILD)/fakenet-shim $(BUILD)/fakenet-runtime shim-links $(UNIT_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(FUSE_CFLAGS) $(YAML_CFLAGS) $(PCRE_CFLAGS) -MMD -MP -c $< -o $@

# The shipped identities, embedded so the binary works with no data files installed.
$(BUILD)/lib/embedded_identities.o: lib/embedded_identities.S $(wildcard identities/*.yaml)
	@mkdir -p $(@D)
	$(CC) -c -I. $< -o $@

$(BUILD)/runner/embedded_probes.o: runner/embedded_probes.S runner/probes.yaml runner/tells.yaml
	@mkdir -p $(@D)
	$(CC) -c -I. $< -o $@

# The runner's rooms (runner/: the commands; run/, net/, oci/: what they run on) include each
# other's headers by name, and the FUSE server's.
RUNNER_INC := -Irunner -Irunner/run -Irunner/net -Irunner/oci -Ifakefs
$(RUNNER_OBJ): ALL_CFLAGS += $(RUNNER_INC)

$(BUILD)/libfakenet.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/fakenet: $(RUNNER_OBJ) $(FAKEFS_OBJ) $(BUILD)/libfakenet.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(SAN_LDFLAGS) $(if $(SAN),,$(RUNNER_STATIC)) -o $@ $^ \
		$(FUSE_LIBS) $(YAML_LIBS) $(PCRE_LIBS) -lpthread

$(BUILD)/fakenet-shim: $(SHIM_OBJ) $(BUILD)/libfakenet.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(SAN_LDFLAGS) -o $@ $^ $(SHIM_LIBS)

# The runc-compatible wrapper that adds fakenet's OCI hook to a bundle (runtime/): static too, as
# engines run it with whatever environment they have.
$(BUILD)/fakenet-runtime: $(RUNTIME_OBJ) $(BUILD)/libfakenet.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(SAN_LDFLAGS) $(if $(SAN),,-static) -o $@ $^

.PHONY: shim-links
shim-links: $(BUILD)/fakenet-shim
	@mkdir -p $(BUILD)/shims
	@for t in $(SHIM_TOOLS); do ln -sf ../fakenet-shim $(BUILD)/shims/$$t; done

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libfakenet.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_LDFLAGS) $(YAML_CFLAGS) -o $@ $< $(filter %.o,$^) $(BUILD)/libfakenet.a \
		$(CMOCKA_LIBS) $(YAML_LIBS) $(PCRE_LIBS)

# The runner's report is tested alone, linked with the library it uses.
$(BUILD)/tests/test_report: $(BUILD)/runner/report.o
# So is the choice of the mounts a layered directory keeps (submounts.c).
$(BUILD)/tests/test_submounts: $(BUILD)/runner/run/submounts.o $(BUILD)/runner/report.o
$(BUILD)/tests/test_submounts: ALL_CFLAGS += $(RUNNER_INC)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libfakenet.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_LDFLAGS) -o $@ $^ $(YAML_LIBS) $(PCRE_LIBS)

# Debian 12 packages needed to build and test (idempotent).
deps:
	tools/install-deps

# One command runs every test: prove over the C unit tests and the bats scenario tests.
check: all
	tests/run-all $(BUILD)

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer, in its own build tree. The
# preload library is built without sanitizers (it loads into uninstrumented programs); the
# sanitized programs it also loads into carry their runtimes inside (SAN_LDFLAGS).
check-asan:
	$(MAKE) BUILD=build-asan SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" CFLAGS="-O1 -g" check

bench: all $(BENCH_BIN)
	bench/run $(BUILD)

# What a target sees under the default identity.
run: all
	$(BUILD)/fakenet run -- sh -c 'cat /proc/net/route /proc/net/arp; ls -l /sys/class/net; cat /sys/class/net/*/address /etc/hosts /etc/resolv.conf'

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/fakenet/shims \
		$(DESTDIR)$(PREFIX)/share/fakenet/identities $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/containers/oci/hooks.d
	install -m 0755 $(BUILD)/fakenet $(DESTDIR)$(PREFIX)/bin/fakenet
	install -m 0755 $(BUILD)/fakenet-runtime $(DESTDIR)$(PREFIX)/bin/fakenet-runtime
	$(BUILD)/fakenet oci-hook --hooks-json --path $(PREFIX)/bin/fakenet \
		>$(DESTDIR)$(PREFIX)/share/containers/oci/hooks.d/fakenet.json
	install -m 0755 $(BUILD)/fakenet-shim $(DESTDIR)$(PREFIX)/libexec/fakenet/fakenet-shim
	install -m 0755 $(BUILD)/libfakenet-preload.so $(DESTDIR)$(PREFIX)/libexec/fakenet/
	for t in $(SHIM_TOOLS); do ln -sf ../fakenet-shim $(DESTDIR)$(PREFIX)/libexec/fakenet/shims/$$t; done
	install -m 0644 identities/*.yaml $(DESTDIR)$(PREFIX)/share/fakenet/identities/
	install -m 0644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/fakenet $(DESTDIR)$(PREFIX)/bin/fakenet-runtime
	rm -f $(DESTDIR)$(PREFIX)/share/containers/oci/hooks.d/fakenet.json
	rm -rf $(DESTDIR)$(PREFIX)/libexec/fakenet $(DESTDIR)$(PREFIX)/share/fakenet
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/fakenet*.1 $(DESTDIR)$(PREFIX)/share/man/man5/fakenet*.5

# Every C file of the tree, the tests' helpers included.
FORMAT_SRC = $(wildcard */*.c */*.h runner/*/*.c runner/*/*.h tests/*/*.c)

format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run -Werror $(FORMAT_SRC)

clean:
	rm -rf build build-asan build-i386

# Parts with build rules of their own (the preload library, cross builds).
-include $(wildcard */part.mk)
include tests/fuzz/fuzz.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
