// Vector lanes, histc-exact binning and bit-sliced histogram counting for the fused statistics
// kernel (stats_kernel.cpp, its only includer): the parts of the histogram that need a proof or a
// trick, kept apart from the moments loop that uses them.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace {

constexpr int kLanes = 16;        // one AVX-512 register of floats (two AVX2 ones)
constexpr int64_t kBlock = 256;   // elements summed in float lanes before going to double
constexpr float kInf = std::numeric_limits<float>::infinity();

// Explicit vectors: the loop below is written lane-parallel, so every clone is SIMD code
// (the auto-vectoriser would not touch the scalar form: FP adds may not be reordered).
typedef float f16 __attribute__((ext_vector_type(kLanes)));
typedef int32_t i16 __attribute__((ext_vector_type(kLanes)));
typedef double d16 __attribute__((ext_vector_type(kLanes)));
typedef int64_t l16 __attribute__((ext_vector_type(kLanes)));

/// Histogram binning, exactly as libtorch 1.13's histc (LINEAR_INTERPOLATION in
/// aten/src/ATen/native/cpu/HistogramKernel.cpp): pos = int64((x - lo) / (hi - lo) * bins) in
/// float, with float lo, hi (the ends of its float linspace) and hi put in the last bin. (Checked
/// against Debian's 1.13.1 build, edge values included; later ATen multiplies by bins first.)
/// Values outside [lo, hi] and NaN get the bin `bins`, never counted. (histc 1.13 itself puts NaN
/// in bin 0 through an out-of-range index; ignoring it is the documented intent.)
/// No division per vector: with d = x - lo and scale = bins / range, histc's pos and d * scale
/// are each two roundings (2^-23 relative) from the real d * bins / range, so they are within
/// 2^-22 * pos of each other, strictly inside [d * scale * (1 - 2^-20), d * scale * (1 + 2^-20)]
/// (rounded). Where both ends have the same floor, that is histc's bin; a vector with a lane
/// where they differ (~1 in 4000 on real data) takes histc's division.
struct Binning {
    float lo, hi, range, bins_f, scale;
    int32_t bins, ways;
    bool multiply;  // range and scale are normal, finite floats: the bound above holds
    i16 lane_slot;  // lane % ways

    int64_t slot(float v) const {  // the scalar form, for the tail of a row
        if (!(v >= lo && v <= hi)) return int64_t(bins) * ways;
        return std::min<int64_t>(int64_t((v - lo) / range * bins_f), bins - 1) * ways;
    }
    __attribute__((always_inline)) void bin16(const f16 &v, i16 &out) const {
        const i16 inside = (v >= lo) & (v <= hi);
        const f16 d = inside ? v - lo : f16(0);  // 0 outside: defined conversion, never "near"
        const f16 pos = d * scale;  // >= 0, < 2^25: the conversions are defined (truncation = floor)
        i16 b = __builtin_convertvector(pos * (1 + 0x1p-20f), i16);
        const i16 near = b != __builtin_convertvector(pos * (1 - 0x1p-20f), i16);
        if (__builtin_expect(!multiply || __builtin_reduce_or(near) != 0, 0))
            b = __builtin_convertvector(d / range * bins_f, i16);
        out = inside ? __builtin_elementwise_min(b, i16(bins - 1)) : i16(bins);
    }
};

/// Counting. Up to kMaskBins bins (fastai's 40) each value becomes a mask 1 << bin in a 64-bit
/// lane, and a block's 16 mask vectors are added bit-sliced (Harley-Seal carry-save adders into
/// planes of weight 1, 2, 4, 8, then 16 << k): ~4 vpternlogq per 16 values instead of 16 scalar
/// increments at ~0.5 ns each (memory-order stalls), which were most of the histogram's cost.
/// AVX-512F only (the "avx512f" clone has no byte ops). More bins scatter into `ways` interleaved
/// sub-histograms, slot bin * ways + lane % ways: no two lanes of a vector share a counter.
constexpr int32_t kMaskBins = 63;  // bit `bins` takes the values outside: never counted
constexpr int kHigh = 8;           // planes of weight 16 << p: flushed after 255 blocks
struct Planes {
    l16 low[4], high[kHigh];  // weights 1, 2, 4, 8 and 16, 32, ..., 2048
    int blocks;
};
__attribute__((always_inline)) inline void csa(l16 &carry, l16 &sum, const l16 &a, const l16 &b) {
    carry = (sum & a) | (sum & b) | (a & b), sum = sum ^ a ^ b;  // a vpternlogq each
}
/// Adds 16 mask vectors into the planes (Mula's Harley-Seal order).
__attribute__((always_inline)) inline void add_block(Planes &p, const l16 *m) {
    l16 twos_a, twos_b, fours_a, fours_b, eights_a, eights_b, sixteens;
    l16 &ones = p.low[0], &twos = p.low[1], &fours = p.low[2], &eights = p.low[3];
    csa(twos_a, ones, m[0], m[1]), csa(twos_b, ones, m[2], m[3]), csa(fours_a, twos, twos_a, twos_b);
    csa(twos_a, ones, m[4], m[5]), csa(twos_b, ones, m[6], m[7]), csa(fours_b, twos, twos_a, twos_b);
    csa(eights_a, fours, fours_a, fours_b);
    csa(twos_a, ones, m[8], m[9]), csa(twos_b, ones, m[10], m[11]), csa(fours_a, twos, twos_a, twos_b);
    csa(twos_a, ones, m[12], m[13]), csa(twos_b, ones, m[14], m[15]), csa(fours_b, twos, twos_a, twos_b);
    csa(eights_b, fours, fours_a, fours_b);
    csa(sixteens, eights, eights_a, eights_b);
    for (int k = 0; k < kHigh; ++k) {  // ripple: +1 in weight 16 per block at most
        const l16 c = p.high[k] & sixteens;
        p.high[k] ^= sixteens, sixteens = c;
    }
}
/// Adds the planes' bit counts into counts[bin * ways] and clears them. Vectorised: for bin
/// offset b < 16, bins b, b + 16, b + 32, b + 48 are gathered into the 16-bit fields of each lane
/// (a lane holds at most 16 * 255 = 4080 < 2^12 per bin), then summed across the 16 lanes (at most
/// 65280 < 2^16 per field: no carry between fields). ~0.2 us instead of one scalar increment per
/// set bit (up to 12 planes x 16 lanes x 40 bits). High planes above the block count are zero.
__attribute__((always_inline)) inline void flush_planes(Planes &p, int32_t bins, int32_t ways,
                                                        int64_t *counts) {
    const int64_t keep = int64_t((uint64_t(1) << bins) - 1);  // drops bit `bins` (outside)
    const int planes = 4 + (32 - __builtin_clz(unsigned(p.blocks)));  // 2^k <= blocks: weight 16 << k
    l16 plane[4 + kHigh];
    for (int k = 0; k < planes; ++k) plane[k] = (k < 4 ? p.low[k] : p.high[k - 4]) & keep;
    const int64_t fields = 0x0001000100010001;
    for (int b = 0; b < 16 && b < bins; ++b) {
        l16 acc = 0;
        for (int k = 0; k < planes; ++k) acc += ((plane[k] >> b) & fields) << k;
        const uint64_t s = uint64_t(__builtin_reduce_add(acc));
        for (int f = 0; f < 4 && b + 16 * f < bins; ++f)
            counts[(b + 16 * f) * ways] += int64_t((s >> (16 * f)) & 0xffff);
    }
    p = Planes{};
}

/// `n` zeroed values, on the stack up to 1024 (fastai's 40 bins, a layer's channels): no
/// allocation per call or range.
template <typename T> struct Zeroed {
    T stack[1024];
    std::vector<T> heap;
    T *data = stack;
    explicit Zeroed(int64_t n) {
        if (n > 1024) heap.resize(n), data = heap.data();
        std::fill(data, data + std::max<int64_t>(n, 0), T(0));
    }
    Zeroed(const Zeroed &) = delete;
};
using Counters = Zeroed<int64_t>;

/// Channel activity (dead_units): a contiguous (N, C, ...) tensor is N * C planes of `inner`
/// elements, plane p belonging to channel p % C.
struct Activity {
    int64_t channels, inner;
};

/// True when some x[i] > 0, i < n (NaN is not): a vector at a time, stopping at the first
/// vector with one, so a live channel is usually decided within its first vectors and only a
/// dead one is read to its end.
__attribute__((always_inline)) inline bool any_positive(const float *x, int64_t n) {
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        f16 v;
        __builtin_memcpy(&v, x + i, sizeof v);
        if (__builtin_reduce_or(v > 0.0f) != 0) return true;
    }
    for (; i < n; ++i)
        if (x[i] > 0.0f) return true;
    return false;
}

/// Sets active[c] for each channel c with an element > 0 in x[0..<n], the stretch of the tensor
/// starting at flat element `offset` (a range's row: it may start and end inside planes).
/// Channels already found active are not read again.
__attribute__((target_clones("avx512f", "avx2", "default")))
void mark_active(const float *x, int64_t n, int64_t offset, Activity a, uint8_t *active) {
    int64_t c = (offset / a.inner) % a.channels;
    int64_t end = std::min(n, a.inner - offset % a.inner);  // the end of the first (partial) plane
    for (int64_t i = 0; i < n; i = end, end = std::min(n, end + a.inner)) {
        if (!active[c] && any_positive(x + i, end - i)) active[c] = 1;
        if (++c == a.channels) c = 0;
    }
}

} // namespace
