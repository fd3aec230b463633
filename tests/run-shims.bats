#!/usr/bin/env bats
# Placement of the shims inside `fakenet run`: bound over the real tool paths so absolute paths and
# a restricted PATH reach them, chosen with --shims, locked in, and still able to pass calls through
# to the real tool. Expected outputs come from the shim run outside fakenet with the same identity
# (its own parity with the real tools is tested elsewhere), and from the real tools themselves.

bats_require_minimum_version 1.5.0

load lib/common

setup() {
	require_fakenet_env
	S=$FAKENET_SHIM
	B=$(dirname "$S")/shims
	new_tmpdir tmp
	docker=$TOP/identities/docker.yaml
	multi=$TOP/identities/multi-nic.yaml
}

# The shim's answer outside fakenet: stdout, then "status=N".
shim_outside() {
	local id=$1 tool=$2
	shift 2
	FAKENET_IDENTITY=$id "$B/$tool" "$@" 2>/dev/null
	echo "status=$?"
}

need() {
	for p in "$@"; do
		[ -x "$p" ] || skip "no $p on this machine"
	done
}

inode() {
	stat -L -c '%d:%i' "$1"
}

# Inside the run: "shim" for each path that is a copy of the shim (the view binds one, from a
# tmpfs, cut to what its loader maps: past the ELF header, whose section table fields are
# cleared, its bytes are the shim's first ones), else the file's inode. The shim's path comes
# as $1.
KIND='kind() { for p; do n=$(stat -L -c %s "$p"); if [ "$n" -gt 64 ] && [ "$n" -le "$(stat -L -c %s "$S")" ] && cmp -s -n 4 "$p" "$S" && cmp -s -i 64 -n $((n - 64)) "$p" "$S"; then echo shim; else stat -L -c %d:%i "$p"; fi; done; }; S=$1'


@test "absolute paths and a PATH without the shim directory reach the shims" {
	need /usr/sbin/route /sbin/ifconfig
	want_route=$(shim_outside "$docker" route -n)
	want_ifconfig=$(shim_outside "$docker" ifconfig)
	[[ "$want_route" == *"172.18.0.1"*"status=0" ]]
	# The real route reads /proc/net/route and prints the same table: the inode tells them apart.
	shim=shim
	run --separate-stderr "$FAKENET" run --identity "$docker" -- sh -c "$KIND"'
		kind /usr/sbin/route /sbin/ifconfig
		/usr/sbin/route -n; echo "status=$?"; echo ---
		/sbin/ifconfig; echo "status=$?"; echo ---
		env PATH=/usr/sbin:/usr/bin route -n; echo "status=$?"' sh "$S"
	[ "$status" -eq 0 ]
	[ "$output" = "$shim"$'\n'"$shim"$'\n'"$want_route"$'\n---\n'"$want_ifconfig"$'\n---\n'"$want_route" ]
}

@test "/usr/bin/curl answers as the shim: exact output and exit status, per identity" {
	need /usr/bin/curl
	for id in "$docker" "$multi"; do
		want=$(shim_outside "$id" curl -s ipinfo.io/ip -m 1)
		run "$FAKENET" run --identity "$id" -- sh -c '/usr/bin/curl -s ipinfo.io/ip -m 1; echo "status=$?"'
		[ "$status" -eq 0 ]
		[ "$output" = "$want" ]
	done
	# docker.yaml blocks ipinfo.io (curl's exit 6); multi-nic.yaml answers its public_ip.
	[ "$(shim_outside "$docker" curl -s ipinfo.io/ip -m 1)" = "status=6" ]
	[[ "$(shim_outside "$multi" curl -s ipinfo.io/ip -m 1)" == "198.51.100.24"*"status=0" ]]
}

@test "--shims none leaves every real tool in place" {
	need /usr/sbin/route /usr/bin/curl /usr/bin/netstat
	want="$(inode /usr/sbin/route) $(inode /sbin/route) $(inode /usr/bin/curl) $(inode /usr/bin/netstat)"
	run "$FAKENET" run --shims none -- sh -c '
		echo "$(stat -L -c %d:%i /usr/sbin/route) $(stat -L -c %d:%i /sbin/route)" \
			"$(stat -L -c %d:%i /usr/bin/curl) $(stat -L -c %d:%i /usr/bin/netstat)"
		command -v route; echo "real_dir=[${FAKENET_REAL_DIR-}]"'
	[ "$status" -eq 0 ]
	[ "$output" = "$want"$'\n'"$(command -v route)"$'\nreal_dir=[]' ]
}

@test "--shims route replaces route alone" {
	need /usr/sbin/route /usr/sbin/arp /usr/bin/curl
	want_route=$(shim_outside "$docker" route -n)
	shim=shim
	run --separate-stderr "$FAKENET" run --identity "$docker" --shims route -- sh -c "$KIND"'
		kind /usr/sbin/route /sbin/route /usr/sbin/arp /usr/bin/curl
		/sbin/route -n; echo "status=$?"' sh "$S"
	[ "$status" -eq 0 ]
	[ "$output" = "$shim"$'\n'"$shim"$'\n'"$(inode /usr/sbin/arp)"$'\n'"$(inode /usr/bin/curl)"$'\n'"$want_route" ]
}

@test "netstat -tln passes through to the real netstat: it lists the target's own socket" {
	need /usr/bin/netstat
	shim=shim
	want_rn=$(shim_outside "$docker" netstat -rn)
	run --separate-stderr "$FAKENET" run --identity "$docker" -- "$PYTHON" -c '
import os, socket, subprocess, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
bound, shim = open("/usr/bin/netstat", "rb").read(), open(sys.argv[1], "rb").read()
same = 64 < len(bound) <= len(shim) and bound[:4] == shim[:4] and bound[64:] == shim[64:len(bound)]
print("shim" if same else "real")
print("port", s.getsockname()[1])
for argv in (["netstat", "-tln"], ["/usr/bin/netstat", "-tln"]):
    r = subprocess.run(argv, capture_output=True, text=True)
    print("status", r.returncode, r.stderr.strip())
    print(r.stdout, end="")
r = subprocess.run(["/usr/bin/netstat", "-rn"], capture_output=True, text=True)
print(r.stdout + "status=%d" % r.returncode)' "$S"
	[ "$status" -eq 0 ]
	# /usr/bin/netstat is the shim, and what answered -tln is the real one reading /proc/net.
	[ "${lines[0]}" = "$shim" ]
	port=${lines[1]#port }
	[ "${lines[2]}" = "status 0 " ]
	[ "$(grep -c "^tcp .* 127.0.0.1:$port .*LISTEN" <<<"$output")" -eq 2 ]
	[[ "$output" == *"Active Internet connections (only servers)"* ]]
	[[ "$output" == *"$want_rn" ]]
}

@test "a root target cannot unmount or cover the shims" {
	need /usr/sbin/route
	want_route=$(shim_outside "$docker" route -n)
	run "$FAKENET" run --identity "$docker" -- sh -c '
		umount /usr/sbin/route 2>/dev/null && echo "umount worked"
		umount -l /sbin/route 2>/dev/null && echo "umount -l worked"
		umount /sys/devices/virtual/dmi/.real/route 2>/dev/null && echo "umount real worked"
		mount --bind /bin/true /usr/sbin/route 2>/dev/null && echo "bind worked"
		echo x 2>/dev/null >/usr/sbin/route && echo "write worked"
		/usr/sbin/route -n; echo "status=$?"'
	[ "$status" -eq 0 ]
	[[ "$output" != *worked* ]]
	[ "$output" = "$want_route" ]
}

@test "a name linked to a covered tool still runs the real tool (dnsdomainname -> hostname)" {
	need /usr/bin/dnsdomainname
	[ "$(readlink /usr/bin/dnsdomainname)" = hostname ] || skip "dnsdomainname is not a link to hostname here"
	run "$FAKENET" run --identity "$docker" --shims none -- sh -c 'dnsdomainname; echo "status=$?"'
	want=$output
	run "$FAKENET" run --identity "$docker" -- sh -c 'dnsdomainname; echo "status=$?"'
	[ "$output" = "$want" ]
}

@test "the shim is one static executable" {
	require_command file file
	if grep -qa __asan_init "$S"; then
		# A sanitizer build (make check-asan) cannot be static; it still needs no more of a
		# container's root than the C library.
		run -0 ldd "$S"
		echo "$output"
		! grep -Ev 'linux-vdso|/libc\.so|/libm\.so|/libgcc_s\.so|/ld-linux' <<<"$output" || false
		return
	fi
	run file -L "$S"
	[[ "$output" == *"statically linked"* ]]
	run ldd "$S"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not a dynamic executable"* ]]
}
