// Tensors: creation, metadata, element-wise ops, reductions and shape functions.
#include "shim_support.hpp"

#include <cmath>
#include <c10/core/GradMode.h>
#include <cstring>

using ctorch::wrap;

namespace {

at::ScalarType scalar_type(ct_dtype dtype) {
    switch (dtype) {
    case CT_FLOAT32: return at::kFloat;
    case CT_INT64: return at::kLong;
    case CT_BOOL: return at::kBool;
    case CT_UINT8: return at::kByte;
    case CT_FLOAT64: return at::kDouble;
    }
    throw std::invalid_argument("unknown dtype code " + std::to_string(int(dtype)));
}

ct_dtype dtype_code(at::ScalarType type) {
    switch (type) {
    case at::kFloat: return CT_FLOAT32;
    case at::kLong: return CT_INT64;
    case at::kBool: return CT_BOOL;
    case at::kByte: return CT_UINT8;
    case at::kDouble: return CT_FLOAT64;
    default: return CT_FLOAT32;
    }
}

at::IntArrayRef dims(const int64_t *shape, int ndim) {
    return at::IntArrayRef(shape, static_cast<size_t>(ndim));
}

at::Tensor apply_binary(ct_binary_op op, const at::Tensor &a, const at::Tensor &b) {
    switch (op) {
    case CT_ADD: return a + b;
    case CT_SUB: return a - b;
    case CT_MUL: return a * b;
    case CT_DIV: return a / b;
    case CT_MATMUL: return at::matmul(a, b);
    case CT_EQ: return a.eq(b);
    case CT_NE: return a.ne(b);
    case CT_GT: return a.gt(b);
    case CT_LT: return a.lt(b);
    case CT_GE: return a.ge(b);
    case CT_LE: return a.le(b);
    case CT_MAXIMUM: return at::maximum(a, b);
    case CT_MINIMUM: return at::minimum(a, b);
    case CT_POW: return a.pow(b);
    }
    throw std::invalid_argument("unknown binary op");
}

at::Tensor apply_binary_scalar(ct_binary_op op, const at::Tensor &a, const at::Scalar &s) {
    switch (op) {
    case CT_ADD: return a + s;
    case CT_SUB: return a - s;
    case CT_MUL: return a * s;
    case CT_DIV: return a / s;
    case CT_EQ: return a.eq(s);
    case CT_NE: return a.ne(s);
    case CT_GT: return a.gt(s);
    case CT_LT: return a.lt(s);
    case CT_GE: return a.ge(s);
    case CT_LE: return a.le(s);
    case CT_MAXIMUM: return at::clamp_min(a, s);
    case CT_MINIMUM: return at::clamp_max(a, s);
    case CT_POW: return a.pow(s);
    case CT_MATMUL: break;
    }
    throw std::invalid_argument("this binary op does not take a scalar");
}

} // namespace

extern "C" {

/* ---------- lifetime and identity ---------- */

void ct_free(ct_tensor t) { delete t; }

int ct_retain(ct_tensor t, ct_tensor *out) { CT_TRY(*out = wrap(t->t)) }

uintptr_t ct_identity(ct_tensor t) {
    return reinterpret_cast<uintptr_t>(t->t.unsafeGetTensorImpl());
}

uintptr_t ct_storage_identity(ct_tensor t) {
    return t->t.has_storage() ? reinterpret_cast<uintptr_t>(t->t.storage().data()) : 0;
}

/* ---------- creation ---------- */

int ct_from_data(const void *data, const int64_t *shape, int ndim, ct_dtype dtype, ct_tensor *out) {
    CT_TRY({
        auto t = at::empty(dims(shape, ndim), at::TensorOptions().dtype(scalar_type(dtype)));
        std::memcpy(t.data_ptr(), data, t.numel() * t.element_size());
        *out = wrap(std::move(t));
    })
}

int ct_full(const int64_t *shape, int ndim, double value, ct_dtype dtype, ct_tensor *out) {
    CT_TRY(*out = wrap(at::full(dims(shape, ndim), value, at::TensorOptions().dtype(scalar_type(dtype)))))
}

int ct_random(const int64_t *shape, int ndim, int kind, ct_tensor *out) {
    CT_TRY(*out = wrap(kind == 0 ? at::randn(dims(shape, ndim)) : at::rand(dims(shape, ndim))))
}

int ct_arange(int64_t end, ct_dtype dtype, ct_tensor *out) {
    CT_TRY(*out = wrap(at::arange(end, at::TensorOptions().dtype(scalar_type(dtype)))))
}

int ct_randperm(int64_t n, ct_tensor *out) { CT_TRY(*out = wrap(at::randperm(n))) }

/* ---------- metadata and data ---------- */

int ct_ndim(ct_tensor t) { return static_cast<int>(t->t.dim()); }

int ct_shape(ct_tensor t, int64_t *shape) {
    const auto sizes = t->t.sizes();
    const int n = static_cast<int>(std::min<size_t>(sizes.size(), CT_MAX_DIMS));
    for (int i = 0; i < n; ++i) shape[i] = sizes[i];
    return n;
}

ct_dtype ct_get_dtype(ct_tensor t) { return dtype_code(t->t.scalar_type()); }

int64_t ct_numel(ct_tensor t) { return t->t.numel(); }

int ct_copy_out(ct_tensor t, ct_dtype dtype, void *dst, int64_t capacity) {
    CT_TRY({
        auto src = t->t.detach().to(scalar_type(dtype)).contiguous();
        if (src.numel() > capacity)
            throw std::length_error("destination holds " + std::to_string(capacity) +
                                    " elements, tensor has " + std::to_string(src.numel()));
        std::memcpy(dst, src.data_ptr(), src.numel() * src.element_size());
    })
}

int ct_item(ct_tensor t, double *out) { CT_TRY(*out = t->t.item<double>()) }

/* ---------- element-wise and linear algebra ---------- */

int ct_unary(ct_unary_op op, ct_tensor a, ct_tensor *out) {
    CT_TRY({
        const at::Tensor &x = a->t;
        at::Tensor r;
        switch (op) {
        case CT_NEG: r = -x; break;
        case CT_EXP: r = x.exp(); break;
        case CT_LOG: r = x.log(); break;
        case CT_SQRT: r = x.sqrt(); break;
        case CT_ABS: r = x.abs(); break;
        case CT_RELU: r = x.relu(); break;
        case CT_SIGMOID: r = x.sigmoid(); break;
        case CT_TANH: r = x.tanh(); break;
        case CT_SQUARE: r = x.square(); break;
        case CT_CONTIGUOUS: r = x.contiguous(); break;
        case CT_CLONE: r = x.clone(); break;
        case CT_DETACH: r = x.detach(); break;
        case CT_ZEROS_LIKE: r = at::zeros_like(x); break;
        case CT_ONES_LIKE: r = at::ones_like(x); break;
        case CT_RSQRT: r = x.rsqrt(); break;
        default: throw std::invalid_argument("unknown unary op");
        }
        *out = wrap(std::move(r));
    })
}

int ct_binary(ct_binary_op op, ct_tensor a, ct_tensor b, ct_tensor *out) {
    CT_TRY(*out = wrap(apply_binary(op, a->t, b->t)))
}

int ct_binary_scalar(ct_binary_op op, ct_tensor a, double s, ct_tensor *out) {
    CT_TRY(*out = wrap(apply_binary_scalar(op, a->t, s)))
}

int ct_scalar_binary(ct_binary_op op, double s, ct_tensor a, ct_tensor *out) {
    CT_TRY({
        at::Tensor r;
        switch (op) {
        case CT_SUB: r = at::rsub(a->t, s); break;
        case CT_DIV: r = a->t.reciprocal() * s; break;
        case CT_POW: r = at::pow(s, a->t); break;
        default: r = apply_binary_scalar(op, a->t, s); break; // commutative ops
        }
        *out = wrap(std::move(r));
    })
}

/* ---------- in place ---------- */

int ct_inplace(ct_inplace_op op, ct_tensor a, ct_tensor b) {
    CT_TRY({
        at::NoGradGuard no_grad;
        at::Tensor &x = a->t;
        switch (op) {
        case CT_COPY_: x.copy_(b->t); break;
        case CT_ADD_: x.add_(b->t); break;
        case CT_SUB_: x.sub_(b->t); break;
        case CT_MUL_: x.mul_(b->t); break;
        case CT_DIV_: x.div_(b->t); break;
        }
    })
}

int ct_inplace_scalar(ct_inplace_op op, ct_tensor a, double s) {
    CT_TRY({
        at::NoGradGuard no_grad;
        at::Tensor &x = a->t;
        // A whole number stays an integer for integer tensors (batch norm's num_batches_tracked
        // += 1): ATen refuses to cast a double result into a Long tensor in place.
        bool integral = at::isIntegralType(x.scalar_type(), /*includeBool=*/false) && s == std::floor(s);
        at::Scalar v = integral ? at::Scalar(static_cast<int64_t>(s)) : at::Scalar(s);
        switch (op) {
        case CT_COPY_: x.fill_(v); break;
        case CT_ADD_: x.add_(v); break;
        case CT_SUB_: x.sub_(v); break;
        case CT_MUL_: x.mul_(v); break;
        case CT_DIV_: x.div_(v); break;
        }
    })
}

int ct_fill_random_(ct_tensor t, int kind, double a, double b) {
    CT_TRY({
        at::NoGradGuard no_grad;
        if (kind == 0) t->t.normal_(a, b);
        else t->t.uniform_(a, b);
    })
}

/* ---------- reductions ---------- */

int ct_reduce(ct_reduce_op op, ct_tensor a, const int64_t *dims_ptr, int ndims, bool keepdim,
              ct_tensor *out) {
    CT_TRY({
        const at::Tensor &x = a->t;
        const bool all = ndims == 0;
        std::vector<int64_t> d(dims_ptr, dims_ptr + ndims);
        if (all)
            for (int64_t i = 0; i < x.dim(); ++i) d.push_back(i);
        at::Tensor r;
        switch (op) {
        case CT_SUM: r = all && !keepdim ? x.sum() : x.sum(d, keepdim); break;
        case CT_MEAN: r = all && !keepdim ? x.mean() : x.mean(d, keepdim); break;
        case CT_AMAX: r = x.amax(d, keepdim); break;
        case CT_AMIN: r = x.amin(d, keepdim); break;
        case CT_STD: r = all && !keepdim ? x.std() : x.std(at::OptionalIntArrayRef(d), true, keepdim); break;
        case CT_VAR: r = all && !keepdim ? x.var() : x.var(at::OptionalIntArrayRef(d), true, keepdim); break;
        case CT_LOGSUMEXP: r = x.logsumexp(d, keepdim); break;
        case CT_ARGMAX:
            if (all) r = x.argmax();
            else if (ndims == 1) r = x.argmax(d[0], keepdim);
            else throw std::invalid_argument("argmax takes one dimension");
            break;
        }
        *out = wrap(std::move(r));
    })
}

/* ---------- shape ---------- */

int ct_reshape(ct_tensor a, const int64_t *shape, int ndim, ct_tensor *out) {
    CT_TRY(*out = wrap(a->t.reshape(dims(shape, ndim))))
}
int ct_permute(ct_tensor a, const int64_t *d, int ndim, ct_tensor *out) {
    CT_TRY(*out = wrap(a->t.permute(dims(d, ndim))))
}
int ct_transpose(ct_tensor a, int64_t d0, int64_t d1, ct_tensor *out) {
    CT_TRY(*out = wrap(a->t.transpose(d0, d1)))
}
int ct_narrow(ct_tensor a, int64_t dim, int64_t start, int64_t length, ct_tensor *out) {
    CT_TRY(*out = wrap(a->t.narrow(dim, start, length)))
}
int ct_select(ct_tensor a, int64_t dim, int64_t index, ct_tensor *out) {
    CT_TRY(*out = wrap(a->t.select(dim, index)))
}
int ct_index_select(ct_tensor a, int64_t dim, ct_tensor index, ct_tensor *out) {
    CT_TRY(*out = wrap(a->t.index_select(dim, index->t)))
}
int ct_unsqueeze(ct_tensor a, int64_t dim, ct_tensor *out) { CT_TRY(*out = wrap(a->t.unsqueeze(dim))) }
int ct_squeeze(ct_tensor a, int64_t dim, ct_tensor *out) { CT_TRY(*out = wrap(a->t.squeeze(dim))) }
int ct_flatten(ct_tensor a, int64_t start, int64_t end, ct_tensor *out) {
    CT_TRY(*out = wrap(a->t.flatten(start, end)))
}
int ct_expand(ct_tensor a, const int64_t *shape, int ndim, ct_tensor *out) {
    CT_TRY(*out = wrap(a->t.expand(dims(shape, ndim))))
}
int ct_join(const ct_tensor *tensors, int count, int64_t dim, int kind, ct_tensor *out) {
    CT_TRY({
        std::vector<at::Tensor> list;
        list.reserve(count);
        for (int i = 0; i < count; ++i) list.push_back(tensors[i]->t);
        *out = wrap(kind == 0 ? at::cat(list, dim) : at::stack(list, dim));
    })
}
int ct_to_dtype(ct_tensor a, ct_dtype dtype, ct_tensor *out) {
    CT_TRY(*out = wrap(a->t.to(scalar_type(dtype))))
}
int ct_softmax(ct_tensor a, int64_t dim, bool log, ct_tensor *out) {
    CT_TRY(*out = wrap(log ? at::log_softmax(a->t, dim) : at::softmax(a->t, dim)))
}

} // extern "C"
