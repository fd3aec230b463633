# The i386 build's own targets (the variables that make ARCH=i386 switch are at the top of the
# Makefile). make deps-i386 installs the toolchain; make check-i386 builds build-i386/ and runs the
# suite with it: the i386 binaries run here through the kernel's 32-bit support.
.PHONY: deps-i386 check-i386

deps-i386:
	tools/install-deps-i386

check-i386:
	$(MAKE) ARCH=i386 check
