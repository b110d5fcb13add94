// The fused activation-statistics kernel: count, mean, unbiased std, near-zero share, min, max
// and an optional histogram of one tensor in a single parallel pass over its memory.
//
// Why: fastai's ActivationStats runs three torch reductions per hooked module and batch and
// three .item() round trips; Tensor::std alone costs 10-15x a mean here (PERF-NOTES item 2).
//
// Accuracy: each chunk accumulates in double around a shift K (the first element), so the
// sum of squares does not cancel catastrophically when |mean| >> std; chunks are merged with
// Chan et al.'s pairwise formula.
#include "shim_support.hpp"
#include <ATen/Parallel.h>
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

Partial reduce_chunk(const float *x, int64_t n, float threshold, float shift, int64_t bins,
                     double lo, double hi, int64_t *histogram) {
    double sum = 0, sumsq = 0;
    int64_t near_zero = 0;
    float mn = std::numeric_limits<float>::infinity(), mx = -mn;
    for (int64_t i = 0; i < n; ++i) {
        const float v = x[i];
        const double d = double(v) - double(shift);
        sum += d;
        sumsq += d * d;
        near_zero += v <= threshold;
        mn = std::min(mn, v);
        mx = std::max(mx, v);
    }
    if (bins > 0) {
        const double scale = double(bins) / (hi - lo);
        for (int64_t i = 0; i < n; ++i) {
            const double v = x[i];
            if (v < lo || v > hi || std::isnan(v)) continue;
            int64_t b = static_cast<int64_t>((v - lo) * scale);
            histogram[std::min(b, bins - 1)] += 1;
        }
    }
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

        // Chunks of at least 32k elements: enough work per task to amortise scheduling,
        // and enough chunks to keep every intra-op thread busy on large activations.
        const int64_t grain = 32768;
        const int64_t chunks = std::max<int64_t>(1, std::min<int64_t>((n + grain - 1) / grain,
                                                                     int64_t(at::get_num_threads()) * 4));
        const int64_t per_chunk = (n + chunks - 1) / chunks;
        std::vector<Partial> partials(chunks);
        std::vector<int64_t> local_hist(bins > 0 ? bins * chunks : 0, 0);
        const float shift = n ? data[0] : 0.f;
        at::parallel_for(0, chunks, 1, [&](int64_t begin, int64_t end) {
            for (int64_t c = begin; c < end; ++c) {
                const int64_t start = c * per_chunk;
                const int64_t len = std::max<int64_t>(0, std::min(per_chunk, n - start));
                partials[c] = reduce_chunk(data + start, len, float(threshold), shift, bins, lo, hi,
                                           bins > 0 ? local_hist.data() + c * bins : nullptr);
            }
        });
        Partial total;
        for (const auto &p : partials) merge(total, p);
        if (bins > 0) {
            std::fill(histogram, histogram + bins, 0);
            for (int64_t c = 0; c < chunks; ++c)
                for (int64_t b = 0; b < bins; ++b) histogram[b] += local_hist[c * bins + b];
        }
        stats->count = total.count;
        stats->mean = total.count ? total.mean : std::nan("");
        stats->std = total.count > 1 ? std::sqrt(total.m2 / double(total.count - 1)) : std::nan("");
        stats->near_zero = total.count ? double(total.near_zero) / double(total.count) : std::nan("");
        stats->min = total.count ? total.min : std::nan("");
        stats->max = total.count ? total.max : std::nan("");
    })
}
