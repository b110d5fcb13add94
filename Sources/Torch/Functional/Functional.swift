import CTorch

/// Stateless neural-network functions (PyTorch's `torch.nn.functional`), autograd-aware.
public enum Functional {
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        try make("linear") { ct_linear(x.handle, weight.handle, bias?.handle, $0) }
    }

    public static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Pair = 1, padding: Pair = 0,
                              dilation: Pair = 1, groups: Int = 1) throws -> Tensor {
        try make("conv2d") {
            ct_conv2d(x.handle, weight.handle, bias?.handle, stride.values, padding.values, dilation.values, Int64(groups), $0)
        }
    }

    /// Batch normalisation over dim 1; updates `runningMean`/`runningVar` in place when training.
    public static func batchNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?,
                                 training: Bool, momentum: Double, eps: Double) throws -> Tensor {
        try make("batch_norm") {
            ct_batch_norm(x.handle, weight?.handle, bias?.handle, runningMean?.handle, runningVar?.handle,
                          training, momentum, eps, $0)
        }
    }

    public static func maxPool2d(_ x: Tensor, kernel: Pair, stride: Pair, padding: Pair = 0, dilation: Pair = 1,
                                 ceilMode: Bool = false) throws -> Tensor {
        try make("max_pool2d") {
            ct_max_pool2d(x.handle, kernel.values, stride.values, padding.values, dilation.values, ceilMode, $0)
        }
    }

    public static func avgPool2d(_ x: Tensor, kernel: Pair, stride: Pair, padding: Pair = 0, ceilMode: Bool = false,
                                 countIncludePad: Bool = true) throws -> Tensor {
        try make("avg_pool2d") {
            ct_avg_pool2d(x.handle, kernel.values, stride.values, padding.values, ceilMode, countIncludePad, $0)
        }
    }

    public static func adaptiveAvgPool2d(_ x: Tensor, size: Pair) throws -> Tensor {
        try make("adaptive_avg_pool2d") { ct_adaptive_pool2d(x.handle, size.values, 0, $0) }
    }

    public static func adaptiveMaxPool2d(_ x: Tensor, size: Pair) throws -> Tensor {
        try make("adaptive_max_pool2d") { ct_adaptive_pool2d(x.handle, size.values, 1, $0) }
    }

    /// Zeroes elements with probability `p` and scales the rest by 1/(1-p) when training.
    public static func leakyReLU(_ x: Tensor, negativeSlope: Double) throws -> Tensor {
        try make("leaky_relu") { ct_leaky_relu(x.handle, negativeSlope, $0) }
    }

    /// Exact GELU, or its tanh approximation (`approximate="tanh"`).
    public static func gelu(_ x: Tensor, tanhApproximation: Bool = false) throws -> Tensor {
        try make("gelu") { ct_gelu(x.handle, tanhApproximation, $0) }
    }

    public static func dropout(_ x: Tensor, p: Double, training: Bool) throws -> Tensor {
        try make("dropout") { ct_dropout(x.handle, p, training, $0) }
    }

    /// Rows of `weight` at `indices`; `paddingIndex` rows get no gradient (-1 for none).
    public static func embedding(_ indices: Tensor, weight: Tensor, paddingIndex: Int = -1) throws -> Tensor {
        try make("embedding") { ct_embedding(weight.handle, indices.handle, Int64(paddingIndex), $0) }
    }
}

/// How a loss reduces its per-element values.
public enum Reduction: Int32, Sendable {
    case none = 0, mean = 1, sum = 2
}

/// Losses, as PyTorch's functional losses.
extension Functional {
    /// Cross-entropy of `logits` (N, C) against class indices `target` (N, int64).
    public static func crossEntropy(_ logits: Tensor, target: Tensor, reduction: Reduction = .mean,
                                    labelSmoothing: Double = 0) throws -> Tensor {
        try make("cross_entropy") {
            ct_cross_entropy(logits.handle, target.handle, reduction.rawValue, labelSmoothing, $0)
        }
    }

    public static func mseLoss(_ input: Tensor, target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        try make("mse_loss") { ct_mse_loss(input.handle, target.handle, reduction.rawValue, $0) }
    }
}
