# The i386 build's own targets (the variables that make ARCH=i386 switches are at the top of the
# Makefile; that build makes its sysroot, the cached i386 Debian tree, with tools/i386-root).
# make check builds it first (cheap once it exists) for tests/i386.bats; make check-i386 runs the
# whole suite with the i386 build.
.PHONY: i386-build i386-binfmt i386-root i386-ready check-i386 check-fresh

I386_BUILD := build-i386
FAKENET_I386_ROOT ?= /var/cache/fakenet/bookworm-i386
export FAKENET_I386_ROOT

i386-root:
	tools/i386-root "$(FAKENET_I386_ROOT)" >/dev/null

# BUILD and SAN are set again because a parent make's command line (check-asan) reaches here.
i386-build:
	@command -v i686-linux-gnu-gcc >/dev/null || { \
		echo "i386-build: no i686-linux-gnu-gcc: run tools/install-deps" >&2; exit 1; }
	$(MAKE) ARCH=i386 BUILD=$(I386_BUILD) SAN= all

# A kernel without IA32 emulation runs the i386 binaries through qemu-i386-static.
i386-binfmt:
	tools/binfmt-i386

i386-ready: i386-build i386-binfmt

ifneq ($(ARCH),i386)
check: i386-ready
endif

# deny-ns filters the kernel's own system calls (its arch check is the host's), so even the i386
# tree gets it built for the host: an i386 deny-ns cannot install it under qemu, which refuses
# seccomp filters to its guests.
ifeq ($(ARCH),i386)
$(BUILD)/tests/preload/deny-ns: override CC := cc
$(BUILD)/tests/preload/deny-ns: tools/part.mk
endif

# The host build too: the i386 tests compare against the host's programs.
check-i386: i386-ready all
	$(MAKE) ARCH=i386 BUILD=$(I386_BUILD) SAN= check

# The README's two commands, as written, in a pristine Debian 12 tree (tools/check-fresh).
check-fresh:
	tools/check-fresh
