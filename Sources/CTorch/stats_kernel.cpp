// The fused activation-statistics kernel: count, mean, unbiased std, near-zero share, min, max
// and an optional histogram of one tensor in a single parallel pass over its memory.
//
// Why: fastai's ActivationStats runs three torch reductions per hooked module and batch and
// three .item() round trips; Tensor::std alone costs 10-15x a mean here (PERF-NOTES item 2).
//
// Accuracy: values are summed around a shift K (the mean of the first 64 elements), so the sum
// of squares does not cancel catastrophically when |mean| >> std; float lanes are flushed into
// doubles every 256 elements, and chunks are merged with Chan et al.'s pairwise formula.
#include "shim_support.hpp"
#include <ATen/TensorIterator.h>
#include <mutex>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace {

struct Partial {
    int64_t count = 0;
    double mean = 0;  // mean of the chunk
    double m2 = 0;    // sum of squared deviations from the chunk mean
    int64_t near_zero = 0;
    float min = std::numeric_limits<float>::infinity();
    float max = -std::numeric_limits<float>::infinity();
};

constexpr int kLanes = 16;        // one AVX-512 register of floats (two AVX2 ones)
constexpr int64_t kBlock = 256;   // elements summed in float lanes before going to double

// Explicit vectors: the loop below is written lane-parallel, so every clone is SIMD code
// (the auto-vectoriser would not touch the scalar form: FP adds may not be reordered).
typedef float f16 __attribute__((ext_vector_type(kLanes)));
typedef int32_t i16 __attribute__((ext_vector_type(kLanes)));
typedef double d16 __attribute__((ext_vector_type(kLanes)));
typedef int64_t l16 __attribute__((ext_vector_type(kLanes)));

/// Sum, sum of squares (around `shift`), near-zero count, min and max of x[0..<n].
///
/// Two-level summation: independent float lanes over blocks of 256 elements, each block
/// flushed into double accumulators. The shift keeps lane values near zero, so float lanes
/// lose nothing measurable. target_clones picks AVX-512, AVX2 or baseline code at load time.
__attribute__((target_clones("avx512f", "avx2", "default")))
void moments(const float *x, int64_t n, float shift, float threshold, double &sum, double &sumsq,
             int64_t &near_zero, float &mn, float &mx) {
    const f16 vshift = shift, vthreshold = threshold;
    f16 lo = std::numeric_limits<float>::infinity(), hi = -std::numeric_limits<float>::infinity();
    // Blocks flush into double (and int64) vectors, not scalars: a scalar flush is a serial
    // chain of dependent adds that costs more than the block itself.
    d16 total_s = 0, total_q = 0;
    l16 total_z = 0;
    int64_t i = 0;
    while (i + kLanes <= n) {
        const int64_t block_end = std::min(n - (n - i) % kLanes, i + kBlock);
        f16 s = 0, q = 0;
        i16 z = 0;
        for (; i < block_end; i += kLanes) {
            f16 v;
            __builtin_memcpy(&v, x + i, sizeof v);
            const f16 d = v - vshift;
            s += d;
            q += d * d;
            z -= (v <= vthreshold);  // a true comparison is -1 in every lane
            lo = __builtin_elementwise_min(lo, v);
            hi = __builtin_elementwise_max(hi, v);
        }
        total_s += __builtin_convertvector(s, d16);
        total_q += __builtin_convertvector(q, d16);
        total_z += __builtin_convertvector(z, l16);
    }
    for (int l = 0; l < kLanes; ++l) sum += total_s[l], sumsq += total_q[l], near_zero += total_z[l];
    for (int l = 0; l < kLanes; ++l) mn = std::min(mn, float(lo[l])), mx = std::max(mx, float(hi[l]));
    for (; i < n; ++i) {  // the tail, fewer than kLanes elements
        const float v = x[i];
        const double d = double(v) - double(shift);
        sum += d;
        sumsq += d * d;
        near_zero += v <= threshold;
        mn = std::min(mn, v);
        mx = std::max(mx, v);
    }
}

void histogram_counts(const float *x, int64_t n, int64_t bins, double lo, double hi, int64_t *histogram) {
    const double scale = double(bins) / (hi - lo);
    for (int64_t i = 0; i < n; ++i) {
        const double v = x[i];
        if (v < lo || v > hi || std::isnan(v)) continue;
        int64_t b = static_cast<int64_t>((v - lo) * scale);
        histogram[std::min(b, bins - 1)] += 1;
    }
}

Partial reduce_chunk(const float *x, int64_t n, float threshold, float shift, int64_t bins,
                     double lo, double hi, int64_t *histogram) {
    double sum = 0, sumsq = 0;
    int64_t near_zero = 0;
    float mn = std::numeric_limits<float>::infinity(), mx = -mn;
    moments(x, n, shift, threshold, sum, sumsq, near_zero, mn, mx);
    if (bins > 0) histogram_counts(x, n, bins, lo, hi, histogram);
    Partial p;
    p.count = n;
    const double mean_shifted = n ? sum / double(n) : 0;
    p.mean = double(shift) + mean_shifted;
    p.m2 = std::max(0.0, sumsq - sum * mean_shifted);
    p.near_zero = near_zero;
    p.min = mn;
    p.max = mx;
    return p;
}

void merge(Partial &a, const Partial &b) {
    if (b.count == 0) return;
    if (a.count == 0) { a = b; return; }
    const double n = double(a.count + b.count);
    const double delta = b.mean - a.mean;
    a.m2 += b.m2 + delta * delta * double(a.count) * double(b.count) / n;
    a.mean += delta * double(b.count) / n;
    a.count += b.count;
    a.near_zero += b.near_zero;
    a.min = std::min(a.min, b.min);
    a.max = std::max(a.max, b.max);
}

} // namespace

extern "C" int ct_activation_stats(ct_tensor t, double threshold, int64_t bins, double lo,
                                   double hi, ct_stats *stats, int64_t *histogram) {
    CT_TRY({
        if (bins > 0 && !(hi > lo)) throw std::invalid_argument("histogram needs hi > lo");
        at::Tensor x = t->t.detach();
        if (x.scalar_type() != at::kFloat) x = x.to(at::kFloat);
        x = x.contiguous();
        const float *data = x.data_ptr<float>();
        const int64_t n = x.numel();
        // Shift by an estimate of the mean (of the first elements), so that the shifted sum of
        // squares barely exceeds the sum of squared deviations and nothing cancels.
        double head = 0;
        const int64_t head_count = std::min<int64_t>(n, 64);
        for (int64_t i = 0; i < head_count; ++i) head += data[i];
        const float shift = head_count ? float(head / double(head_count)) : 0.f;

        // libtorch splits the elements over its intra-op threads: TensorIterator::for_each is
        // compiled inside libtorch with OpenMP, whereas at::parallel_for is inlined here, where
        // it would silently run serially (this file is not built with OpenMP). Each range is
        // reduced on its own, then merged under a lock: once per range, not per element.
        Partial total;
        std::vector<int64_t> counts(std::max<int64_t>(bins, 0), 0);
        std::mutex merge_lock;
        auto iter = at::TensorIteratorConfig().add_input(x).build();
        iter.for_each([&](char **ptrs, const int64_t *strides, int64_t size0, int64_t size1) {
            std::vector<int64_t> local(counts.size(), 0);
            Partial range;
            for (int64_t j = 0; j < size1; ++j) {
                const float *row = reinterpret_cast<const float *>(ptrs[0] + j * strides[1]);
                merge(range, reduce_chunk(row, size0, float(threshold), shift, bins, lo, hi, local.data()));
            }
            std::lock_guard<std::mutex> guard(merge_lock);
            merge(total, range);
            for (size_t b = 0; b < local.size(); ++b) counts[b] += local[b];
        }, /*grain_size=*/65536);
        if (bins > 0) std::copy(counts.begin(), counts.end(), histogram);
        stats->count = total.count;
        stats->mean = total.count ? total.mean : std::nan("");
        stats->std = total.count > 1 ? std::sqrt(total.m2 / double(total.count - 1)) : std::nan("");
        stats->near_zero = total.count ? double(total.near_zero) / double(total.count) : std::nan("");
        stats->min = total.count ? total.min : std::nan("");
        stats->max = total.count ? total.max : std::nan("");
    })
}
