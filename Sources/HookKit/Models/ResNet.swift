import Torch

/// torchvision's ResNet with `BasicBlock`s (resnet18, resnet34), same names, layout and counts.
///
/// Children: `conv1`, `bn1`, `relu`, `maxpool`, `layer1`…`layer4`, `avgpool`, `fc`; at 1000
/// classes resnet18 has 11,689,512 parameters and resnet34 21,797,672. Initialisation follows
/// torchvision: kaiming-normal (fan-out) convolutions, batch norm weight 1 and bias 0.
public final class ResNet: Module {
    /// Blocks per stage: [2, 2, 2, 2] for resnet18, [3, 4, 6, 3] for resnet34.
    public let layers: [Int]

    public init(layers: [Int], classes: Int = 1000, inChannels: Int = 3) throws {
        self.layers = layers
        super.init()
        register("conv1", try Conv2d(inChannels, 64, kernelSize: 7, stride: 2, padding: 3, bias: false))
        register("bn1", try BatchNorm2d(64))
        register("relu", ReLU())
        register("maxpool", MaxPool2d(kernelSize: 3, stride: 2, padding: 1))
        var inplanes = 64
        for (stage, blocks) in layers.enumerated() {
            let planes = 64 << stage
            var stageBlocks: [Module] = []
            for index in 0..<blocks {
                stageBlocks.append(try BasicBlock(inplanes: inplanes, planes: planes, stride: index == 0 && stage > 0 ? 2 : 1))
                inplanes = planes
            }
            register("layer\(stage + 1)", Sequential(stageBlocks))
        }
        register("avgpool", AdaptiveAvgPool2d(1))
        register("fc", try Linear(512, classes))
        for (_, module) in namedModules() {
            if let conv = module as? Conv2d {
                try Initialization.kaimingNormal(conv.weight, fan: Initialization.fans(conv.weight.shape).fanOut)
            }
        }
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        var x = input
        for (name, child) in children {
            if name == "fc" { x = try x.flattened(from: 1) }
            x = try child(x)
        }
        return x
    }

    /// The convolutional body: every child before `avgpool`, under the same names (fastai's `create_body`).
    public func body() -> Sequential {
        Sequential(named: children.prefix { $0.name != "avgpool" }.map { ($0.name, $0.module) })
    }
}

/// torchvision's resnet18.
public func resnet18(classes: Int = 1000, inChannels: Int = 3) throws -> ResNet {
    try ResNet(layers: [2, 2, 2, 2], classes: classes, inChannels: inChannels)
}

/// torchvision's resnet34.
public func resnet34(classes: Int = 1000, inChannels: Int = 3) throws -> ResNet {
    try ResNet(layers: [3, 4, 6, 3], classes: classes, inChannels: inChannels)
}
