// Autograd: requires-grad flags, backward, gradients, grad mode and tensor gradient hooks.
#include "shim_support.hpp"
#include <c10/core/GradMode.h>
#include <memory>

using ctorch::opt;
using ctorch::wrap;

namespace {

/// Owns a Swift hook context; releasing it when the last copy of the hook lambda goes away
/// ties the Swift closure's lifetime to libtorch's (removal or tensor destruction).
struct HookContext {
    void *context;
    ct_release_fn release;
    HookContext(void *context, ct_release_fn release) : context(context), release(release) {}
    HookContext(const HookContext &) = delete;
    HookContext &operator=(const HookContext &) = delete;
    ~HookContext() {
        if (release) release(context);
    }
};

} // namespace

extern "C" {

int ct_set_requires_grad(ct_tensor t, bool requires) { CT_TRY(t->t.requires_grad_(requires)) }

bool ct_requires_grad(ct_tensor t) { return t->t.requires_grad(); }

bool ct_is_leaf(ct_tensor t) { return t->t.is_leaf(); }

int ct_backward(ct_tensor t, ct_tensor grad, bool retain_graph) {
    CT_TRY(t->t.backward(opt(grad), retain_graph))
}

int ct_grad(ct_tensor t, ct_tensor *out) {
    CT_TRY({
        const at::Tensor &g = t->t.grad();
        *out = g.defined() ? wrap(g) : nullptr;
    })
}

int ct_set_grad(ct_tensor t, ct_tensor grad) { CT_TRY(t->t.mutable_grad() = opt(grad)) }

bool ct_grad_enabled(void) { return c10::GradMode::is_enabled(); }

void ct_set_grad_enabled(bool enabled) { c10::GradMode::set_enabled(enabled); }

int ct_register_grad_hook(ct_tensor t, ct_grad_hook_fn fn, void *context, ct_release_fn release,
                          int64_t *handle) {
    // Take ownership of the context first, so that it is released even if registration throws.
    auto owner = std::make_shared<HookContext>(context, release);
    CT_TRY({
        *handle = static_cast<int64_t>(t->t.register_hook([owner, fn](const at::Tensor &grad) {
            ct_tensor_s borrowed{grad};
            ct_tensor replacement = fn(owner->context, &borrowed);
            if (!replacement) return at::Tensor(); // undefined: libtorch keeps the gradient
            at::Tensor result = std::move(replacement->t);
            delete replacement;
            return result;
        }));
    })
}

int ct_remove_grad_hook(ct_tensor t, int64_t handle) {
    CT_TRY(t->t.remove_hook(static_cast<unsigned>(handle)))
}

} // extern "C"
