#!/usr/bin/env bats
# tools/install-deps, tools/udev-root and tools/i386-root against stand-ins for dpkg, dpkg-query,
# dpkg-deb, apt-get, debootstrap and chroot (first on PATH; they log their calls): only the host's
# architecture counts as installed, a foreign architecture is never added, udev is unpacked and
# never installed, and every failed index, download or package is named with a non-zero exit. The
# stand-ins print what apt and debootstrap print on those failures.

load lib/common

setup() {
	# Readable by nobody too (the unprivileged case).
	new_tmpdir WORK /tmp/fakenet-install-deps.XXXXXX
	chmod 755 "$WORK"
	FAKE=$WORK/bin
	export STATE=$WORK/state CALLS=$WORK/calls
	mkdir -p "$FAKE" "$STATE"
	: >"$CALLS"
	chmod 666 "$CALLS"
	# dpkg-query -W -f=FORMAT PKG...: "PKG ARCH ii" for each package installed in $STATE, or
	# only "ii" where FORMAT asks for the status alone (PKG:ARCH).
	cat >"$FAKE/dpkg-query" <<-'EOF'
		#!/bin/sh
		echo "dpkg-query $*" >>"$CALLS"
		format=$2
		shift 2
		for p in "$@"; do
			case $format in
			*Package*) [ -f "$STATE/$p" ] && echo "$p $(cat "$STATE/$p") ii" ;;
			*) [ "$(cat "$STATE/${p%%:*}" 2>/dev/null)" = "${p#*:}" ] && printf 'ii ' ;;
			esac
		done
		exit 0
	EOF
	cat >"$FAKE/dpkg" <<-'EOF'
		#!/bin/sh
		echo "dpkg $*" >>"$CALLS"
		[ "$1" = --print-architecture ] && echo amd64
		exit 0
	EOF
	# apt-get update prints $UPDATE_OUT; apt-get install fails for the packages in $UNKNOWN and
	# installs the others (for amd64) unless $INSTALL_NOTHING; apt-get download fails for those in
	# $UNKNOWN too, and puts PKG_1_amd64.deb in the current directory for the others.
	cat >"$FAKE/apt-get" <<-'EOF'
		#!/bin/sh
		echo "apt-get $*" >>"$CALLS"
		if [ "$1" = update ]; then
			[ -z "${UPDATE_OUT:-}" ] || printf '%s\n' "$UPDATE_OUT"
			exit "${UPDATE_RC:-0}"
		fi
		if [ "$1" = download ]; then
			shift
			for p in "$@"; do
				case " ${UNKNOWN:-} " in *" $p "*) echo "E: Unable to locate package $p"; exit 100 ;; esac
				: >"${p}_1_amd64.deb"
			done
			exit 0
		fi
		shift 3
		for p in "$@"; do
			case " ${UNKNOWN:-} " in *" $p "*) echo "E: Unable to locate package $p"; exit 100 ;; esac
		done
		[ -n "${INSTALL_NOTHING:-}" ] || for p in "$@"; do echo amd64 >"$STATE/$p"; done
		exit 0
	EOF
	# dpkg-deb -f DEB Depends and -x DEB DIR for the packages udev-root fetches: udev needs
	# libkmod2, which needs libssl3; the "udevadm" prints its version and library path.
	cat >"$FAKE/dpkg-deb" <<-'EOF'
		#!/bin/sh
		echo "dpkg-deb $1 ${2##*/} ${3##*/}" >>"$CALLS"
		lib=usr/lib/x86_64-linux-gnu
		case "$1 ${2##*/}" in
		"-f udev_"*) echo "libacl1 (>= 2.2.23), libc6 (>= 2.34), libkmod2 (>= 5~), adduser, libudev1 (= 252)" ;;
		"-f libkmod2_"*) echo "libc6 (>= 2.34), libssl3 (>= 3.0.0) | libssl3t64" ;;
		"-x udev_"*)
			mkdir -p "$3/bin"
			printf '#!/bin/sh\necho 252 "$LD_LIBRARY_PATH"\n' >"$3/bin/udevadm"
			chmod 755 "$3/bin/udevadm" ;;
		"-x libkmod2_"*) mkdir -p "$3/$lib" && : >"$3/$lib/libkmod.so.2" ;;
		"-x libssl3_"*) mkdir -p "$3/$lib" && : >"$3/$lib/libcrypto.so.3" ;;
		esac
		exit 0
	EOF
	chmod +x "$FAKE"/*
	chmod 755 "$FAKE" "$STATE"
	# A udevadm already unpacked (tools/udev-root): nothing to fetch, unless a test says so.
	export FAKENET_UDEV_ROOT=$WORK/udev
	mkdir -p "$WORK/udev"
	printf '#!/bin/sh\necho 252\n' >"$WORK/udev/udevadm"
	chmod 755 "$WORK/udev/udevadm"
	PKGS=$(sed -n "/^pkgs=/,/^EOF/p" "$TOP/tools/install-deps" | sed -e '1d;$d' -e 's/#.*//' | grep .)
}

# Every package of install-deps' list installed for ARCH.
all_installed() {
	local p
	for p in $PKGS; do echo "$1" >"$STATE/$p"; done
}

install_deps() {
	run env PATH="$FAKE:$PATH" "$TOP/tools/install-deps"
}

@test "install-deps: everything installed for the host: nothing to do, apt not called" {
	require_root "install-deps installs only as root"
	[ "$(echo "$PKGS" | wc -l)" -gt 20 ]
	all_installed amd64
	install_deps
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	! grep -q '^apt-get' "$CALLS" || false
}

@test "install-deps: an i386 copy does not count; only host packages are installed, no architecture added" {
	require_root "install-deps installs only as root"
	all_installed amd64
	echo i386 >"$STATE/libfuse3-dev"
	echo all >"$STATE/bats"
	install_deps
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'apt-get install -y --no-install-recommends libfuse3-dev' "$CALLS"
	! grep -q -e 'add-architecture' -e ':i386' "$CALLS" || false
	[ "$(cat "$STATE/libfuse3-dev")" = amd64 ]
}

@test "install-deps: a failed index and a package apt cannot install are named; exit 1" {
	require_root "install-deps installs only as root"
	all_installed amd64
	rm "$STATE/libfuse3-dev" "$STATE/passt"
	UPDATE_OUT='W: Failed to fetch http://deb.debian.org/debian-security/dists/bookworm-security/main/binary-amd64/Packages  Hash Sum mismatch' \
		UNKNOWN=passt install_deps
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"apt-get update could not fetch every index"*"binary-amd64/Packages  Hash Sum mismatch"* ]]
	[[ "$output" == *"apt-get install failed"*"E: Unable to locate package passt"* ]]
	[[ "$output" == *"not installed for amd64: libfuse3-dev passt" ]]
}

@test "install-deps: apt says yes but a package is still missing: named, exit 1" {
	require_root "install-deps installs only as root"
	all_installed amd64
	rm "$STATE/qemu-user-static"
	INSTALL_NOTHING=1 install_deps
	[ "$status" -eq 1 ]
	[[ "$output" == *"not installed for amd64: qemu-user-static" ]]
}

@test "install-deps: not root, packages missing: names them and the fix, exit 1" {
	all_installed amd64
	rm "$STATE/bats"
	# A copy nobody can reach: a clone under /root is root's alone.
	cp "$TOP/tools/install-deps" "$WORK/install-deps"
	run env PATH="$FAKE:$PATH" setpriv --reuid=65534 --regid=65534 --clear-groups "$WORK/install-deps"
	[ "$status" -eq 1 ]
	[[ "$output" == *"missing packages: bats (run as root, or: sudo "* ]]
	! grep -q '^apt-get' "$CALLS" || false
}

@test "install-deps: udev is unpacked with the libraries the host lacks, never installed" {
	require_root "install-deps installs only as root"
	all_installed amd64
	echo amd64 >"$STATE/libc6"
	echo amd64 >"$STATE/libacl1"
	rm -r "$WORK/udev"
	install_deps
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'apt-get download udev' "$CALLS"
	grep -qx 'apt-get download libkmod2 libudev1' "$CALLS"
	grep -qx 'apt-get download libssl3' "$CALLS"
	[ "$(grep -c '^apt-get download' "$CALLS")" -eq 3 ]
	grep -qx 'dpkg-deb -x udev_1_amd64.deb tree' "$CALLS"
	# Nothing installed: no apt-get install, no dpkg -i, so no maintainer script ran.
	! grep -q -e '^apt-get install' -e '^dpkg -i' -e '^dpkg --install' "$CALLS" || false
	[ "$("$WORK/udev/udevadm" --version)" = "252 $WORK/udev/tree/usr/lib/x86_64-linux-gnu" ]
	[ -z "$(ls -d "$WORK"/udev.* 2>/dev/null)" ]
}

@test "install-deps: a udev package apt cannot download is named; exit 1, nothing left" {
	require_root "install-deps installs only as root"
	all_installed amd64
	rm -r "$WORK/udev"
	UNKNOWN=udev install_deps
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"E: Unable to locate package udev"*"apt-get download of udev failed"* ]]
	[ -z "$(ls -d "$WORK"/udev* 2>/dev/null)" ]
}

@test "install-deps: not root, nothing missing, no udevadm unpacked: says why, exit 0, nothing fetched" {
	all_installed amd64
	rm -r "$WORK/udev"
	# Copies nobody can reach (a clone under /root is root's alone), side by side as in tools/.
	mkdir -p "$WORK/tools"
	cp "$TOP/tools/install-deps" "$TOP/tools/udev-root" "$WORK/tools/"
	run env PATH="$FAKE:$PATH" setpriv --reuid=65534 --regid=65534 --clear-groups "$WORK/tools/install-deps"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"udev-root: building $WORK/udev needs root"* ]]
	[[ "$output" == *"install-deps: warning: no udevadm for the tests"* ]]
	! grep -q '^apt-get' "$CALLS" || false
	[ ! -e "$WORK/udev" ]
}

# udev_root_run DIR: tools/udev-root DIR with the stand-ins.
udev_root_run() {
	run env PATH="$FAKE:$PATH" "$TOP/tools/udev-root" "$1"
	echo "$output"
}

@test "udev-root: a directory it did not make is refused and left as it was, even as root" {
	require_root "refused even where removing would succeed"
	all_installed amd64
	rm "$WORK/udev/udevadm"
	echo mine >"$WORK/udev/keep"
	udev_root_run "$WORK/udev"
	[ "$status" -eq 1 ]
	[[ "$output" == *"udev-root: $WORK/udev exists but was not made by tools/udev-root"*"refusing to replace it"* ]]
	[ "$(cat "$WORK/udev/keep")" = mine ]
	! grep -q '^apt-get' "$CALLS" || false
	# A file in its place, too.
	rm -r "$WORK/udev"
	echo mine >"$WORK/udev"
	udev_root_run "$WORK/udev"
	[ "$status" -eq 1 ]
	[[ "$output" == *"refusing to replace it"* ]]
	[ "$(cat "$WORK/udev")" = mine ]
	# install-deps stops there and says so.
	install_deps
	[ "$status" -eq 1 ]
	[[ "$output" == *"refusing to replace it"*"install-deps: tools/udev-root failed"* ]]
	[ "$(cat "$WORK/udev")" = mine ]
	[ -z "$(ls -d "$WORK"/udev.* 2>/dev/null)" ]
}

@test "udev-root: a directory it made itself, whose udevadm no longer runs, is rebuilt" {
	require_root "building the tree"
	all_installed amd64
	echo amd64 >"$STATE/libc6"
	echo amd64 >"$STATE/libacl1"
	rm -r "$WORK/udev"
	udev_root_run "$WORK/udev"
	[ "$status" -eq 0 ]
	[ "$("$WORK/udev/udevadm" --version | cut -d' ' -f1)" = 252 ]
	printf '#!/bin/sh\nexit 1\n' >"$WORK/udev/udevadm"
	: >"$WORK/udev/stale"
	udev_root_run "$WORK/udev"
	[ "$status" -eq 0 ]
	[ "$("$WORK/udev/udevadm" --version | cut -d' ' -f1)" = 252 ]
	[ ! -e "$WORK/udev/stale" ]
	[ "$(grep -c '^apt-get download udev$' "$CALLS")" -eq 2 ]
}

# tools/i386-root with stand-ins for debootstrap (a tree with an apt directory, or the failure of
# a download) and chroot (the tree's apt-get failing to fetch a package).
i386_root() {
	cat >"$FAKE/debootstrap" <<-'EOF'
		#!/bin/sh
		echo "debootstrap $*" >>"$CALLS"
		eval "tree=\${$(($# - 1))}"
		if [ -n "${DEBOOTSTRAP_FAIL:-}" ]; then
			echo "I: Retrieving libc6 2.36-9+deb12u14"
			echo "E: Couldn't download package libc6 (ver 2.36-9+deb12u14 arch i386) at http://deb.debian.org/debian/pool/main/g/glibc/libc6_2.36-9+deb12u14_i386.deb"
			exit 1
		fi
		mkdir -p "$tree/etc/apt/sources.list.d" "$tree/proc"
	EOF
	cat >"$FAKE/chroot" <<-'EOF'
		#!/bin/sh
		echo "chroot $*" >>"$CALLS"
		case "$*" in
		*"apt-get update"*) exit 0 ;;
		*"apt-get install"*)
			echo "E: Failed to fetch http://deb.debian.org/debian/pool/main/f/fuse3/libfuse3-dev_3.14.0-4_i386.deb  404  Not Found"
			exit 100 ;;
		esac
		exit 1
	EOF
	chmod +x "$FAKE/debootstrap" "$FAKE/chroot"
	run env PATH="$FAKE:$PATH" "$TOP/tools/i386-root" "$WORK/tree"
}

@test "i386-root: a download debootstrap could not make is named; exit 1, nothing left" {
	require_root "building the tree"
	DEBOOTSTRAP_FAIL=1 i386_root
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"E: Couldn't download package libc6 (ver 2.36-9+deb12u14 arch i386)"* ]]
	[[ "$output" == *"debootstrap failed"* ]]
	[ -z "$(ls "$WORK" | grep tree)" ]
}

@test "i386-root: a package the tree's apt could not fetch is named; exit 1, nothing left mounted" {
	require_root "building the tree"
	i386_root
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"libfuse3-dev_3.14.0-4_i386.deb  404  Not Found"* ]]
	[[ "$output" == *"apt-get install of libc6-dev libyaml-dev libpcre2-dev libfuse3-dev libcmocka-dev failed in the i386 tree"* ]]
	# The tree's apt was given only the main archive.
	grep -q "debootstrap --arch=i386 --variant=minbase" "$CALLS"
	[ -z "$(ls "$WORK" | grep tree)" ]
	! grep -q "$WORK/tree" /proc/self/mountinfo || false
}
