/*
 * ctorch.h — a plain C ABI over libtorch (ATen + autograd), for Swift.
 *
 * Why a shim: Swift cannot import libtorch's C++ headers. Every function here catches C++
 * exceptions and turns them into a status code; the message is kept per thread.
 *
 * Conventions
 *   - Every `ct_tensor` returned through an out-parameter is +1: the caller owns it and must
 *     release it with ct_free(). Arguments are borrowed unless said otherwise.
 *   - Functions returning `int` return CT_OK (0) on success and CT_ERROR on failure; on failure
 *     ct_last_error() holds libtorch's message until the next failing call on the same thread.
 *   - Optional tensor arguments may be NULL.
 */
#ifndef CTORCH_H
#define CTORCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CT_OK 0
#define CT_ERROR 1
#define CT_MAX_DIMS 16

/// Opaque owning handle to an at::Tensor.
typedef struct ct_tensor_s *ct_tensor;

typedef enum { CT_FLOAT32 = 0, CT_INT64 = 1, CT_BOOL = 2, CT_UINT8 = 3, CT_FLOAT64 = 4 } ct_dtype;

/// The message of the last failing call on this thread ("" if none). Valid until the next failure.
const char *ct_last_error(void);

/* ---------- lifetime and identity ---------- */
void ct_free(ct_tensor t);
/// A second handle to the same tensor (same storage, same autograd identity).
int ct_retain(ct_tensor t, ct_tensor *out);
/// Address of the TensorImpl: equal for handles of the same tensor (used to count shared parameters once).
uintptr_t ct_identity(ct_tensor t);
/// Address of the first element of the storage (used to detect shared storage).
uintptr_t ct_storage_identity(ct_tensor t);

/* ---------- creation ---------- */
/// Copies `data` (laid out contiguously in `dtype`) into a new tensor of `shape`.
int ct_from_data(const void *data, const int64_t *shape, int ndim, ct_dtype dtype, ct_tensor *out);
int ct_full(const int64_t *shape, int ndim, double value, ct_dtype dtype, ct_tensor *out);
/// Standard normal (kind 0) or uniform [0, 1) (kind 1) values from the default generator.
int ct_random(const int64_t *shape, int ndim, int kind, ct_tensor *out);
int ct_arange(int64_t end, ct_dtype dtype, ct_tensor *out);
/// A random permutation of 0..<n (int64) from the default generator.
int ct_randperm(int64_t n, ct_tensor *out);

/* ---------- metadata and data ---------- */
int ct_ndim(ct_tensor t);
/// Writes up to CT_MAX_DIMS sizes into `shape`; returns the number of dims.
int ct_shape(ct_tensor t, int64_t *shape);
ct_dtype ct_get_dtype(ct_tensor t);
int64_t ct_numel(ct_tensor t);
/// Copies the elements, converted to `dtype`, into `dst` (`capacity` elements). Works on any layout.
int ct_copy_out(ct_tensor t, ct_dtype dtype, void *dst, int64_t capacity);
/// The single value of a one-element tensor, as a double.
int ct_item(ct_tensor t, double *out);

/* ---------- element-wise and linear algebra ---------- */
typedef enum {
    CT_NEG, CT_EXP, CT_LOG, CT_SQRT, CT_ABS, CT_RELU, CT_SIGMOID, CT_TANH, CT_SQUARE,
    CT_CONTIGUOUS, CT_CLONE, CT_DETACH, CT_ZEROS_LIKE, CT_ONES_LIKE, CT_RSQRT,
} ct_unary_op;
int ct_unary(ct_unary_op op, ct_tensor a, ct_tensor *out);

typedef enum {
    CT_ADD, CT_SUB, CT_MUL, CT_DIV, CT_MATMUL, CT_EQ, CT_NE, CT_GT, CT_LT, CT_GE, CT_LE,
    CT_MAXIMUM, CT_MINIMUM, CT_POW,
} ct_binary_op;
int ct_binary(ct_binary_op op, ct_tensor a, ct_tensor b, ct_tensor *out);
int ct_binary_scalar(ct_binary_op op, ct_tensor a, double s, ct_tensor *out);
/// `s op a` (scalar on the left): CT_SUB gives s - a, CT_DIV s / a, CT_POW s ** a.
int ct_scalar_binary(ct_binary_op op, double s, ct_tensor a, ct_tensor *out);

/* ---------- in place (for optimizers, initialisers and buffers; no autograd history) ---------- */
typedef enum { CT_COPY_, CT_ADD_, CT_SUB_, CT_MUL_, CT_DIV_ } ct_inplace_op;
/// a = a op b (b broadcast to a). Runs under no-grad.
int ct_inplace(ct_inplace_op op, ct_tensor a, ct_tensor b);
/// a = a op s; CT_COPY_ fills a with s. Runs under no-grad.
int ct_inplace_scalar(ct_inplace_op op, ct_tensor a, double s);
/// Fills in place from the default generator: uniform in [a, b) (kind 1) or normal(a, b) (kind 0).
int ct_fill_random_(ct_tensor t, int kind, double a, double b);

/* ---------- reductions ---------- */
typedef enum { CT_SUM, CT_MEAN, CT_AMAX, CT_AMIN, CT_ARGMAX, CT_STD, CT_VAR, CT_LOGSUMEXP } ct_reduce_op;
/// Reduces over `dims` (all dims when ndims == 0). CT_STD and CT_VAR are unbiased; CT_ARGMAX takes one dim.
int ct_reduce(ct_reduce_op op, ct_tensor a, const int64_t *dims, int ndims, bool keepdim, ct_tensor *out);

/* ---------- shape ---------- */
int ct_reshape(ct_tensor a, const int64_t *shape, int ndim, ct_tensor *out);
int ct_permute(ct_tensor a, const int64_t *dims, int ndim, ct_tensor *out);
int ct_transpose(ct_tensor a, int64_t d0, int64_t d1, ct_tensor *out);
int ct_narrow(ct_tensor a, int64_t dim, int64_t start, int64_t length, ct_tensor *out);
int ct_select(ct_tensor a, int64_t dim, int64_t index, ct_tensor *out);
int ct_index_select(ct_tensor a, int64_t dim, ct_tensor index, ct_tensor *out);
int ct_unsqueeze(ct_tensor a, int64_t dim, ct_tensor *out);
int ct_squeeze(ct_tensor a, int64_t dim, ct_tensor *out);
int ct_flatten(ct_tensor a, int64_t start, int64_t end, ct_tensor *out);
int ct_expand(ct_tensor a, const int64_t *shape, int ndim, ct_tensor *out);
/// Concatenates (kind 0) or stacks (kind 1) `count` tensors along `dim`.
int ct_join(const ct_tensor *tensors, int count, int64_t dim, int kind, ct_tensor *out);
int ct_to_dtype(ct_tensor a, ct_dtype dtype, ct_tensor *out);
int ct_softmax(ct_tensor a, int64_t dim, bool log, ct_tensor *out);

/* ---------- autograd ---------- */
int ct_set_requires_grad(ct_tensor t, bool requires);
bool ct_requires_grad(ct_tensor t);
bool ct_is_leaf(ct_tensor t);
/// Backpropagates from `t`; `grad` may be NULL for a scalar `t`.
int ct_backward(ct_tensor t, ct_tensor grad, bool retain_graph);
/// The accumulated gradient, or *out = NULL when none is defined.
int ct_grad(ct_tensor t, ct_tensor *out);
/// Replaces the gradient (NULL undefines it, like `p.grad = None`).
int ct_set_grad(ct_tensor t, ct_tensor grad);
/// Whether autograd records operations on this thread.
bool ct_grad_enabled(void);
void ct_set_grad_enabled(bool enabled);

/// A gradient hook: receives the gradient (borrowed) and returns NULL to keep it, or a +1
/// replacement tensor. It must not throw or longjmp.
typedef ct_tensor (*ct_grad_hook_fn)(void *context, ct_tensor grad);
/// Called once when libtorch drops the hook (removal or tensor destruction): release `context`.
typedef void (*ct_release_fn)(void *context);
/// Registers a gradient hook on `t` (which must require grad); *handle identifies it for removal.
int ct_register_grad_hook(ct_tensor t, ct_grad_hook_fn fn, void *context, ct_release_fn release,
                          int64_t *handle);
int ct_remove_grad_hook(ct_tensor t, int64_t handle);

/* ---------- neural-network functions (autograd-aware) ---------- */
int ct_linear(ct_tensor x, ct_tensor weight, ct_tensor bias, ct_tensor *out);
int ct_conv2d(ct_tensor x, ct_tensor weight, ct_tensor bias, const int64_t *stride,
              const int64_t *padding, const int64_t *dilation, int64_t groups, ct_tensor *out);
/// Batch norm over dim 1; running stats are updated in place when `training` (and given).
int ct_batch_norm(ct_tensor x, ct_tensor weight, ct_tensor bias, ct_tensor running_mean,
                  ct_tensor running_var, bool training, double momentum, double eps, ct_tensor *out);
int ct_max_pool2d(ct_tensor x, const int64_t *kernel, const int64_t *stride, const int64_t *padding,
                  const int64_t *dilation, bool ceil_mode, ct_tensor *out);
int ct_avg_pool2d(ct_tensor x, const int64_t *kernel, const int64_t *stride, const int64_t *padding,
                  bool ceil_mode, bool count_include_pad, ct_tensor *out);
/// Adaptive pooling to `size` (2 values): average (kind 0) or max (kind 1).
int ct_adaptive_pool2d(ct_tensor x, const int64_t *size, int kind, ct_tensor *out);
int ct_dropout(ct_tensor x, double p, bool training, ct_tensor *out);
int ct_leaky_relu(ct_tensor x, double negative_slope, ct_tensor *out);
/// GELU: exact (erf) unless `tanh_approximation`, as `nn.GELU(approximate=...)`.
int ct_gelu(ct_tensor x, bool tanh_approximation, ct_tensor *out);
int ct_embedding(ct_tensor weight, ct_tensor indices, int64_t padding_idx, ct_tensor *out);

/// Reduction: 0 none, 1 mean, 2 sum (as at::Reduction).
int ct_cross_entropy(ct_tensor logits, ct_tensor target, int reduction, double label_smoothing,
                     ct_tensor *out);
int ct_mse_loss(ct_tensor input, ct_tensor target, int reduction, ct_tensor *out);

/* ---------- optimizer steps (PyTorch 1.13's single-tensor algorithms, under no-grad) ---------- */
/// SGD over `count` parameters; `momentum_buffers[i]` may be NULL when momentum == 0.
/// `first_step` makes the buffer start as the gradient, as torch.optim.SGD does.
/// Parameters without a gradient are skipped.
int ct_sgd_step(const ct_tensor *params, const ct_tensor *momentum_buffers, int count, double lr,
                double momentum, double dampening, double weight_decay, bool nesterov,
                bool first_step);
/// Adam (decoupled == false, L2 added to the gradient) or AdamW (decoupled weight decay).
/// `step` is the step number after incrementing (1 on the first step).
int ct_adam_step(const ct_tensor *params, const ct_tensor *exp_avg, const ct_tensor *exp_avg_sq,
                 int count, int64_t step, double lr, double beta1, double beta2, double eps,
                 double weight_decay, bool decoupled);

/* ---------- fused activation statistics ---------- */
/// The scalar statistics the fused kernel computes, by index into `ct_stats.values`.
/// Swift's `Statistic` lists them in this order (a test checks it against `ct_stat_name`).
enum {
    CT_STAT_MEAN = 0,       /* mean */
    CT_STAT_STD = 1,        /* unbiased (n - 1) standard deviation */
    CT_STAT_NEAR_ZERO = 2,  /* share of elements <= threshold */
    CT_STAT_ABS_MEAN = 3,   /* mean of |x| */
    CT_STAT_MIN = 4,
    CT_STAT_MAX = 5,
    CT_STAT_COUNT = 6,      /* number of statistics above */
    CT_STAT_CAPACITY = 8    /* length of ct_stats.values: room to add a statistic */
};
/// Statistics of one tensor from one parallel pass over its elements.
typedef struct {
    int64_t count;
    /// values[CT_STAT_x]; NaN for statistics not asked for (and for an empty tensor).
    double values[CT_STAT_CAPACITY];
} ct_stats;
/// Computes the statistics whose bit (1u << CT_STAT_x) is set in `mask`, and when `bins` > 0,
/// `histogram[bins]` counts over [lo, hi] (torch.histc's binning: values outside and NaN are
/// ignored, hi falls in the last bin), all in the same single pass over memory. Work for
/// statistics not asked for is skipped. Sums are two-level (per-chunk double partials), so std
/// stays accurate on large tensors with large offsets.
/// When `active` is not NULL, also sets active[c] to 1 if some element of channel c is > 0 and
/// to 0 otherwise, for each of the `ct_activity_channels(t)` channels (dead_units: a ReLU's unit
/// that never fires). Hooks that do not ask pass NULL and pay nothing for it.
int ct_activation_stats(ct_tensor t, uint32_t mask, double threshold, int64_t bins, double lo,
                        double hi, ct_stats *stats, int64_t *histogram, uint8_t *active);
/// The channels `ct_activation_stats` reports activity for: dim 1 (a conv's channels, a linear
/// layer's features); 1 for a tensor of fewer than two dimensions (the whole tensor).
int64_t ct_activity_channels(ct_tensor t);
/// The name of statistic `index` ("mean", "std", "near_zero", "abs_mean", "min", "max"), or NULL
/// for an index >= CT_STAT_COUNT.
const char *ct_stat_name(int index);

/* ---------- runtime ---------- */
void ct_manual_seed(uint64_t seed);
void ct_set_num_threads(int n);
int ct_get_num_threads(void);
/// libtorch's version string, e.g. "1.13.1".
const char *ct_version(void);

/* ---------- PyTorch state_dict files ---------- */
/// Names and tensors read from a file, in the file's order.
typedef struct ct_state_dict_s *ct_state_dict;
/// An owned byte buffer.
typedef struct ct_bytes_s *ct_bytes;
/// Reads a `torch.save(state_dict, f)` file (zip format; `OrderedDict` or `dict` of tensors).
/// A legacy (pre-1.6) pickle, a non-zip or truncated file, or a value that is not a tensor is an
/// error saying which.
int ct_state_dict_read(const char *path, ct_state_dict *out);
int ct_state_dict_count(ct_state_dict d);
/// The name of entry `index`; valid while `d` lives.
const char *ct_state_dict_name(ct_state_dict d, int index);
/// The tensor of entry `index` (+1).
int ct_state_dict_tensor(ct_state_dict d, int index, ct_tensor *out);
void ct_state_dict_free(ct_state_dict d);
/// Encodes `count` named tensors as a dict in torch.save's zip format (`torch.load` reads it).
int ct_state_dict_encode(const char *const *names, const ct_tensor *tensors, int count, ct_bytes *out);
const void *ct_bytes_data(ct_bytes b);
size_t ct_bytes_count(ct_bytes b);
void ct_bytes_free(ct_bytes b);

/* ---------- data-parallel process groups (c10d: TCPStore rendezvous, Gloo collectives) ---------- */
/// One rank's membership of a process group.
typedef struct ct_process_group_s *ct_process_group;
/// Joins a group of `world_size` ranks: rank 0 hosts the rendezvous store on `host`:`port`, the
/// others connect to it, then Gloo connects every pair. Fails (never blocks longer than
/// `timeout_seconds`) when the store cannot be hosted (port in use) or reached, or when the
/// ranks disagree on the world size; the same timeout bounds every collective afterwards. A
/// `rank` of -1 is assigned at the rendezvous (`ct_process_group_rank` tells which): 0 for the
/// process that can host the store (`host` an address of this machine, the port free), else
/// 1..world_size-1 in arrival order; one process more than the world size is refused.
int ct_process_group_create(const char *host, uint16_t port, int rank, int world_size,
                            double timeout_seconds, ct_process_group *out);
void ct_process_group_free(ct_process_group g);
int ct_process_group_rank(ct_process_group g);
int ct_process_group_size(ct_process_group g);
/// DDP's gradient reducer over `g`: post hooks on the gradient accumulators of `parameters`
/// (leaves that require grad; consecutive runs of `bucket_sizes[i]` of them form bucket i, in
/// the order backward produces them) copy each gradient, times 1 / world size, into its bucket's
/// flat buffer as it is ready, and launch the bucket's all-reduce once the bucket is full and every
/// earlier one is launched, while backward goes on. Hooks fire only between prepare and finish.
/// `g` must outlive the reducer; freeing it removes the hooks. With `side_count` > 0 the last
/// bucket (float32) also carries that many int64s per rank (`ct_gradient_reducer_send_side`).
typedef struct ct_gradient_reducer_s *ct_gradient_reducer;
int ct_gradient_reducer_create(ct_process_group g, const ct_tensor *parameters, const int *bucket_sizes,
                               int bucket_count, int side_count, ct_gradient_reducer *out);
/// Stages this rank's `side_count` values (each in 0..<2^48) for the next step's all-reduce of
/// the last bucket: they travel with the gradients, no collective of their own.
int ct_gradient_reducer_send_side(ct_gradient_reducer r, const int64_t *values);
/// After finish: 1 and the largest of the ranks' side values at each position when the step
/// carried them (this rank staged some before it), else 0 and `values` untouched.
int ct_gradient_reducer_side_maxima(ct_gradient_reducer r, int64_t *values);
void ct_gradient_reducer_free(ct_gradient_reducer r);
/// Arms the hooks for the next backward (DDP's prepare_for_backward); when two ranks exchange,
/// also posts this step's receives, which fails once Gloo has seen the other rank go.
int ct_gradient_reducer_prepare(ct_gradient_reducer r);
/// Buckets whose all-reduce has been launched since prepare.
int ct_gradient_reducer_launched(ct_gradient_reducer r);
/// Two ranks reduce each bucket by exchanging it (send and receive on the group, added while
/// copied into the gradients) rather than through Gloo's ring all-reduce: the default at world
/// size 2, the same sums to the bit. Switchable between steps; only at world size 2.
int ct_gradient_reducer_set_pairwise(ct_gradient_reducer r, int pairwise);
int ct_gradient_reducer_pairwise(ct_gradient_reducer r);
/// Waits (each bounded by the group's timeout) for every bucket's all-reduce and copies the
/// averages into the gradients; `*missing` is then -1, or the index of the first parameter that
/// got no gradient in this backward (nothing is copied).
int ct_gradient_reducer_finish(ct_gradient_reducer r, int *missing);
/// Overwrites each of `count` tensors (in place, no autograd) with rank `root`'s values.
int ct_broadcast(ct_process_group g, const ct_tensor *tensors, int count, int root);
/// Sums `count` same-dtype tensors over all ranks, in place, through one flat buffer (one
/// collective); with `average` each is multiplied by 1 / world size first, as DDP's reducer does.
int ct_all_reduce(ct_process_group g, const ct_tensor *tensors, int count, bool average);
/// Returns once every rank has called it (or fails at the timeout).
int ct_barrier(ct_process_group g);
/// An all-reduce of int64 maxima started on Gloo's threads (`ct_all_reduce_max_i64_start`).
typedef struct ct_max_reduction_s *ct_max_reduction;
/// Starts the collective that gives every rank the largest of every rank's `values[i]`, for each
/// of `count` (at least 1) int64s; the values are copied, the caller goes on. How the ranks agree
/// on a stop and on the size of what they send rank 0, without waiting for each other each batch.
int ct_all_reduce_max_i64_start(ct_process_group g, const int64_t *values, int count, ct_max_reduction *out);
/// Waits for the collective (at most the group's timeout) and writes its `count` maxima to `values`.
int ct_max_reduction_wait(ct_max_reduction r, int64_t *values);
/// Frees `r`, waited for or not (an unfinished collective keeps its own copy of the values).
void ct_max_reduction_free(ct_max_reduction r);
/// Gathers `length` bytes from every rank (each passes the same length) into rank 0's `out`,
/// `world size * length` bytes in rank order; `out` is not touched on the other ranks.
int ct_gather_bytes(ct_process_group g, const uint8_t *data, int64_t length, uint8_t *out);

#ifdef __cplusplus
}
#endif
#endif /* CTORCH_H */
