# The i386 build's own targets (the variables that make ARCH=i386 switches are at the top of the
# Makefile). make deps-i386 installs the toolchain; make check-i386 builds build-i386/ and runs the
# whole suite with it, which needs a kernel that runs i386 binaries (IA32 emulation): WebVM's
# architecture costs a second full run, so it stays out of make check.
.PHONY: deps-i386 check-i386

deps-i386:
	tools/install-deps-i386

check-i386:
	$(MAKE) ARCH=i386 all
	@build-i386/fakenet-shim --help >/dev/null 2>&1 || { \
		echo "check-i386: this kernel cannot run the i386 binaries (no IA32 emulation);" \
		     "build-i386/ is built but untested" >&2; exit 1; }
	$(MAKE) ARCH=i386 check
