// DDP's gradient reducer (torch/csrc/distributed/c10d/reducer.cpp of 1.13), reduced to what hookd
// needs: a post hook on every parameter's gradient accumulator marks the parameter ready during
// backward; once every parameter of a bucket is ready (and every earlier bucket is launched, so
// all ranks launch in the same order) the bucket's all-reduce starts on Gloo's threads while
// backward goes on. finish waits for them all before the optimizer step.
//
// Between two ranks a bucket is reduced by one exchange instead: each rank sends its bucket to
// the other and receives the other's (Gloo send/recv on the same group), and adds the two while
// copying into the gradients. Gloo's ring all-reduce takes two half exchanges with a reduction
// between them, at least four waits on its loop thread; on 2 shared vCPUs it took 2.7-3.2 ms for
// the 1.6 MB first layer where the exchange takes ~1.8 ms, the add included (BENCHMARKS.md). The sum is
// the same to the bit: each element is the sum of the same two terms, and float addition of two
// terms does not depend on their order. The receives are posted before backward (at prepare):
// Gloo sends only into a receive the other side has announced, so the rank that finishes
// backward first streams its bucket at once instead of after the later rank's announcement.
//
// The last bucket may also carry a few int64s per rank (the side values): the ranks' per-batch
// agreement rides on the gradients' all-reduce instead of costing a collective of its own. Each
// rank writes its values into its own slots, zeros elsewhere, so the sum gives every rank every
// rank's values exactly (one term per slot; each int64 as two floats of 24 bits).
#include "process_group.hpp"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/utils/lambda_post_hook.h>
#include <torch/csrc/autograd/variable.h>
#include <ATen/ScalarOps.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

namespace {

/// Parameters whose gradients travel in one flat buffer, one all-reduce.
struct Bucket {
    std::vector<at::Tensor> parameters;
    std::vector<int64_t> offsets;
    at::Tensor flat;
    /// The other rank's bucket, when the two exchange (`pairwise`).
    at::Tensor peer_flat;
    size_t pending = 0;
    c10::intrusive_ptr<c10d::Work> work;
    c10::intrusive_ptr<c10d::Work> receive;
};

/// Where a parameter's gradient goes, in the caller's (bucket) order.
struct Slot {
    size_t bucket;
    size_t position;
    bool ready = false;
};

} // namespace

struct ct_gradient_reducer_s {
    ct_process_group group;
    std::vector<Bucket> buckets;
    std::vector<Slot> slots;
    /// The accumulators are held, as DDP holds them: a leaf keeps only a weak reference, and a new
    /// accumulator (without our hook) would be made for the next graph.
    std::vector<std::pair<std::shared_ptr<torch::autograd::Node>, uintptr_t>> hooks;
    std::mutex mutex;
    size_t next_bucket = 0;
    /// Side values per rank, in slots after the last bucket's gradients (0: none).
    int side_count = 0;
    int64_t side_offset = 0;
    /// What this rank sends with the next launch of the last bucket, once.
    std::vector<int64_t> side_outgoing;
    bool side_staged = false;
    /// Whether the last finished step carried side values (then readable with side_maxima).
    bool side_carried = false;
    /// Armed by prepare, as DDP's prepare_for_backward: a backward outside a training step
    /// launches nothing.
    bool expecting = false;
    /// 1 / world_size as DDP wraps it (a 0-dim double tensor), each gradient's factor.
    at::Tensor scale;
    /// Two ranks exchange their buckets rather than run Gloo's ring (the default at world size 2).
    bool pairwise = false;
    /// Bucket b's sends and receives carry tag first_tag + b (`ct_process_group_s::next_tag`).
    int first_tag = 0;

    ~ct_gradient_reducer_s() {
        for (auto &[accumulator, key] : hooks) accumulator->del_post_hook(key);
        // A step that never finished (its run is failing) leaves operations posted on the group's
        // pairs; their buffers must outlive the pairs, which would otherwise read into freed memory.
        for (auto &bucket : buckets) {
            for (auto *work : {&bucket.work, &bucket.receive}) {
                if (*work && !(*work)->isCompleted()) group->unfinished.push_back(std::move(*work));
            }
        }
    }

    void reset() {
        for (auto &bucket : buckets) {
            bucket.pending = bucket.parameters.size();
            bucket.work.reset();
        }
        for (auto &slot : slots) slot.ready = false;
        next_bucket = 0;
        side_carried = false;
    }

    static constexpr int64_t side_bits = 24;

    /// This rank's side values into its slots of the last bucket (after its scaling), zeros in
    /// the others' slots; `side_carried` says whether any were sent.
    void write_side(at::Tensor &flat) {
        if (side_count == 0) return;
        at::Tensor side = flat.narrow(0, side_offset, int64_t(group->world_size) * side_count * 2);
        side.zero_();
        side_carried = side_staged;
        if (!side_staged) return;
        auto *values = side.data_ptr<float>() + int64_t(group->rank) * side_count * 2;
        for (int i = 0; i < side_count; ++i) {
            values[2 * i] = float(side_outgoing[i] >> side_bits);
            values[2 * i + 1] = float(side_outgoing[i] & ((int64_t(1) << side_bits) - 1));
        }
        side_staged = false;
    }

    /// DDP's mark_variable_ready: the gradient goes into its bucket now, while backward runs.
    void mark_ready(size_t index) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!expecting) return;
        Slot &slot = slots[index];
        if (slot.ready) {
            throw std::runtime_error("a parameter's gradient was produced twice before the optimizer step "
                                     "(backward ran twice in one training step)");
        }
        slot.ready = true;
        Bucket &bucket = buckets[slot.bucket];
        const at::Tensor &parameter = bucket.parameters[slot.position];
        at::NoGradGuard no_grad;
        // DDP divides while copying (grad * (1 / world_size) into the bucket): one pass, not two.
        at::Tensor view = bucket.flat.narrow(0, bucket.offsets[slot.position], parameter.numel());
        at::mul_out(view, parameter.grad().reshape({-1}), scale);
        if (--bucket.pending == 0) launch_ready_buckets();
    }

    /// Announces this step's receives to the other rank, one per bucket, each bucket its own tag
    /// (so buckets in flight at once never take each other's data). One still posted (a step
    /// that never finished) stays the bucket's.
    void post_receives() {
        for (size_t b = 0; b < buckets.size(); ++b) {
            if (buckets[b].receive) continue;
            std::vector<at::Tensor> into{buckets[b].peer_flat};
            buckets[b].receive = group->group->recv(into, 1 - group->rank, first_tag + int(b));
        }
    }

    void launch_ready_buckets() {
        c10d::AllreduceOptions options;
        options.reduceOp = c10d::ReduceOp::SUM;
        options.timeout = group->timeout;
        for (; next_bucket < buckets.size() && buckets[next_bucket].pending == 0; ++next_bucket) {
            Bucket &bucket = buckets[next_bucket];
            if (next_bucket + 1 == buckets.size()) write_side(bucket.flat);
            std::vector<at::Tensor> one{bucket.flat};
            if (pairwise) {
                // Into the receive the other rank posted for this bucket.
                bucket.work = group->group->send(one, 1 - group->rank, first_tag + int(next_bucket));
            } else {
                bucket.work = group->group->allreduce(one, options);
            }
        }
    }

    /// The largest of the ranks' side values at each position, from the last finished step.
    std::vector<int64_t> side_maxima() const {
        std::vector<int64_t> maxima(side_count, 0);
        const float *all = buckets.back().flat.data_ptr<float>() + side_offset;
        for (int rank = 0; rank < group->world_size; ++rank) {
            for (int i = 0; i < side_count; ++i) {
                const float *v = all + (int64_t(rank) * side_count + i) * 2;
                maxima[i] = std::max(maxima[i], (int64_t(v[0]) << side_bits) + int64_t(v[1]));
            }
        }
        return maxima;
    }

    /// Index of the first parameter that got no gradient, or -1 once every bucket is reduced and
    /// copied back into the gradients.
    int finish() {
        std::lock_guard<std::mutex> lock(mutex);
        expecting = false;
        for (size_t i = 0; i < slots.size(); ++i) {
            if (!slots[i].ready) return int(i);
        }
        at::NoGradGuard no_grad;
        for (size_t b = 0; b < buckets.size(); ++b) {
            Bucket &bucket = buckets[b];
            ctorch::run_collective(group, "all_reduce", [&] { return bucket.work; });
            if (pairwise) {
                ctorch::run_collective(group, "all_reduce", [&] { return bucket.receive; });
                bucket.receive.reset();
            }
            for (size_t i = 0; i < bucket.parameters.size(); ++i) {
                at::Tensor &gradient = bucket.parameters[i].mutable_grad();
                const auto part = [&](at::Tensor &flat) {
                    return flat.narrow(0, bucket.offsets[i], gradient.numel()).view(gradient.sizes());
                };
                if (pairwise) {
                    at::add_out(gradient, part(bucket.flat), part(bucket.peer_flat));
                } else {
                    gradient.copy_(part(bucket.flat));
                }
            }
            // The side slots after the last bucket's gradients stay in its flat buffer, summed.
            if (pairwise && side_count > 0 && b + 1 == buckets.size()) {
                const int64_t length = int64_t(group->world_size) * side_count * 2;
                bucket.flat.narrow(0, side_offset, length).add_(bucket.peer_flat.narrow(0, side_offset, length));
            }
        }
        return -1;
    }
};

namespace {

ct_gradient_reducer make_reducer(ct_process_group g, const ct_tensor *parameters, const int *bucket_sizes,
                                 int bucket_count, int side_count) {
    if (side_count < 0) throw std::invalid_argument("gradient reducer: negative side value count");
    auto reducer = std::make_unique<ct_gradient_reducer_s>();
    reducer->group = g;
    reducer->side_count = side_count;
    reducer->scale = at::native::wrapped_scalar_tensor(1.0 / double(g->world_size));
    reducer->pairwise = g->world_size == 2;
    size_t next = 0;
    for (int b = 0; b < bucket_count; ++b) {
        Bucket bucket;
        int64_t elements = 0;
        for (int i = 0; i < bucket_sizes[b]; ++i, ++next) {
            const at::Tensor &parameter = parameters[next]->t;
            if (!parameter.requires_grad() || !parameter.is_leaf()) {
                throw std::invalid_argument("gradient reducer: parameter " + std::to_string(next) +
                                            " is not a leaf that requires grad");
            }
            reducer->slots.push_back(Slot{size_t(b), size_t(i)});
            bucket.parameters.push_back(parameter);
            bucket.offsets.push_back(elements);
            elements += parameter.numel();
        }
        if (bucket.parameters.empty()) throw std::invalid_argument("gradient reducer: empty bucket");
        if (b + 1 == bucket_count && side_count > 0) {
            if (bucket.parameters[0].scalar_type() != at::kFloat) {
                throw std::invalid_argument("gradient reducer: side values ride on a float32 bucket");
            }
            reducer->side_offset = elements;
            elements += int64_t(g->world_size) * side_count * 2;
        }
        bucket.flat = at::zeros({elements}, bucket.parameters[0].options().requires_grad(false));
        if (g->world_size == 2) bucket.peer_flat = at::zeros_like(bucket.flat);
        reducer->buckets.push_back(std::move(bucket));
    }
    ct_gradient_reducer_s *self = reducer.get();
    for (size_t index = 0; index < reducer->slots.size(); ++index) {
        const Slot &slot = reducer->slots[index];
        auto accumulator = torch::autograd::impl::grad_accumulator(reducer->buckets[slot.bucket].parameters[slot.position]);
        const uintptr_t key = accumulator->add_post_hook(std::make_unique<torch::autograd::utils::LambdaPostHook>(
            [self, index](const torch::autograd::variable_list &outputs, const torch::autograd::variable_list &) {
                self->mark_ready(index);
                return outputs;
            }));
        reducer->hooks.emplace_back(std::move(accumulator), key);
    }
    reducer->first_tag = g->next_tag;
    g->next_tag += bucket_count;
    reducer->reset();
    return reducer.release();
}

} // namespace

extern "C" {

int ct_gradient_reducer_create(ct_process_group g, const ct_tensor *parameters, const int *bucket_sizes,
                               int bucket_count, int side_count, ct_gradient_reducer *out) {
    CT_TRY(*out = make_reducer(g, parameters, bucket_sizes, bucket_count, side_count))
}

int ct_gradient_reducer_send_side(ct_gradient_reducer r, const int64_t *values) {
    CT_TRY({
        std::lock_guard<std::mutex> lock(r->mutex);
        if (r->side_count == 0) throw std::invalid_argument("gradient reducer: made without side values");
        for (int i = 0; i < r->side_count; ++i) {
            if (values[i] < 0 || values[i] >= (int64_t(1) << (2 * ct_gradient_reducer_s::side_bits))) {
                throw std::invalid_argument("gradient reducer: side value " + std::to_string(values[i]) +
                                            " is outside 0..<2^48");
            }
        }
        r->side_outgoing.assign(values, values + r->side_count);
        r->side_staged = true;
    })
}

int ct_gradient_reducer_side_maxima(ct_gradient_reducer r, int64_t *values) {
    std::lock_guard<std::mutex> lock(r->mutex);
    if (!r->side_carried) return 0;
    const std::vector<int64_t> maxima = r->side_maxima();
    std::copy(maxima.begin(), maxima.end(), values);
    return 1;
}

void ct_gradient_reducer_free(ct_gradient_reducer r) { delete r; }

int ct_gradient_reducer_prepare(ct_gradient_reducer r) {
    CT_TRY({
        std::lock_guard<std::mutex> lock(r->mutex);
        r->reset();
        r->expecting = true;
        // Gloo refuses a receive on a connection it has seen fail: the rank that died is named.
        try {
            if (r->pairwise) r->post_receives();
        } catch (const std::exception &e) {
            r->expecting = false;
            throw ctorch::collective_error(r->group, "all_reduce", e);
        }
    })
}

int ct_gradient_reducer_set_pairwise(ct_gradient_reducer r, int pairwise) {
    CT_TRY({
        std::lock_guard<std::mutex> lock(r->mutex);
        if (pairwise && r->group->world_size != 2) {
            throw std::invalid_argument("gradient reducer: only two ranks exchange their buckets");
        }
        if (r->expecting) throw std::logic_error("gradient reducer: the reduction cannot change inside a backward");
        r->pairwise = pairwise != 0;
    })
}

int ct_gradient_reducer_pairwise(ct_gradient_reducer r) {
    std::lock_guard<std::mutex> lock(r->mutex);
    return int(r->pairwise);
}

int ct_gradient_reducer_launched(ct_gradient_reducer r) {
    std::lock_guard<std::mutex> lock(r->mutex);
    return int(r->next_bucket);
}

int ct_gradient_reducer_finish(ct_gradient_reducer r, int *missing) { CT_TRY(*missing = r->finish()) }

} // extern "C"
