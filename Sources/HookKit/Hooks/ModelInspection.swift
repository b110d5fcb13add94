import Torch

/// The input channels a model expects: the second dimension of its first conv or linear weight.
public func inChannels(_ model: Module) throws -> Int {
    for (_, module) in model.namedModules() {
        if let conv = module as? Conv2d { return conv.weight.shape[1] * conv.groups }
        if let linear = module as? Linear { return linear.weight.shape[1] }
    }
    throw TorchError("in_channels", "no Conv2d or Linear layer to infer the input channels from")
}

/// fastai's `dummy_eval`: runs a batch of one uniform(-1, 1) input without gradients in eval mode.
///
/// `size` is (H, W) with channels inferred from the model, or (C, H, W). The model's
/// train/eval mode is restored afterwards, even when the forward throws.
public func dummyEval(_ model: Module, size: [Int] = [64, 64]) throws -> Tensor {
    let shape = size.count == 2 ? [1, try inChannels(model)] + size : [1] + size
    let x = try Tensor.rand(shape) * 2 - 1
    return try evaluating(model) { try model(x) }
}

/// Runs `body` with `model` in eval mode and without gradients, restoring every module's mode.
func evaluating<T>(_ model: Module, _ body: () throws -> T) throws -> T {
    let modes = model.namedModules().map { ($0.module, $0.module.isTraining) }
    model.eval()
    defer { for (module, training) in modes { module.train(training) } }
    return try withNoGrad(body)
}

/// fastai's `model_sizes`: output shapes of the model's direct children on a dummy input.
public func modelSizes(_ model: Module, size: [Int] = [64, 64]) throws -> [[Int]] {
    let modules = model.isLeaf ? [model] : model.children.map(\.module)
    return try withHooks(modules, { _, _, output in output.shape }) { hooks in
        _ = try dummyEval(model, size: size)
        return hooks.stored.compactMap { $0 }
    }
}

/// fastai's `num_features_model`: channels of the model's last output, trying larger inputs
/// (32, 64, … 2048 pixels) until the forward succeeds.
public func numFeaturesModel(_ model: Module, inChannels channels: Int? = nil) throws -> Int {
    var side = 32
    while true {
        do {
            let size = channels.map { [$0, side, side] } ?? [side, side]
            guard let last = try modelSizes(model, size: size).last, last.count > 1 else {
                throw TorchError("num_features_model", "the model produced no output with a channel dimension")
            }
            return last[1]
        } catch {
            side *= 2
            if side > 2048 { throw error }
        }
    }
}

/// fastai's `has_params`: whether the module (or its descendants) has parameters.
public func hasParams(_ module: Module) -> Bool { !module.parameters().isEmpty }

/// fastai's `total_params`: element count of the module's parameters (each tensor once) and
/// whether they train (the first parameter's flag; false without parameters).
public func totalParams(_ module: Module) -> (count: Int, trainable: Bool) {
    let params = module.parameters()
    return (params.reduce(0) { $0 + $1.count }, params.first?.requiresGrad ?? false)
}
