#!/usr/bin/env bats
# tools/install-deps and tools/i386-root against stand-ins for dpkg, dpkg-query, apt-get,
# debootstrap and chroot (first on PATH; they log their calls): only the host's architecture counts
# as installed, a foreign architecture is never added, and every failed index, download or package
# is named with a non-zero exit. The stand-ins print what apt and debootstrap print on those
# failures.

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
	# dpkg-query -W -f=FORMAT PKG...: "PKG ARCH ii" for each package installed in $STATE.
	cat >"$FAKE/dpkg-query" <<-'EOF'
		#!/bin/sh
		echo "dpkg-query $*" >>"$CALLS"
		shift 2
		for p in "$@"; do
			[ -f "$STATE/$p" ] && echo "$p $(cat "$STATE/$p") ii"
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
	# installs the others (for amd64) unless $INSTALL_NOTHING.
	cat >"$FAKE/apt-get" <<-'EOF'
		#!/bin/sh
		echo "apt-get $*" >>"$CALLS"
		if [ "$1" = update ]; then
			[ -z "${UPDATE_OUT:-}" ] || printf '%s\n' "$UPDATE_OUT"
			exit "${UPDATE_RC:-0}"
		fi
		shift 3
		for p in "$@"; do
			case " ${UNKNOWN:-} " in *" $p "*) echo "E: Unable to locate package $p"; exit 100 ;; esac
		done
		[ -n "${INSTALL_NOTHING:-}" ] || for p in "$@"; do echo amd64 >"$STATE/$p"; done
		exit 0
	EOF
	chmod +x "$FAKE"/*
	chmod 755 "$FAKE" "$STATE"
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
	! grep -q '^apt-get' "$CALLS"
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
	! grep -q -e 'add-architecture' -e ':i386' "$CALLS"
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
	! grep -q '^apt-get' "$CALLS"
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
	! grep -q "$WORK/tree" /proc/self/mountinfo
}
