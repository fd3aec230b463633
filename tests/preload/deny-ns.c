/* Runs a command where namespaces and mounts are refused, as in Docker's default profile or on
 * WebVM: unshare, setns, mount and the new mount API fail with EPERM, clone with namespace flags
 * too, and clone3 with ENOSYS (so libc falls back to clone). A seccomp filter cannot see a path,
 * so /dev/fuse itself stays openable; without a mount namespace nothing can be mounted with it.
 * Usage: deny-ns COMMAND [ARG...] */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NS_FLAGS                                                                                   \
	(CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | \
	 CLONE_NEWCGROUP)

/* The calls refused for one architecture: they differ between x86_64 and i386, and a kernel with
 * IA32 emulation runs i386 programs natively (under qemu-user every call is qemu's, x86_64). */
struct arch_calls {
	uint32_t arch;
	int refused[8]; /* unshare setns mount umount2 fsopen fsmount open_tree move_mount */
	int clone, clone3;
};

static const struct arch_calls arches[] = {
    {AUDIT_ARCH_X86_64,
     {SYS_unshare, SYS_setns, SYS_mount, SYS_umount2, SYS_fsopen, SYS_fsmount, SYS_open_tree,
      SYS_move_mount},
     SYS_clone,
     SYS_clone3},
    /* i386 numbers, from the kernel's arch/x86/entry/syscalls/syscall_32.tbl */
    {AUDIT_ARCH_I386, {310, 346, 21, 52, 430, 432, 428, 429}, 120, 435},
};

static size_t put(struct sock_filter *f, size_t n, struct sock_filter insn)
{
	f[n] = insn;
	return n + 1;
}

/* One architecture's rules, entered with the syscall number to load; ends allowing the rest. */
static size_t put_arch_block(struct sock_filter *f, size_t n, const struct arch_calls *a)
{
	n = put(f, n,
		(struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, nr)));
	for (size_t i = 0; i < sizeof(a->refused) / sizeof(a->refused[0]); i++) {
		n = put(
		    f, n,
		    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, a->refused[i], 0, 1));
		n = put(f, n,
			(struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
	}
	/* clone3 cannot be looked into: ENOSYS makes the C library fall back to clone. */
	n = put(f, n, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, a->clone3, 0, 1));
	n = put(f, n, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));
	n = put(f, n, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, a->clone, 0, 3));
	n = put(f, n,
		(struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, args[0])));
	n = put(f, n, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, 0, 1));
	n = put(f, n, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
	return put(f, n, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
}

int main(int argc, char **argv)
{
	struct sock_filter filter[128];
	size_t n = 0;

	/* Per architecture: if it matches, its block; if not, jump over the block to the next. */
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		size_t check;

		n = put(filter, n,
			(struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						     offsetof(struct seccomp_data, arch)));
		check = n;
		n = put(
		    filter, n,
		    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arches[i].arch, 0, 0));
		n = put_arch_block(filter, n, &arches[i]);
		filter[check].jf = (uint8_t)(n - check - 1);
	}
	n = put(filter, n, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));

	struct sock_fprog prog = {.len = (unsigned short)n, .filter = filter};

	if (argc < 2) {
		fprintf(stderr, "usage: deny-ns COMMAND [ARG...]\n");
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		fprintf(stderr, "deny-ns: installing the filter: %s\n", strerror(errno));
		return 125;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "deny-ns: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
