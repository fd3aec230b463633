/* Runs a command as on a kernel built without a kind of socket: without nf_tables opening a
 * NETLINK_NETFILTER socket fails with EPROTONOSUPPORT, without packet sockets (CONFIG_PACKET) an
 * AF_PACKET one with EAFNOSUPPORT, as they do there.
 * Usage: no-socket nftables|packet COMMAND [ARG...] */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ARG_LOW(n) (offsetof(struct seccomp_data, args) + (n) * sizeof(__u64))

int main(int argc, char **argv)
{
	int packet = argc > 1 && strcmp(argv[1], "packet") == 0;
	/* nftables: family AF_NETLINK, protocol NETLINK_NETFILTER; packet: family AF_PACKET, any.
	 */
	struct sock_filter filter[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 5),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(0)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, packet ? AF_PACKET : AF_NETLINK, 0, 3),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(2)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NETLINK_NETFILTER, 0, packet ? 0 : 1),
	    BPF_STMT(BPF_RET | BPF_K,
		     SECCOMP_RET_ERRNO | (packet ? EAFNOSUPPORT : EPROTONOSUPPORT)),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(filter) / sizeof(filter[0]), .filter = filter};

	if (argc < 3 || (!packet && strcmp(argv[1], "nftables") != 0)) {
		fprintf(stderr, "usage: no-socket nftables|packet COMMAND [ARG...]\n");
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("no-socket: seccomp");
		return 2;
	}
	execvp(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
