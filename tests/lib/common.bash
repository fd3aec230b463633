# Shared helpers for the bats scenario tests (loaded with `load lib/common`).

: "${FAKENET:=${FAKENET_BUILD:-build}/fakenet}"
: "${FAKENET_SHIM:=${FAKENET_BUILD:-build}/fakenet-shim}"

# Skips, saying why, when this machine cannot run an environment: not root, or no /dev/fuse.
require_fakenet_env() {
	[ -x "$FAKENET" ] || { echo "missing $FAKENET: run make" >&2; return 1; }
	[ "$(id -u)" -eq 0 ] || skip "needs root for FUSE and namespaces"
	[ -c /dev/fuse ] || skip "no /dev/fuse on this machine"
}

# Debian's interpreter, which has python3-yaml; a python3 earlier on PATH may lack it or start slowly.
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
