// C shims over libmicrohttpd 0.9.75 for what Swift cannot call directly: its variadic functions
// (MHD_start_daemon, MHD_get_daemon_info, MHD_get_connection_info). Thread placement (nice, CPUs)
// of the server threads is CPlatform's.
#ifndef HOOKD_CMICROHTTPD_SHIM_H
#define HOOKD_CMICROHTTPD_SHIM_H

#include <arpa/inet.h>
#include <poll.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
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
    MHD_NotifyConnectionCallback notify_connection, void *notify_connection_cls,
    int *out_errno) {
    // MHD_ALLOW_SUSPEND_RESUME (which implies MHD_USE_ITC): streaming responses park their
    // connection while they have nothing to send, and are woken from other threads.
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_ALLOW_SUSPEND_RESUME;
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
        MHD_OPTION_NOTIFY_CONNECTION, notify_connection, notify_connection_cls,
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

/// Why: MHD_get_connection_info is variadic. The connection's socket (-1 when unknown).
static inline int hookd_mhd_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

/// Why: MHD_get_connection_info is variadic. What the connection-notify callback stored in
/// `*socket_context` when the connection opened (NULL when unknown).
static inline void *hookd_mhd_socket_context(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info == NULL ? NULL : info->socket_context;
}

/// Why: a suspended connection is not polled, so microhttpd cannot see its client leave
/// (microhttpd.h: "While a connection is suspended, MHD will not detect disconnects by the
/// client"). A streaming response checks before parking: returns 1 when the peer has closed its
/// side or the socket failed (POLLRDHUP, POLLHUP, POLLERR), 0 otherwise or when unknown.
static inline int hookd_mhd_peer_closed(struct MHD_Connection *connection) {
    int fd = hookd_mhd_connection_fd(connection);
    if (fd < 0) return 0;
#ifndef POLLRDHUP
#define POLLRDHUP 0x2000
#endif
    struct pollfd probe = {.fd = fd, .events = POLLRDHUP, .revents = 0};
    if (poll(&probe, 1, 0) <= 0) return 0;
    return (probe.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

#endif
