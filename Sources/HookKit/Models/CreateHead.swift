import Torch

/// fastai's `create_head`: concat pool, flatten, then batch norm / dropout / linear blocks.
///
/// - Parameters:
///   - features: channels coming out of the body (doubled here when `concatPool`).
///   - classes: outputs of the last linear layer.
///   - hidden: hidden linear sizes (fastai's `lin_ftrs`, default [512]).
///   - dropout: the last block's dropout; earlier blocks get half of it, as fastai does.
/// Linear layers keep their bias and start kaiming-normal with zero bias (fastai v1's
/// `bn_drop_lin` and `apply_init`), so resnet34 + head at 37 classes ends in `Linear` 18,981.
public func createHead(features: Int, classes: Int, hidden: [Int] = [512], dropout: Double = 0.5,
                       concatPool: Bool = true, batchNormFinal: Bool = false) throws -> Sequential {
    let sizes = [concatPool ? features * 2 : features] + hidden + [classes]
    let drops = Array(repeating: dropout / 2, count: sizes.count - 2) + [dropout]
    var layers: [Module] = [concatPool ? AdaptiveConcatPool2d() : AdaptiveAvgPool2d(1), Flatten()]
    for i in 0..<(sizes.count - 1) {
        layers.append(try BatchNorm1d(sizes[i]))
        if drops[i] != 0 { layers.append(try Dropout(drops[i])) }
        let linear = try Linear(sizes[i], sizes[i + 1])
        try Initialization.kaimingNormal(linear.weight, fan: sizes[i])
        try withNoGrad { try linear.bias?.zero() }
        layers.append(linear)
        if i < sizes.count - 2 { layers.append(ReLU()) }
    }
    if batchNormFinal { layers.append(try BatchNorm1d(classes, momentum: 0.01)) }
    return Sequential(layers)
}
