# The preload library (build/libfakenet-preload.so) and its test program. lib/ is compiled again
# as position-independent code with hidden symbols, so only the interposed libc names are
# exported and a target's own xmalloc or fn_* cannot collide with ours.
PRELOAD_SRC  := $(sort $(wildcard preload/*.c))
PIC_DIR      := $(BUILD)/pic
PRELOAD_OBJ  := $(PRELOAD_SRC:%.c=$(PIC_DIR)/%.o) $(LIB_SRC:%.c=$(PIC_DIR)/%.o) \
		$(PIC_DIR)/lib/embedded_identities.o
PIC_CFLAGS   := -fPIC -fvisibility=hidden
# The library goes into programs that were not built with a sanitizer (cat, python3, ifconfig), where
# an ASan runtime cannot load; so even the sanitizer build makes it, and its test programs, without.
PRELOAD_CFLAGS = $(filter-out -fsanitize=% -fno-sanitize-recover=%,$(ALL_CFLAGS))

# libyaml and libpcre2 are not linked at all (Debian's static archives are not PIC): preload/parsers.c
# opens them only while the library parses its identity, so a target that never asks for the
# identity never maps them. The library then needs libyaml-0-2 and libpcre2-8-0 in the target's
# image only when it loads the identity (both in Debian's base install of python3 and grep).
PRELOAD_LIBS := -ldl -lpthread

all: $(BUILD)/libfakenet-preload.so $(BUILD)/tests/preload/ifprobe $(BUILD)/tests/preload/deny-ns \
     $(BUILD)/tests/preload/vfork-cwd $(BUILD)/tests/preload/vfork-reuse

$(PIC_DIR)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(PRELOAD_CFLAGS) $(PIC_CFLAGS) $(YAML_CFLAGS) $(PCRE_CFLAGS) -MMD -MP -c $< -o $@

$(PIC_DIR)/lib/embedded_identities.o: lib/embedded_identities.S $(wildcard identities/*.yaml)
	@mkdir -p $(@D)
	$(CC) $(PIC_CFLAGS) -c -I. $< -o $@

$(BUILD)/libfakenet-preload.so: $(PRELOAD_OBJ) preload/exports.map
	$(CC) $(PRELOAD_CFLAGS) $(PIC_CFLAGS) -shared -Wl,-z,defs -Wl,--as-needed \
		-Wl,--version-script=preload/exports.map $(LDFLAGS) -o $@ \
		$(PRELOAD_OBJ) $(PRELOAD_LIBS)

# Built without the preload and without fakenet's lib: it must see only what libc tells it.
$(BUILD)/tests/preload/%: tests/preload/%.c
	@mkdir -p $(@D)
	$(CC) $(PRELOAD_CFLAGS) -o $@ $<
