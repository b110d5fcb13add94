// Data-parallel transport: libtorch's c10d (TCPStore rendezvous, ProcessGroupGloo collectives),
// the same code torch.distributed runs with backend "gloo". hookd drives the collectives itself
// (there is no C++ DistributedDataParallel in libtorch 1.13, pytorch#48959).
#include "process_group.hpp"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

bool is_loopback(const std::string &host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

/// The Gloo device: GLOO_SOCKET_IFNAME when set (as torch.distributed), loopback when the master
/// is on this machine's loopback, else the address the route to the master leaves from. Not
/// torch.distributed's default, the address the hostname resolves to: that is often 127.0.1.1 or
/// 127.0.0.1 (Debian's /etc/hosts), which the other machines would be told to connect to.
std::shared_ptr<::gloo::transport::Device> make_device(const std::string &master_host, uint16_t master_port) {
    if (const char *interface = std::getenv("GLOO_SOCKET_IFNAME"); interface && *interface) {
        return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
    }
    if (is_loopback(master_host)) return c10d::ProcessGroupGloo::createDeviceForHostname(master_host);
    const std::string local = ctorch::address_towards(master_host, master_port);
    if (!local.empty()) return c10d::ProcessGroupGloo::createDeviceForHostname(local);
    return c10d::ProcessGroupGloo::createDefaultDevice();
}

/// "5 s", "0.5 s": a timeout as people write it.
std::string seconds_text(double seconds) {
    std::ostringstream text;
    text << seconds << " s";
    return text.str();
}

std::string as_string(const std::vector<uint8_t> &bytes) { return std::string(bytes.begin(), bytes.end()); }

/// libtorch's message without the C++ backtrace c10::Error appends.
std::string message_of(const std::exception &e) {
    if (auto *error = dynamic_cast<const c10::Error *>(&e)) return error->what_without_backtrace();
    return e.what();
}

} // namespace

std::runtime_error ctorch::collective_error(ct_process_group g, const char *name, const std::exception &e) {
    return std::runtime_error(std::string(name) + " across " + std::to_string(g->world_size) + " ranks failed on rank " +
                              std::to_string(g->rank) + " (a rank died or did not answer within " +
                              seconds_text(g->timeout.count() / 1000.0) + "): " + message_of(e));
}

void ctorch::run_collective(ct_process_group g, const char *name,
                            const std::function<c10::intrusive_ptr<c10d::Work>()> &start) {
    try {
        start()->wait(g->timeout);
    } catch (const std::exception &e) {
        throw collective_error(g, name, e);
    }
}

namespace {

std::vector<at::Tensor> tensors_of(const ct_tensor *tensors, int count) {
    std::vector<at::Tensor> out;
    out.reserve(count);
    for (int i = 0; i < count; ++i) out.push_back(tensors[i]->t);
    return out;
}

ct_process_group join(const std::string &host, uint16_t port, int rank, int world_size, double timeout_seconds) {
    if (world_size < 1) throw std::invalid_argument("world size must be at least 1");
    if (rank < -1 || rank >= world_size) {
        throw std::invalid_argument("rank " + std::to_string(rank) + " is outside world size " +
                                    std::to_string(world_size));
    }
    const auto timeout = std::chrono::milliseconds(int64_t(timeout_seconds * 1000));
    const std::string master = std::string(host) + ":" + std::to_string(port);
    c10::intrusive_ptr<c10d::Store> tcp = ctorch::rendezvous(host, port, rank, world_size, timeout);
    // Every rank must have been started with rank 0's world size, or the collectives would
    // wait for ranks that never come.
    const std::string key = "hookd/world_size";
    if (rank == 0) {
        const std::string size = std::to_string(world_size);
        tcp->set(key, std::vector<uint8_t>(size.begin(), size.end()));
    } else {
        const std::string size = as_string(tcp->get(key));
        if (size != std::to_string(world_size)) {
            throw std::runtime_error("rank " + std::to_string(rank) + " was started with world size " +
                                     std::to_string(world_size) + " but rank 0 at " + master +
                                     " with world size " + size);
        }
    }
    // The same prefix torch.distributed gives its default group.
    auto store = c10::make_intrusive<c10d::PrefixStore>("default_pg", tcp);
    auto group_options = c10d::ProcessGroupGloo::Options::create(timeout);
    group_options->devices.push_back(make_device(host, port));
    group_options->threads = int(group_options->devices.size()) * 2;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
    try {
        group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, world_size, group_options);
    } catch (const std::exception &e) {
        throw std::runtime_error("rank " + std::to_string(rank) + " could not connect to the other " +
                                 std::to_string(world_size - 1) + " rank(s) through " + master + " within " +
                                 seconds_text(timeout_seconds) + " (was every rank started with world size " +
                                 std::to_string(world_size) + " and this master?): " + message_of(e));
    }
    return new ct_process_group_s{tcp, {}, group, rank, world_size, timeout};
}

} // namespace

using ctorch::run_collective;

extern "C" {

int ct_process_group_create(const char *host, uint16_t port, int rank, int world_size,
                            double timeout_seconds, ct_process_group *out) {
    CT_TRY(*out = join(host, port, rank, world_size, timeout_seconds))
}

void ct_process_group_free(ct_process_group g) { delete g; }

int ct_process_group_rank(ct_process_group g) { return g->rank; }

int ct_process_group_size(ct_process_group g) { return g->world_size; }

int ct_broadcast(ct_process_group g, const ct_tensor *tensors, int count, int root) {
    CT_TRY({
        at::NoGradGuard no_grad;
        c10d::BroadcastOptions options;
        options.rootRank = root;
        options.timeout = g->timeout;
        for (int i = 0; i < count; ++i) {
            // Gloo broadcasts a contiguous tensor in place; a strided one goes through a copy.
            at::Tensor &target = tensors[i]->t;
            std::vector<at::Tensor> one{target.is_contiguous() ? target : target.contiguous()};
            run_collective(g, "broadcast", [&] { return g->group->broadcast(one, options); });
            if (!one[0].is_same(target)) target.copy_(one[0]);
        }
    })
}

int ct_all_reduce(ct_process_group g, const ct_tensor *tensors, int count, bool average) {
    CT_TRY({
        if (count == 0) return CT_OK;
        at::NoGradGuard no_grad;
        std::vector<at::Tensor> parts = tensors_of(tensors, count);
        std::vector<at::Tensor> flat_parts;
        flat_parts.reserve(count);
        for (auto &t : parts) flat_parts.push_back(t.reshape({-1}));
        // One flat buffer per call, as DDP's buckets: one collective instead of one per tensor.
        std::vector<at::Tensor> bucket{at::cat(flat_parts)};
        // DDP divides before summing (reducer.cpp: grad * (1 / world_size) into the bucket).
        if (average) bucket[0].mul_(1.0 / double(g->world_size));
        c10d::AllreduceOptions options;
        options.reduceOp = c10d::ReduceOp::SUM;
        options.timeout = g->timeout;
        run_collective(g, "all_reduce", [&] { return g->group->allreduce(bucket, options); });
        int64_t offset = 0;
        for (auto &t : parts) {
            const int64_t n = t.numel();
            t.copy_(bucket[0].narrow(0, offset, n).view(t.sizes()));
            offset += n;
        }
    })
}

int ct_barrier(ct_process_group g) {
    CT_TRY({
        c10d::BarrierOptions options;
        options.timeout = g->timeout;
        run_collective(g, "barrier", [&] { return g->group->barrier(options); });
    })
}

/// An all-reduce of int64 maxima under way: its values live here (Gloo works on them in place)
/// until it is waited for; freeing it before then leaves them to the work, which holds them too.
struct ct_max_reduction_s {
    ct_process_group group;
    at::Tensor values;
    c10::intrusive_ptr<c10d::Work> work;
};

int ct_all_reduce_max_i64_start(ct_process_group g, const int64_t *values, int count, ct_max_reduction *out) {
    CT_TRY({
        if (count < 1) throw std::invalid_argument("an all-reduce needs at least one value");
        auto reduction = std::make_unique<ct_max_reduction_s>();
        reduction->group = g;
        reduction->values = at::from_blob(const_cast<int64_t *>(values), {count}, at::kLong).clone();
        std::vector<at::Tensor> one{reduction->values};
        c10d::AllreduceOptions options;
        options.reduceOp = c10d::ReduceOp::MAX;
        options.timeout = g->timeout;
        reduction->work = g->group->allreduce(one, options);
        *out = reduction.release();
    })
}

int ct_max_reduction_wait(ct_max_reduction r, int64_t *values) {
    CT_TRY({
        run_collective(r->group, "all_reduce", [&] { return r->work; });
        std::memcpy(values, r->values.data_ptr<int64_t>(), size_t(r->values.numel()) * sizeof(int64_t));
    })
}

void ct_max_reduction_free(ct_max_reduction r) { delete r; }

int ct_gather_bytes(ct_process_group g, const uint8_t *data, int64_t length, uint8_t *out) {
    CT_TRY({
        // Gloo reads and writes these buffers in place; nothing here is copied but by Gloo.
        std::vector<at::Tensor> input{at::from_blob(const_cast<uint8_t *>(data), {length}, at::kByte)};
        std::vector<std::vector<at::Tensor>> outputs;
        if (g->rank == 0) {
            outputs.emplace_back();
            for (int r = 0; r < g->world_size; ++r) {
                outputs[0].push_back(at::from_blob(out + int64_t(r) * length, {length}, at::kByte));
            }
        }
        c10d::GatherOptions options;
        options.rootRank = 0;
        options.timeout = g->timeout;
        run_collective(g, "gather", [&] { return g->group->gather(outputs, input, options); });
    })
}

} // extern "C"
