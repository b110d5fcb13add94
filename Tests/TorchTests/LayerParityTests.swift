import Foundation
import Testing
@testable import Torch

/// Fixture names each parity test family reads; `FixtureCoverageTests` checks that together
/// with the HookKit-level files they cover every file in `Fixtures/`.
enum FixtureFamilies {
    static let linear = ["linear_bias", "linear_nobias"]
    static let conv = ["conv2d_plain", "conv2d_stride_pad", "conv2d_dilation", "conv2d_groups", "conv2d_nobias"]
    static let batchNorm = ["batch_norm1d_train", "batch_norm2d_train", "batch_norm2d_eval", "batch_norm2d_noaffine_train"]
    static let pooling = ["max_pool2d", "max_pool2d_ceil", "avg_pool2d", "avg_pool2d_nopadcount",
                          "adaptive_avg_pool2d_1x1", "adaptive_avg_pool2d_5x7_to_3x2", "adaptive_max_pool2d_1x1",
                          "adaptive_concat_pool2d"]
    static let elementwise = ["relu", "flatten", "softmax", "log_softmax"]
    static let embedding = ["embedding_padding_idx"]
    static let losses = ["cross_entropy_mean", "cross_entropy_sum", "cross_entropy_label_smoothing", "mse_loss_mean"]
    static let optimizers = ["sgd_plain", "sgd_momentum_wd", "sgd_nesterov", "sgd_momentum_dampening", "adam", "adam_l2", "adamw"]
    static let schedule = ["one_cycle_20"]
    static let basicBlock = ["resnet_basic_block", "resnet_basic_block_down"]
    /// Read by `ActivationSummaryTests` (the fused histogram against torch.histc on bin edges).
    static let histogram = ["histc_fastai", "histc_odd"]
    /// Read by `ActivationSummaryTests` (the kernel's channel activity against (x > 0).any).
    static let activeChannels = ["active_channels_conv", "active_channels_linear", "active_channels_large"]
    /// Read by HookKitTests (they need HookKit's `simpleCNN` and `resnet18/34`, which TorchTests cannot import).
    static let hookKitLevel = ["simple_cnn", "resnet18_keys", "resnet34_keys"]

    static var all: [String] {
        linear + conv + batchNorm + pooling + elementwise + embedding + losses + optimizers + schedule + basicBlock + histogram + activeChannels
            + hookKitLevel
    }
}

@Suite("Fixture coverage")
struct FixtureCoverageTests {
    @Test func everyFixtureFileHasATestFamily() throws {
        let files = try Fixture.allNames()
        #expect(files.count == 46)
        #expect(Set(files) == Set(FixtureFamilies.all))
        #expect(FixtureFamilies.all.count == Set(FixtureFamilies.all).count)
    }

    @Test func loaderKeepsDtypesAndShapes() throws {
        let f = try Fixture.load("cross_entropy_mean")
        #expect(f.op == "cross_entropy")
        #expect(try f.tensor("target").dtype == .int64)
        #expect(try f.tensor("input").dtype == .float32)
        #expect(try f.tensor("out").shape == [])
        let first = try f.doubles("input")[0]
        #expect(try f.tensor("input").floats()[0] == Float(first))
    }
}

/// Forward then `loss = (out * upstream).sum()` backward, the fixtures' gradient rule.
func backwardWithUpstream(_ out: Tensor, _ f: Fixture) throws {
    try (out * f.tensor("upstream")).sum().backward()
}

private func pair(_ config: [String: Any], _ key: String, default value: Int = 0) -> Pair {
    guard let v = config[key] as? [Int], v.count == 2 else { return Pair(value, value) }
    return Pair(v[0], v[1])
}

@Suite("Parity: layers vs PyTorch")
struct LayerParityTests {
    @Test(arguments: FixtureFamilies.linear)
    func linear(_ name: String) throws {
        let f = try Fixture.load(name)
        let hasBias = try #require(f.config["bias"] as? Bool)
        let layer = try Linear(f.config["in_features"] as! Int, f.config["out_features"] as! Int, bias: hasBias)
        try checkWeightedLayer(layer, hasBias: hasBias, f)
        if !hasBias { #expect(layer.bias == nil) }
    }

    @Test(arguments: FixtureFamilies.conv)
    func conv2d(_ name: String) throws {
        let f = try Fixture.load(name)
        let c = f.config
        let w = try f.shape("weight")
        let groups = c["groups"] as! Int
        let hasBias = c["bias"] as! Bool
        #expect(hasBias == f.has("bias"))
        let layer = try Conv2d(w[1] * groups, w[0], kernelSize: Pair(w[2], w[3]), stride: pair(c, "stride"),
                               padding: pair(c, "padding"), dilation: pair(c, "dilation", default: 1), groups: groups,
                               bias: hasBias)
        try checkWeightedLayer(layer, hasBias: hasBias, f)
    }

    /// Loads a weight (and bias) layer from the fixture, then checks its output and every gradient.
    func checkWeightedLayer(_ layer: Module, hasBias: Bool, _ f: Fixture) throws {
        var state = ["weight": try f.tensor("weight")]
        if hasBias { state["bias"] = try f.tensor("bias") }
        try layer.loadStateDict(state)
        let x = try f.tensor("x", requiresGrad: true)
        let out = try layer(x)
        try expectClose(out, f, "out")
        try backwardWithUpstream(out, f)
        try expectClose(x.grad, f, "grad_x")
        try expectClose(layer.parameter("weight")?.grad, f, "grad_weight")
        if hasBias { try expectClose(layer.parameter("bias")?.grad, f, "grad_bias") }
    }

    @Test(arguments: FixtureFamilies.batchNorm)
    func batchNorm(_ name: String) throws {
        let f = try Fixture.load(name)
        let c = f.config
        let features = c["num_features"] as! Int
        let affine = c["affine"] as! Bool
        let training = c["training"] as! Bool
        let eps = c["eps"] as! Double, momentum = c["momentum"] as! Double
        let layer: BatchNorm = f.op == "batch_norm1d"
            ? try BatchNorm1d(features, eps: eps, momentum: momentum, affine: affine)
            : try BatchNorm2d(features, eps: eps, momentum: momentum, affine: affine)
        var state = ["running_mean": try f.tensor("running_mean"), "running_var": try f.tensor("running_var"),
                     "num_batches_tracked": try Tensor(int64: [0], shape: [])]
        if affine {
            state["weight"] = try f.tensor("weight")
            state["bias"] = try f.tensor("bias")
        } else {
            #expect(layer.weight == nil && layer.bias == nil)
        }
        try layer.loadStateDict(state)
        layer.train(training)
        let x = try f.tensor("x", requiresGrad: true)
        let out = try layer(x)
        try expectClose(out, f, "out")
        try backwardWithUpstream(out, f)
        try expectClose(x.grad, f, "grad_x")
        if affine {
            try expectClose(layer.weight?.grad, f, "grad_weight")
            try expectClose(layer.bias?.grad, f, "grad_bias")
        }
        if training {
            try expectClose(layer.runningMean, f, "running_mean_after")
            try expectClose(layer.runningVar, f, "running_var_after")
            #expect(try layer.batchesTracked == 1)
        } else {
            // Evaluation leaves the running statistics exactly as loaded.
            try expectClose(layer.runningMean, f, "running_mean", rtol: 0, atol: 0)
            try expectClose(layer.runningVar, f, "running_var", rtol: 0, atol: 0)
            #expect(try layer.batchesTracked == 0)
        }
    }

    @Test(arguments: FixtureFamilies.pooling)
    func pooling(_ name: String) throws {
        let f = try Fixture.load(name)
        let c = f.config
        let layer: Module
        switch f.op {
        case "max_pool2d":
            layer = MaxPool2d(kernelSize: pair(c, "kernel_size"), stride: pair(c, "stride"), padding: pair(c, "padding"),
                              dilation: pair(c, "dilation", default: 1), ceilMode: c["ceil_mode"] as! Bool)
        case "avg_pool2d":
            layer = AvgPool2d(kernelSize: pair(c, "kernel_size"), stride: pair(c, "stride"), padding: pair(c, "padding"),
                              ceilMode: c["ceil_mode"] as! Bool, countIncludePad: c["count_include_pad"] as! Bool)
        case "adaptive_avg_pool2d": layer = AdaptiveAvgPool2d(pair(c, "output_size"))
        case "adaptive_max_pool2d": layer = AdaptiveMaxPool2d(pair(c, "output_size"))
        case "adaptive_concat_pool2d": layer = AdaptiveConcatPool2d(pair(c, "output_size"))
        default:
            Issue.record("unknown pooling op \(f.op)")
            return
        }
        let x = try f.tensor("x", requiresGrad: true)
        let out = try layer(x)
        try expectClose(out, f, "out")
        try backwardWithUpstream(out, f)
        try expectClose(x.grad, f, "grad_x")
    }

    @Test(arguments: FixtureFamilies.elementwise)
    func elementwise(_ name: String) throws {
        let f = try Fixture.load(name)
        let x = try f.tensor("x", requiresGrad: true)
        let out: Tensor
        switch f.op {
        case "relu": out = try ReLU()(x)
        case "flatten": out = try Flatten()(x)
        case "softmax": out = try x.softmax(dim: f.config["dim"] as! Int)
        case "log_softmax": out = try x.logSoftmax(dim: f.config["dim"] as! Int)
        default:
            Issue.record("unknown op \(f.op)")
            return
        }
        try expectClose(out, f, "out")
        try backwardWithUpstream(out, f)
        try expectClose(x.grad, f, "grad_x")
    }

    @Test func embeddingWithPaddingIndex() throws {
        let f = try Fixture.load("embedding_padding_idx")
        let c = f.config
        let padding = c["padding_idx"] as! Int
        let layer = try Embedding(c["num_embeddings"] as! Int, c["embedding_dim"] as! Int, paddingIndex: padding)
        // nn.Embedding starts the padding row at zero, as the fixture's table has it.
        #expect(try layer.weight.selecting(dim: 0, index: padding).floats().allSatisfy { $0 == 0 })
        try layer.loadStateDict(["weight": try f.tensor("weight")])
        let indices = try f.tensor("indices")
        #expect(try indices.int64s().filter { $0 == Int64(padding) }.count == 2)
        let out = try layer(indices)
        try expectClose(out, f, "out")
        try backwardWithUpstream(out, f)
        try expectClose(layer.weight.grad, f, "grad_weight")
        let rowZero = try #require(layer.weight.grad).selecting(dim: 0, index: padding).floats()
        #expect(rowZero == [0, 0, 0])
    }

    @Test(arguments: FixtureFamilies.losses)
    func loss(_ name: String) throws {
        let f = try Fixture.load(name)
        let c = f.config
        let input = try f.tensor("input", requiresGrad: true)
        let target = try f.tensor("target")
        let reduction: Reduction = (c["reduction"] as? String) == "sum" ? .sum : .mean
        let out: Tensor
        switch f.op {
        case "cross_entropy":
            out = try Functional.crossEntropy(input, target: target, reduction: reduction,
                                              labelSmoothing: c["label_smoothing"] as? Double ?? 0)
        case "mse_loss":
            out = try Functional.mseLoss(input, target: target, reduction: reduction)
        default:
            Issue.record("unknown loss \(f.op)")
            return
        }
        try expectClose(out, f, "out")
        try backwardWithUpstream(out, f)
        try expectClose(input.grad, f, "grad_input")
    }
}
