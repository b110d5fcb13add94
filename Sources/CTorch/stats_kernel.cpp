// The fused activation-statistics kernel: count, mean, unbiased std, near-zero share, mean of
// |x|, min, max, an optional histogram and optional per-channel activity (any element > 0) of one
// tensor in a single parallel pass over its memory.
//
// Why: fastai's ActivationStats runs three torch reductions per hooked module and batch and
// three .item() round trips; Tensor::std alone costs 10-15x a mean here (PERF-NOTES item 2).
//
// Only what the caller asks for is computed: the block loop is a template over feature flags,
// so the loop for a mask of only the mean has no code for squares, compares, min/max or bins.
//
// Accuracy: values are summed around a shift K (the mean of the first 64 elements), so the sum
// of squares does not cancel catastrophically when |mean| >> std; float lanes are flushed into
// doubles every 256 elements, and chunks are merged with Chan et al.'s pairwise formula.
#include "shim_support.hpp"
#include "stats_kernel_lanes.hpp"
#include <ATen/TensorIterator.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

namespace {

/// The work one call asks for; each flag is a template parameter of the block loop.
enum Feature : unsigned {
    kSum = 1,         // shifted sum: mean
    kSquares = 2,     // shifted sum of squares: std (always with kSum)
    kNearZero = 4,
    kAbs = 8,
    kMinMax = 16,
    kHistogram = 32,
    kAllFeatures = 64  // one past every combination
};
constexpr bool valid(unsigned f) { return !(f & kSquares) || (f & kSum); }

struct Params {
    float shift, threshold;
    Binning bin;
};

/// The raw sums of one row, around the shift (a trivial type: see `reduce`).
struct Sums {
    double sum, sumsq, abs_sum;
    int64_t near_zero;
    float min, max;
};

/// The sums of x[0..<n] selected by F (the others are left 0); histogram counts are added to
/// `counts`.
///
/// Two-level summation: independent float lanes over blocks of 256 elements, each block
/// flushed into double accumulators. The shift keeps lane values near zero, so float lanes
/// lose nothing measurable. Inlined into the target_clones dispatcher below, which compiles
/// it for AVX-512, AVX2 and baseline code and picks one at load time.
template <unsigned F>
__attribute__((always_inline)) inline Sums reduce_row(const float *x, int64_t n, const Params &p,
                                                     int64_t *counts) {
    const f16 vshift = p.shift, vthreshold = p.threshold;
    const Binning bin = p.bin;  // a copy: stays in registers across the stores to counts
    f16 lo = kInf, hi = -kInf;
    // Blocks flush into double (and int64) vectors, not scalars: a scalar flush is a serial
    // chain of dependent adds that costs more than the block itself.
    d16 total_s = 0, total_q = 0, total_a = 0;
    l16 total_z = 0;
    const bool masks = bin.bins <= kMaskBins;
    Planes planes{};
    l16 mask[kBlock / kLanes];  // a block's one-bit masks, for add_block
    int vectors = 0;            // in the block so far
    int64_t i = 0;
    while (i + kLanes <= n) {
        const int64_t block_end = std::min(n - (n - i) % kLanes, i + kBlock);
        f16 s = 0, q = 0, a = 0;
        i16 z = 0;
        for (; i < block_end; i += kLanes) {
            f16 v;
            __builtin_memcpy(&v, x + i, sizeof v);
            if constexpr (F & kSum) {
                const f16 d = v - vshift;
                s += d;
                if constexpr (F & kSquares) q += d * d;
            }
            if constexpr (F & kNearZero) z -= (v <= vthreshold);  // true is -1 in every lane
            if constexpr (F & kAbs) a += __builtin_elementwise_abs(v);
            if constexpr (F & kMinMax) {
                lo = __builtin_elementwise_min(lo, v);
                hi = __builtin_elementwise_max(hi, v);
            }
            if constexpr (F & kHistogram) {
                i16 b;
                bin.bin16(v, b);
                if (masks) mask[vectors++] = l16(1) << __builtin_convertvector(b, l16);
                else {
                    // One vector store, then 16 scalar loads: fewer uops than extracting 16
                    // lanes (the empty asm keeps clang from turning the loads back into extracts).
                    const i16 slot = b * bin.ways + bin.lane_slot;
                    alignas(64) int32_t index[kLanes];
                    __builtin_memcpy(index, &slot, sizeof index);
                    __asm__("" : "+m"(index));
#pragma unroll
                    for (int l = 0; l < kLanes; ++l) counts[index[l]] += 1;
                }
            }
        }
        if (F & kHistogram && masks) {  // a short last block: the rest adds nothing
            std::fill(mask + vectors, mask + kBlock / kLanes, l16(0));
            add_block(planes, mask), vectors = 0;
            if (++planes.blocks == 255) flush_planes(planes, bin.bins, bin.ways, counts);
        }
        if constexpr (F & kSum) total_s += __builtin_convertvector(s, d16);
        if constexpr (F & kSquares) total_q += __builtin_convertvector(q, d16);
        if constexpr (F & kAbs) total_a += __builtin_convertvector(a, d16);
        if constexpr (F & kNearZero) total_z += __builtin_convertvector(z, l16);
    }
    if (F & kHistogram && masks && planes.blocks > 0) flush_planes(planes, bin.bins, bin.ways, counts);
    // Lanes to scalars, in lane order. Through arrays, each vector stored once: indexing the
    // vectors made clang store all six of them again in every iteration (~0.5 us per call).
    Sums r = {0, 0, 0, 0, kInf, -kInf};
    alignas(64) double ls[kLanes], lq[kLanes], la[kLanes];
    alignas(64) int64_t lz[kLanes];
    alignas(64) float llo[kLanes], lhi[kLanes];
    __builtin_memcpy(ls, &total_s, sizeof ls), __builtin_memcpy(lq, &total_q, sizeof lq);
    __builtin_memcpy(la, &total_a, sizeof la), __builtin_memcpy(lz, &total_z, sizeof lz);
    __builtin_memcpy(llo, &lo, sizeof llo), __builtin_memcpy(lhi, &hi, sizeof lhi);
    for (int l = 0; l < kLanes; ++l) {  // unused sums stay 0 (and min/max infinite) either way
        if constexpr (F & kSum) r.sum += ls[l];
        if constexpr (F & kSquares) r.sumsq += lq[l];
        if constexpr (F & kAbs) r.abs_sum += la[l];
        if constexpr (F & kNearZero) r.near_zero += lz[l];
        if constexpr (F & kMinMax) r.min = std::min(r.min, llo[l]), r.max = std::max(r.max, lhi[l]);
    }
    for (; i < n; ++i) {  // the tail, fewer than kLanes elements (cheap: all sums, unconditionally)
        const float v = x[i];
        const double d = double(v) - double(p.shift);
        r.sum += d;
        r.sumsq += d * d;
        r.abs_sum += std::fabs(double(v));
        r.near_zero += v <= p.threshold;
        r.min = std::min(r.min, v);
        r.max = std::max(r.max, v);
        if constexpr (F & kHistogram) counts[bin.slot(v)] += 1;
    }
    return r;
}

/// Runs the reduce_row instance for `features`: one compare per row, not per element.
template <unsigned... F>
__attribute__((always_inline)) inline Sums dispatch(unsigned features, const float *x, int64_t n,
                                                   const Params &p, int64_t *counts,
                                                   std::integer_sequence<unsigned, F...>) {
    Sums r = {};
    // Invalid combinations (squares without the sum) never match; they share instance 0.
    (void)((features == F && valid(F) ? (r = reduce_row<valid(F) ? F : 0>(x, n, p, counts), true)
                                      : false) || ...);
    return r;
}

// Returns a trivial struct: clang 21 fails to emit the implicit constructor of a type with
// default member initializers (Partial) that is only used inside target_clones functions.
__attribute__((target_clones("avx512f", "avx2", "default")))
Sums reduce(unsigned features, const float *x, int64_t n, const Params &p, int64_t *counts) {
    return dispatch(features, x, n, p, counts,
                    std::make_integer_sequence<unsigned, kAllFeatures>{});
}

/// The reduction of one stretch of elements (merged pairwise with `merge`).
struct Partial {
    int64_t count = 0;
    double mean = 0;  // mean of the chunk
    double m2 = 0;    // sum of squared deviations from the chunk mean
    double abs_sum = 0;
    int64_t near_zero = 0;
    float min = kInf;
    float max = -kInf;

    Partial() = default;
    Partial(const Sums &s, int64_t n, float shift)
        : count(n), abs_sum(s.abs_sum), near_zero(s.near_zero), min(s.min), max(s.max) {
        const double mean_shifted = n ? s.sum / double(n) : 0;
        mean = double(shift) + mean_shifted;
        m2 = std::max(0.0, s.sumsq - s.sum * mean_shifted);
    }
};

void merge(Partial &a, const Partial &b) {
    if (b.count == 0) return;
    if (a.count == 0) { a = b; return; }
    const double n = double(a.count + b.count);
    const double delta = b.mean - a.mean;
    a.m2 += b.m2 + delta * delta * double(a.count) * double(b.count) / n;
    a.mean += delta * double(b.count) / n;
    a.count += b.count;
    a.abs_sum += b.abs_sum;
    a.near_zero += b.near_zero;
    a.min = std::min(a.min, b.min);
    a.max = std::max(a.max, b.max);
}

constexpr uint32_t bit(int stat) { return 1u << stat; }

/// The channels ct_activation_stats reports activity for (dim 1; the whole tensor below 2-D).
int64_t activity_channels(const at::Tensor &t) { return t.dim() >= 2 ? t.size(1) : 1; }

void activation_stats(const at::Tensor &input, uint32_t mask, double threshold, int64_t bins,
                      double lo, double hi, ct_stats *stats, int64_t *histogram, uint8_t *active) {
    const float lo_f = float(lo), hi_f = float(hi);
    if (bins > 0 && !(hi_f > lo_f)) throw std::invalid_argument("histogram needs hi > lo");
    if (bins > (int64_t(1) << 24)) throw std::invalid_argument("histogram has over 2^24 bins");
    unsigned features = 0;
    if (mask & (bit(CT_STAT_MEAN) | bit(CT_STAT_STD))) features |= kSum;
    if (mask & bit(CT_STAT_STD)) features |= kSquares;
    if (mask & bit(CT_STAT_NEAR_ZERO)) features |= kNearZero;
    if (mask & bit(CT_STAT_ABS_MEAN)) features |= kAbs;
    if (mask & (bit(CT_STAT_MIN) | bit(CT_STAT_MAX))) features |= kMinMax;
    if (bins > 0) features |= kHistogram;

    // No detach() or TensorIterator unless needed: each costs a heap-allocated TensorImpl, and
    // small tensors (the head of a CNN: a few hundred elements) cost mostly such fixed work.
    at::Tensor x = input;
    const int64_t n = x.numel();
    Partial total;
    total.count = n;
    Counters counters(bins);
    int64_t *counts = counters.data;
    const int64_t channels = active ? activity_channels(x) : 0;
    if (active) std::fill(active, active + channels, uint8_t(0));
    if ((features != 0 || active) && n > 0) {
        if (x.scalar_type() != at::kFloat) x = x.detach().to(at::kFloat);
        if (!x.is_contiguous()) x = x.detach().contiguous();
        const float *data = x.data_ptr<float>();
        Params p{};
        p.threshold = float(threshold);
        // Shift by an estimate of the mean (of the first elements), so that the shifted sum of
        // squares barely exceeds the sum of squared deviations and nothing cancels.
        double head = 0;
        const int64_t head_count = std::min<int64_t>(n, 64);
        for (int64_t i = 0; i < head_count; ++i) head += data[i];
        p.shift = float(head / double(head_count));
        // Scattering: 16 ways while the sub-histograms fit in 32 KiB of L1, fewer for many bins.
        // Bit-sliced counting needs one (only a row's tail, < 16 values, is scattered).
        int32_t ways = bins <= kMaskBins ? 1 : kLanes;
        while (ways > 1 && (bins + 1) * ways > 4096) ways /= 2;
        const float range = hi_f - lo_f, scale = float(bins) / range;
        const bool multiply = std::isnormal(range) && std::isnormal(scale);
        p.bin = {lo_f, hi_f, range, float(bins), scale, int32_t(bins), ways, multiply, {}};
        for (int l = 0; l < kLanes; ++l) p.bin.lane_slot[l] = l % ways;
        const int64_t slots = bins > 0 ? (bins + 1) * ways : 0;
        const Activity activity{channels, !active ? 0 : x.dim() >= 2 ? n / (x.size(0) * channels) : n};
        // Reduces rows of size0 elements into one Partial and one set of counters (and channel
        // flags), merged into the totals under a lock: once per range, not per row or element.
        // Activity is a second sweep over each row right after its reduce, while the row is in
        // L1/L2: its planes do not align with the 16-element vectors of the loop above (a linear
        // layer's plane is one element), and a live channel ends its sweep early.
        std::mutex merge_lock;
        auto reduce_rows = [&](char **ptrs, const int64_t *strides, int64_t size0, int64_t size1) {
            Counters local(slots);
            Zeroed<uint8_t> seen(channels);
            Partial range;
            for (int64_t j = 0; j < size1; ++j) {
                const float *row = reinterpret_cast<const float *>(ptrs[0] + j * strides[1]);
                merge(range, Partial(reduce(features, row, size0, p, local.data), size0, p.shift));
                if (active) mark_active(row, size0, row - data, activity, seen.data);
            }
            std::lock_guard<std::mutex> guard(merge_lock);
            merge(total, range);
            for (int64_t b = 0; b < bins; ++b)
                for (int32_t w = 0; w < ways; ++w) counts[b] += local.data[b * ways + w];
            for (int64_t c = 0; c < channels; ++c) active[c] |= seen.data[c];
        };
        // Elements per range: small enough that a (64,64,4,4) activation (65,536 elements) uses
        // both intra-op threads, large enough that a range's fixed cost stays under 5%.
        constexpr int64_t kGrain = 16384;
        total = Partial();
        if (n <= kGrain) {
            // One range, as TensorIterator would make it (a contiguous tensor is one row), without
            // building one (~1 us): the same sums, bit for bit.
            char *ptr = reinterpret_cast<char *>(const_cast<float *>(data));
            const int64_t strides[2] = {sizeof(float), 0};
            reduce_rows(&ptr, strides, n, 1);
        } else {
            // libtorch splits the elements over its intra-op threads: TensorIterator::for_each is
            // compiled inside libtorch with OpenMP, whereas at::parallel_for is inlined here,
            // where it would silently run serially (this file is not built with OpenMP).
            auto iter = at::TensorIteratorConfig().add_input(x).build();
            iter.for_each(reduce_rows, kGrain);
        }
    }
    if (bins > 0) std::copy(counts, counts + bins, histogram);

    const int64_t c = total.count;
    stats->count = c;
    std::fill(std::begin(stats->values), std::end(stats->values), std::nan(""));
    auto set = [&](int stat, bool defined, double value) {
        if ((mask & bit(stat)) && defined) stats->values[stat] = value;
    };
    set(CT_STAT_MEAN, c > 0, total.mean);
    set(CT_STAT_STD, c > 1, std::sqrt(total.m2 / double(c - 1)));
    set(CT_STAT_NEAR_ZERO, c > 0, double(total.near_zero) / double(c));
    set(CT_STAT_ABS_MEAN, c > 0, total.abs_sum / double(c));
    set(CT_STAT_MIN, c > 0, total.min);
    set(CT_STAT_MAX, c > 0, total.max);
}

} // namespace

extern "C" int ct_activation_stats(ct_tensor t, uint32_t mask, double threshold, int64_t bins,
                                   double lo, double hi, ct_stats *stats, int64_t *histogram,
                                   uint8_t *active) {
    CT_TRY(activation_stats(t->t, mask, threshold, bins, lo, hi, stats, histogram, active))
}

extern "C" int64_t ct_activity_channels(ct_tensor t) { return activity_channels(t->t); }

extern "C" const char *ct_stat_name(int index) {
    static const char *const names[] = {"mean", "std", "near_zero", "abs_mean", "min", "max"};
    static_assert(sizeof names / sizeof *names == CT_STAT_COUNT, "one name per statistic");
    return index >= 0 && index < CT_STAT_COUNT ? names[index] : nullptr;
}
