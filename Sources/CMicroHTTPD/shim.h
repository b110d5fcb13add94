// C shims over libmicrohttpd 0.9.75 for what Swift cannot call directly: variadic functions
// (MHD_start_daemon, MHD_get_daemon_info, MHD_get_connection_info, syscall) and the one piece of
// per-thread state (a thread-local flag) the access handler needs.
#ifndef HOOKD_CMICROHTTPD_SHIM_H
#define HOOKD_CMICROHTTPD_SHIM_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <microhttpd.h>

/// Signature of MHD_OPTION_URI_LOG_CALLBACK: its return value becomes the request's `*con_cls`.
typedef void *(*hookd_mhd_uri_log_callback)(void *cls, const char *uri,
                                            struct MHD_Connection *connection);

/// Why: after MHD_start_daemon fails, MHD has closed its socket and errno may be clobbered, so
/// probe the same address once with our own socket to learn the real reason (EADDRINUSE,
/// EADDRNOTAVAIL, EACCES, EAFNOSUPPORT without IPv6). Returns 0 when the probe binds fine (the
/// failure was something else).
static inline int hookd_mhd_probe_bind(const struct sockaddr *addr, socklen_t addr_len,
                                       int dual_stack) {
    int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return errno;
    int one = 1;
    // MHD sets SO_REUSEADDR on its listen socket by default; probe the same way.
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (addr->sa_family == AF_INET6) {
        // MHD sets IPV6_V6ONLY either way (off only for MHD_USE_DUAL_STACK); so does the probe,
        // because whether an IPv4 listener on the port conflicts depends on it.
        int v6_only = !dual_stack;
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6_only, sizeof v6_only);
    }
    int result = 0;
    if (bind(fd, addr, addr_len) != 0) result = errno;
    else if (listen(fd, 1) != 0) result = errno;
    close(fd);
    return result;
}

/// Why: MHD_start_daemon is variadic. Starts a daemon listening on `addr` (a sockaddr_in or
/// sockaddr_in6 of `addr_len` bytes, built by the caller from a parsed literal; its port 0 =
/// ephemeral, and `port` must be the same number so MHD reads the bound one back) in
/// MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL mode (epoll stalls at exactly 128 keep-alive
/// connections in 0.9.75, see PERF-NOTES item 4). An IPv6 address is bound IPv6-only
/// (MHD_USE_IPv6), or for IPv4 and IPv6 on one socket when `dual_stack` (MHD_USE_DUAL_STACK).
/// `thread_pool_size` > 1 adds MHD_OPTION_THREAD_POOL_SIZE; 0 or 1 means the single polling thread.
/// Returns NULL on failure with `*out_errno` set to the bind error found by a probe, or 0 when
/// the reason is unknown (MHD logs it when `log_errors`).
static inline struct MHD_Daemon *hookd_mhd_start(
    const struct sockaddr *addr, socklen_t addr_len, int dual_stack, uint16_t port,
    unsigned int connection_limit,
    unsigned int connection_timeout_s, size_t connection_memory_limit,
    unsigned int thread_pool_size, int log_errors,
    MHD_AccessHandlerCallback access_handler, void *access_cls,
    MHD_RequestCompletedCallback completed, void *completed_cls,
    hookd_mhd_uri_log_callback uri_log, void *uri_log_cls,
    int *out_errno) {
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
    if (log_errors) flags |= MHD_USE_ERROR_LOG;
    // MHD reads MHD_OPTION_SOCK_ADDR as a sockaddr_in6 only when told the family by a flag.
    if (addr->sa_family == AF_INET6) flags |= dual_stack ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
    // MHD binds during this call, so the caller's `addr` outlives its use.
    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, port, NULL, NULL, access_handler, access_cls,
        MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_CONNECTION_LIMIT, connection_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
        MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
        MHD_OPTION_URI_LOG_CALLBACK, uri_log, uri_log_cls,
        // Options are read until MHD_OPTION_END, so the pool option is last and optional.
        thread_pool_size > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, thread_pool_size,
        MHD_OPTION_END);
    if (daemon == NULL) *out_errno = hookd_mhd_probe_bind(addr, addr_len, dual_stack);
    else *out_errno = 0;
    return daemon;
}

/// Why: MHD_get_daemon_info is variadic. The port the daemon is bound to (the ephemeral one
/// when started with port 0), or 0 when unknown.
static inline uint16_t hookd_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/// Why: MHD_get_connection_info is variadic. Writes the client's numeric address into `buffer`
/// (at least INET6_ADDRSTRLEN bytes); returns 0 on success, -1 when unknown.
static inline int hookd_mhd_client_address(struct MHD_Connection *connection, char *buffer,
                                           socklen_t size) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return -1;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
        const void *src = &((const struct sockaddr_in *)sa)->sin_addr;
        return inet_ntop(AF_INET, src, buffer, size) == NULL ? -1 : 0;
    }
    if (sa->sa_family != AF_INET6) return -1;
    const struct in6_addr *v6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    // A dual-stack listener (`::`) sees IPv4 clients as ::ffff:a.b.c.d; report them as a.b.c.d,
    // the same client an IPv4 listener would name.
    if (IN6_IS_ADDR_V4MAPPED(v6)) return inet_ntop(AF_INET, &v6->s6_addr[12], buffer, size) == NULL ? -1 : 0;
    return inet_ntop(AF_INET6, v6, buffer, size) == NULL ? -1 : 0;
}

/// Why: gettid() needs _GNU_SOURCE and syscall() is variadic. The calling thread's kernel id.
static inline pid_t hookd_current_tid(void) { return (pid_t)syscall(SYS_gettid); }

/// Why: Linux applies setpriority(PRIO_PROCESS, tid) to one thread only (per-thread nice), which
/// lets the server yield the cores to training (PERF-NOTES item 5). Applies `nice` once per
/// thread (a thread-local flag keeps the hot path to one branch). Lowering priority never needs
/// privileges; raising it does, so an EACCES/EPERM leaves the thread as it was.
/// Returns 0 when applied (now or earlier on this thread), else the errno.
static inline int hookd_mhd_nice_current_thread_once(int nice) {
    static __thread int applied = 0;
    if (applied) return 0;
    applied = 1;
    if (setpriority(PRIO_PROCESS, (id_t)hookd_current_tid(), nice) != 0) return errno;
    return 0;
}

/// Why: sched_setaffinity and the CPU_SET macros need _GNU_SOURCE, which this module cannot
/// define; the raw syscalls take a plain bit mask. 8192 CPUs: the kernel refuses a read mask
/// smaller than its own (EINVAL), and NR_CPUS is at most 8192 on distribution kernels.
#define HOOKD_CPU_MASK_WORDS (8192 / (8 * sizeof(unsigned long)))
#define HOOKD_CPU_WORD_BITS ((int)(8 * sizeof(unsigned long)))

/// Pins thread `tid` (0 = the caller; Linux affinity is per thread) to `cpus`. Returns 0, or the
/// errno (EINVAL for a CPU out of range or a mask with no allowed CPU).
static inline int hookd_set_thread_affinity(pid_t tid, const int32_t *cpus, int32_t count) {
    unsigned long mask[HOOKD_CPU_MASK_WORDS];
    memset(mask, 0, sizeof mask);
    for (int32_t i = 0; i < count; i++) {
        if (cpus[i] < 0 || cpus[i] >= 8192) return EINVAL;
        mask[cpus[i] / HOOKD_CPU_WORD_BITS] |= 1UL << (cpus[i] % HOOKD_CPU_WORD_BITS);
    }
    if (syscall(SYS_sched_setaffinity, tid, sizeof mask, mask) != 0) return errno;
    return 0;
}

/// Writes the CPUs the calling thread may run on to `out` (at most `max`); returns how many, or
/// -errno.
static inline int32_t hookd_allowed_cpus(int32_t *out, int32_t max) {
    unsigned long mask[HOOKD_CPU_MASK_WORDS];
    memset(mask, 0, sizeof mask);
    if (syscall(SYS_sched_getaffinity, 0, sizeof mask, mask) < 0) return -errno;
    int32_t n = 0;
    for (int cpu = 0; cpu < 8192 && n < max; cpu++)
        if ((mask[cpu / HOOKD_CPU_WORD_BITS] >> (cpu % HOOKD_CPU_WORD_BITS)) & 1UL) out[n++] = cpu;
    return n;
}

/// Why: like the nice shim, a server thread pins itself on its first request, once.
static inline int hookd_mhd_pin_current_thread_once(const int32_t *cpus, int32_t count) {
    static __thread int applied = 0;
    if (applied) return 0;
    applied = 1;
    return hookd_set_thread_affinity(0, cpus, count);
}

/// Why: the per-thread counterpart of getpriority, for reading back what the shim above set.
/// Returns the calling thread's nice value.
static inline int hookd_current_thread_nice(void) {
    errno = 0;
    return getpriority(PRIO_PROCESS, (id_t)hookd_current_tid());
}

#endif
