import Torch

/// A convolutional body plus a fastai head, as fastai's `create_cnn_model`; paths start with
/// `body.` and `head.` (e.g. `body.layer1.0.conv1`).
public final class CNNModel: Module {
    public let body: Module
    public let head: Module

    public init(body: Module, head: Module) {
        self.body = body
        self.head = head
        super.init()
        register("body", body)
        register("head", head)
    }

    /// A resnet body (torchvision layout) with a fastai head for `classes` outputs.
    ///
    /// - Parameter inChannels: image channels (1 for Fashion-MNIST, 3 for RGB).
    public convenience init(arch: ResNetArch, classes: Int, inChannels: Int = 3) throws {
        let body = try arch.make(inChannels: inChannels).body()
        let features = try numFeaturesModel(body, inChannels: inChannels)
        self.init(body: body, head: try createHead(features: features, classes: classes))
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try head(body(input))
    }

    /// Freezes the body except its batch-norm layers (fastai's `train_bn=True`); the head stays trainable.
    public func freezeBody() throws {
        try body.freeze(keepingBatchNormTrainable: true)
    }

    /// Makes every parameter trainable again.
    public func unfreezeBody() throws { try body.unfreeze() }
}

/// The resnet variants a `CNNModel` can use.
public enum ResNetArch: String, Sendable, CaseIterable {
    case resnet18, resnet34

    func make(inChannels: Int) throws -> ResNet {
        switch self {
        case .resnet18: try HookKit.resnet18(inChannels: inChannels)
        case .resnet34: try HookKit.resnet34(inChannels: inChannels)
        }
    }
}

extension Module {
    /// Stops gradients in this tree; batch-norm layers stay trainable when asked, as fastai does.
    public func freeze(keepingBatchNormTrainable: Bool) throws {
        for (_, module) in namedModules() {
            let trainable = keepingBatchNormTrainable && module is BatchNorm
            for (_, tensor) in module.ownParameters { try tensor.requiresGrad(trainable) }
        }
    }
}
