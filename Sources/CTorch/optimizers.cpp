// Optimizer steps, transcribed from PyTorch 1.13's torch/optim single-tensor paths so that
// hookd's updates equal torch.optim's bit for bit on the same libtorch build.
#include "shim_support.hpp"
#include <cmath>

extern "C" {

int ct_sgd_step(const ct_tensor *params, const ct_tensor *momentum_buffers, int count, double lr,
                double momentum, double dampening, double weight_decay, bool nesterov,
                bool first_step) {
    CT_TRY({
        at::NoGradGuard no_grad;
        for (int i = 0; i < count; ++i) {
            at::Tensor &param = params[i]->t;
            if (!param.grad().defined()) continue;
            at::Tensor d_p = param.grad();
            if (weight_decay != 0) d_p = d_p.add(param, weight_decay);
            if (momentum != 0) {
                at::Tensor &buf = momentum_buffers[i]->t;
                // torch.optim.SGD: the buffer starts as a copy of the first gradient.
                if (first_step) buf.copy_(d_p);
                else buf.mul_(momentum).add_(d_p, 1 - dampening);
                d_p = nesterov ? d_p.add(buf, momentum) : buf;
            }
            param.add_(d_p, -lr);
        }
    })
}

int ct_adam_step(const ct_tensor *params, const ct_tensor *exp_avg, const ct_tensor *exp_avg_sq,
                 int count, int64_t step, double lr, double beta1, double beta2, double eps,
                 double weight_decay, bool decoupled) {
    CT_TRY({
        at::NoGradGuard no_grad;
        const double bias_correction1 = 1 - std::pow(beta1, double(step));
        const double bias_correction2 = 1 - std::pow(beta2, double(step));
        const double step_size = lr / bias_correction1;
        const double bias_correction2_sqrt = std::sqrt(bias_correction2);
        for (int i = 0; i < count; ++i) {
            at::Tensor &param = params[i]->t;
            if (!param.grad().defined()) continue;
            at::Tensor grad = param.grad();
            if (decoupled) param.mul_(1 - lr * weight_decay);
            else if (weight_decay != 0) grad = grad.add(param, weight_decay);
            exp_avg[i]->t.mul_(beta1).add_(grad, 1 - beta1);
            exp_avg_sq[i]->t.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
            at::Tensor denom = (exp_avg_sq[i]->t.sqrt() / bias_correction2_sqrt).add_(eps);
            param.addcdiv_(exp_avg[i]->t, denom, -step_size);
        }
    })
}

} // extern "C"
