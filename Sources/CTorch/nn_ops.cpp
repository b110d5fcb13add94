// Neural-network functions and losses; all autograd-aware through ATen's dispatcher.
#include "shim_support.hpp"

using ctorch::opt;
using ctorch::wrap;

namespace {
at::IntArrayRef pair(const int64_t *values) { return at::IntArrayRef(values, 2); }
}

extern "C" {

int ct_linear(ct_tensor x, ct_tensor weight, ct_tensor bias, ct_tensor *out) {
    CT_TRY(*out = wrap(at::linear(x->t, weight->t, opt(bias))))
}

int ct_conv2d(ct_tensor x, ct_tensor weight, ct_tensor bias, const int64_t *stride,
              const int64_t *padding, const int64_t *dilation, int64_t groups, ct_tensor *out) {
    CT_TRY(*out = wrap(at::conv2d(x->t, weight->t, opt(bias), pair(stride), pair(padding),
                                  pair(dilation), groups)))
}

int ct_batch_norm(ct_tensor x, ct_tensor weight, ct_tensor bias, ct_tensor running_mean,
                  ct_tensor running_var, bool training, double momentum, double eps, ct_tensor *out) {
    CT_TRY(*out = wrap(at::batch_norm(x->t, opt(weight), opt(bias), opt(running_mean),
                                      opt(running_var), training, momentum, eps,
                                      /*cudnn_enabled=*/false)))
}

int ct_max_pool2d(ct_tensor x, const int64_t *kernel, const int64_t *stride, const int64_t *padding,
                  const int64_t *dilation, bool ceil_mode, ct_tensor *out) {
    CT_TRY(*out = wrap(at::max_pool2d(x->t, pair(kernel), pair(stride), pair(padding),
                                      pair(dilation), ceil_mode)))
}

int ct_avg_pool2d(ct_tensor x, const int64_t *kernel, const int64_t *stride, const int64_t *padding,
                  bool ceil_mode, bool count_include_pad, ct_tensor *out) {
    CT_TRY(*out = wrap(at::avg_pool2d(x->t, pair(kernel), pair(stride), pair(padding), ceil_mode,
                                      count_include_pad)))
}

int ct_adaptive_pool2d(ct_tensor x, const int64_t *size, int kind, ct_tensor *out) {
    CT_TRY(*out = wrap(kind == 0 ? at::adaptive_avg_pool2d(x->t, pair(size))
                                 : std::get<0>(at::adaptive_max_pool2d(x->t, pair(size)))))
}

int ct_dropout(ct_tensor x, double p, bool training, ct_tensor *out) {
    CT_TRY(*out = wrap(at::dropout(x->t, p, training)))
}

int ct_leaky_relu(ct_tensor x, double negative_slope, ct_tensor *out) {
    CT_TRY(*out = wrap(at::leaky_relu(x->t, negative_slope)))
}

int ct_gelu(ct_tensor x, bool tanh_approximation, ct_tensor *out) {
    CT_TRY(*out = wrap(at::gelu(x->t, tanh_approximation ? "tanh" : "none")))
}

int ct_embedding(ct_tensor weight, ct_tensor indices, int64_t padding_idx, ct_tensor *out) {
    CT_TRY(*out = wrap(at::embedding(weight->t, indices->t, padding_idx)))
}

int ct_cross_entropy(ct_tensor logits, ct_tensor target, int reduction, double label_smoothing,
                     ct_tensor *out) {
    CT_TRY(*out = wrap(at::cross_entropy_loss(logits->t, target->t, /*weight=*/{}, reduction,
                                              /*ignore_index=*/-100, label_smoothing)))
}

int ct_mse_loss(ct_tensor input, ct_tensor target, int reduction, ct_tensor *out) {
    CT_TRY(*out = wrap(at::mse_loss(input->t, target->t, reduction)))
}

} // extern "C"
