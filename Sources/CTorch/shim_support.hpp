// Internal helpers shared by the shim's translation units (not part of the C ABI).
#pragma once
#include "ctorch.h"
#include <ATen/ATen.h>
#include <exception>
#include <string>

struct ct_tensor_s {
    at::Tensor t;
};

namespace ctorch {
void set_last_error(const char *message);

/// Wraps a result in a new owning handle (+1).
inline ct_tensor wrap(at::Tensor t) { return new ct_tensor_s{std::move(t)}; }
/// The tensor behind an optional handle: undefined for NULL.
inline at::Tensor opt(ct_tensor h) { return h ? h->t : at::Tensor(); }
}

/// Runs `body`; a C++ exception becomes CT_ERROR with its message kept for ct_last_error().
#define CT_TRY(body)                                                   \
    try {                                                              \
        body;                                                          \
        return CT_OK;                                                  \
    } catch (const std::exception &e) {                                \
        ctorch::set_last_error(e.what());                              \
        return CT_ERROR;                                               \
    } catch (...) {                                                    \
        ctorch::set_last_error("unknown C++ exception in libtorch");   \
        return CT_ERROR;                                               \
    }
