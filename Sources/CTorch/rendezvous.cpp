// The rendezvous of a data-parallel run: rank 0's TCPStore on the master's port, and the rank of
// a process started without one (SPEC.md §4: "assigned at rendezvous through the store").
#include "process_group.hpp"

#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

namespace {

/// Whether a listening socket could be bound to `host`:`port` now: `host` is an address of this
/// machine and nobody listens on the port (the store itself would log its failure loudly).
bool can_listen(const std::string &host, uint16_t port) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return false;
    bool free = false;
    for (addrinfo *address = found; address && !free; address = address->ai_next) {
        const int fd = socket(address->ai_family, address->ai_socktype, 0);
        if (fd < 0) continue;
        // As the store's own socket: a closed run's connections in TIME_WAIT do not count.
        const int on = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        free = bind(fd, address->ai_addr, address->ai_addrlen) == 0;
        close(fd);
    }
    freeaddrinfo(found);
    return free;
}

c10::intrusive_ptr<c10d::Store> tcp_store(const std::string &host, uint16_t port, bool server, int world_size,
                                          std::chrono::milliseconds timeout) {
    c10d::TCPStoreOptions options;
    options.port = port;
    options.isServer = server;
    options.numWorkers = size_t(world_size);
    options.waitWorkers = true;
    options.timeout = timeout;
    return c10::make_intrusive<c10d::TCPStore>(host, options);
}

} // namespace

std::string ctorch::address_towards(const std::string &host, uint16_t port) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo *found = nullptr;
    if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return "";
    std::string local;
    for (addrinfo *address = found; address && local.empty(); address = address->ai_next) {
        const int fd = socket(address->ai_family, SOCK_DGRAM, 0);
        if (fd < 0) continue;
        // A UDP connect sends nothing: it only asks the kernel for the route and its source address.
        sockaddr_storage source{};
        socklen_t length = sizeof source;
        char text[NI_MAXHOST];
        if (connect(fd, address->ai_addr, address->ai_addrlen) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr *>(&source), &length) == 0 &&
            getnameinfo(reinterpret_cast<sockaddr *>(&source), length, text, sizeof text, nullptr, 0, NI_NUMERICHOST) == 0) {
            local = text;
        }
        close(fd);
    }
    freeaddrinfo(found);
    return local;
}

c10::intrusive_ptr<c10d::Store> ctorch::rendezvous(const std::string &host, uint16_t port, int &rank, int world_size,
                                                   std::chrono::milliseconds timeout) {
    const std::string master = host + ":" + std::to_string(port);
    if (rank >= 0) {
        try {
            return tcp_store(host, port, rank == 0, world_size, timeout);
        } catch (const std::exception &e) {
            throw std::runtime_error(
                (rank == 0 ? "rank 0 cannot host the rendezvous store on " : "cannot reach the rendezvous store of rank 0 at ") +
                master + ": " + e.what());
        }
    }
    // No rank given: whoever hosts the store is rank 0 (only on the master's machine: elsewhere
    // it would listen on a port nobody connects to); a port already taken means rank 0 is there,
    // also when another process took it between the probe and the store.
    if (can_listen(host, port)) {
        try {
            auto store = tcp_store(host, port, true, world_size, timeout);
            rank = 0;
            return store;
        } catch (const std::exception &) {
        }
    }
    c10::intrusive_ptr<c10d::Store> store;
    try {
        store = tcp_store(host, port, false, world_size, timeout);
    } catch (const std::exception &e) {
        throw std::runtime_error("cannot reach the rendezvous store of rank 0 at " + master + " to be given a rank: " + e.what());
    }
    // Ranks 1..N-1 in order of arrival; rank 0 never counts itself.
    const int64_t arrived = store->add("hookd/assigned_ranks", 1);
    if (arrived >= world_size) {
        throw std::runtime_error("no rank left for this process at " + master + ": it arrived as number " +
                                 std::to_string(arrived + 1) + " of a world size of " + std::to_string(world_size) +
                                 " (one process too many, or ranks given to some processes and not others)");
    }
    rank = int(arrived);
    return store;
}
