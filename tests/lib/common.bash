# Shared helpers for the bats scenario tests (loaded with `load lib/common`).

: "${FAKENET:=${FAKENET_BUILD:-build}/fakenet}"
: "${FAKENET_SHIM:=${FAKENET_BUILD:-build}/fakenet-shim}"
: "${FAKENET_REFERENCE:=../shared/reference}"

# Skips, saying why, when this machine cannot run an environment: not root, or no /dev/fuse.
require_fakenet_env() {
	[ -x "$FAKENET" ] || { echo "missing $FAKENET: run make" >&2; return 1; }
	[ "$(id -u)" -eq 0 ] || skip "needs root for FUSE and namespaces"
	[ -c /dev/fuse ] || skip "no /dev/fuse on this machine"
}

# Skips when the reference captures are not beside the repository.
require_reference() {
	[ -d "$FAKENET_REFERENCE/formats/raw" ] || skip "reference captures not found at $FAKENET_REFERENCE"
}

# Debian's interpreter, which has python3-yaml; a python3 earlier on PATH may lack it or start slowly.
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

# identity_fact FILE EXPR: a value of an identity file (a python expression over `y`, the parsed
# YAML), one item per line: expected values from the identity itself, never from fakenet.
identity_fact() {
	"$PYTHON" -c 'import sys, yaml
y = yaml.safe_load(open(sys.argv[1]))
v = eval(sys.argv[2])
print("\n".join(map(str, v)) if isinstance(v, list) else v)' "$1" "$2"
}
