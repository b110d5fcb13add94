import Torch

/// The leaf modules `dead_units` judges: each `ReLU`, and each leaf module directly followed by
/// one in the model's module order (registration order, as `leafModules()` lists them: a
/// Sequential's order is its forward order). A layer followed by batch norm or pooling first is
/// not judged: its negative outputs need not die at the ReLU.
public func reluLayerPaths(_ model: Module) -> Set<String> {
    let leaves = model.leafModules()
    var paths = Set<String>()
    for (index, leaf) in leaves.enumerated() {
        let isReLU = leaf.module is ReLU
        let feedsReLU = index + 1 < leaves.count && leaves[index + 1].module is ReLU
        if isReLU || feedsReLU { paths.insert(leaf.path) }
    }
    return paths
}
