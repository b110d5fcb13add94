/// Runs its children in order, as `nn.Sequential`; children are named "0", "1", … unless named.
public final class Sequential: Module {
    private var layers: [Module] = []

    public init(_ modules: [Module]) {
        super.init()
        for (index, module) in modules.enumerated() { append(module, name: String(index)) }
    }

    public convenience init(_ modules: Module...) { self.init(modules) }

    /// Children with explicit names, e.g. torchvision's `downsample` or fastai's `body`/`head`.
    public init(named modules: [(String, Module)]) {
        super.init()
        for (name, module) in modules { append(module, name: name) }
    }

    private func append(_ module: Module, name: String) {
        register(name, module)
        layers.append(module)
    }

    public var count: Int { layers.count }
    public subscript(index: Int) -> Module { layers[index] }

    override public func forward(_ input: Tensor) throws -> Tensor {
        var x = input
        for layer in layers { x = try layer(x) }
        return x
    }
}
