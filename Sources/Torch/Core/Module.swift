/// A layer or container, in PyTorch's image: named children, parameters and buffers under
/// dotted paths (`body.layer1.0.conv1.weight`), train/eval mode, and forward hooks.
///
/// Subclasses override `forward(_:)`; callers use `module(x)`, which is where hooks run
/// (libtorch's C++ modules have none, so this is the one place a layer's forward is observed).
/// Children and parameters are registered explicitly, in order: no reflection.
open class Module {
    private var childSlots: [(name: String, module: Module)] = []
    private var parameterSlots: [(name: String, tensor: Tensor?)] = []
    private var bufferSlots: [(name: String, tensor: Tensor?)] = []
    private weak var parent: Module?
    private var nameInParent = ""
    let hookTable = ModuleHookTable()

    /// Whether the module is in training mode (`train()`) or evaluation mode (`eval()`).
    public private(set) var isTraining = true

    public init() {}

    /// The computation of this module; call the module itself (`module(x)`) to run hooks too.
    open func forward(_ input: Tensor) throws -> Tensor {
        throw TorchError("forward", "\(typeName) does not implement forward(_:)")
    }

    /// The layer type shown in summaries, e.g. `Conv2d`.
    open var typeName: String { String(describing: type(of: self)) }

    /// Runs forward pre-hooks, `forward`, then forward hooks.
    ///
    /// A libtorch error inside `forward` becomes a `LayerError` naming this module's path.
    public final func callAsFunction(_ input: Tensor) throws -> Tensor {
        var x = input
        if hookTable.hasPreHooks { x = try hookTable.runPreHooks(self, x) }
        var y: Tensor
        do {
            y = try forward(x)
        } catch let error as TorchError {
            throw LayerError(path: path, type: typeName, underlying: error)
        }
        if hookTable.hasForwardHooks { y = try hookTable.runForwardHooks(self, x, y) }
        return y
    }

    // MARK: Registration

    /// Adds `module` as a child called `name`; returns it.
    @discardableResult
    public func register<M: Module>(_ name: String, _ module: M) -> M {
        module.parent = self
        module.nameInParent = name
        if let index = childSlots.firstIndex(where: { $0.name == name }) {
            childSlots[index].module = module
        } else {
            childSlots.append((name, module))
        }
        return module
    }

    /// Adds or replaces the parameter `name` (nil keeps the slot, like PyTorch's `bias=None`).
    public func registerParameter(_ name: String, _ tensor: Tensor?) {
        if let index = parameterSlots.firstIndex(where: { $0.name == name }) {
            parameterSlots[index].tensor = tensor
        } else {
            parameterSlots.append((name, tensor))
        }
    }

    /// Adds or replaces the buffer `name` (state saved with the model but not trained).
    public func registerBuffer(_ name: String, _ tensor: Tensor?) {
        if let index = bufferSlots.firstIndex(where: { $0.name == name }) {
            bufferSlots[index].tensor = tensor
        } else {
            bufferSlots.append((name, tensor))
        }
    }

    /// This module's own parameter `name`, if set.
    public func parameter(_ name: String) -> Tensor? {
        parameterSlots.first { $0.name == name }?.tensor
    }

    /// This module's own buffer `name`, if set.
    public func buffer(_ name: String) -> Tensor? {
        bufferSlots.first { $0.name == name }?.tensor
    }

    // MARK: Traversal

    /// Direct children, in registration order.
    public var children: [(name: String, module: Module)] { childSlots }

    /// Whether the module has no children.
    public var isLeaf: Bool { childSlots.isEmpty }

    /// This module's dotted path from the root of its tree ("" for the root).
    public var path: String {
        guard let parent else { return "" }
        let prefix = parent.path
        return prefix.isEmpty ? nameInParent : prefix + "." + nameInParent
    }

    /// Every module in the tree, pre-order, each once, with paths relative to this module.
    public func namedModules() -> [(path: String, module: Module)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(String, Module)] = []
        func visit(_ module: Module, _ path: String) {
            guard seen.insert(ObjectIdentifier(module)).inserted else { return }
            result.append((path, module))
            for (name, child) in module.childSlots {
                visit(child, path.isEmpty ? name : path + "." + name)
            }
        }
        visit(self, "")
        return result
    }

    /// Modules without children, in order, with their paths.
    public func leafModules() -> [(path: String, module: Module)] {
        namedModules().filter { $0.module.isLeaf }
    }

    /// The module at a dotted path relative to this one ("" is this module).
    public func module(at path: String) -> Module? {
        if path.isEmpty { return self }
        var current: Module = self
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard let next = current.childSlots.first(where: { $0.name == part })?.module else { return nil }
            current = next
        }
        return current
    }

    /// This module's own parameters (not its children's), skipping empty slots.
    public var ownParameters: [(name: String, tensor: Tensor)] {
        parameterSlots.compactMap { slot in slot.tensor.map { (slot.name, $0) } }
    }

    /// This module's own buffers, skipping empty slots.
    public var ownBuffers: [(name: String, tensor: Tensor)] {
        bufferSlots.compactMap { slot in slot.tensor.map { (slot.name, $0) } }
    }

    /// Every parameter in the tree, each libtorch tensor once (tied weights appear once).
    public func namedParameters() -> [(path: String, tensor: Tensor)] {
        var seen = Set<UInt>()
        var result: [(String, Tensor)] = []
        for (prefix, module) in namedModules() {
            for (name, tensor) in module.ownParameters where seen.insert(tensor.identity).inserted {
                result.append((prefix.isEmpty ? name : prefix + "." + name, tensor))
            }
        }
        return result
    }

    /// Every parameter in the tree, each once.
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// Parameters and buffers by dotted name, as PyTorch's `state_dict()` (tied tensors under every name).
    public func stateDict() -> [(name: String, tensor: Tensor)] {
        var result: [(String, Tensor)] = []
        for (prefix, module) in namedModules() {
            let dot = prefix.isEmpty ? "" : prefix + "."
            for (name, tensor) in module.ownParameters { result.append((dot + name, tensor)) }
            for (name, tensor) in module.ownBuffers { result.append((dot + name, tensor)) }
        }
        return result
    }

    /// Copies values into parameters and buffers by name, as PyTorch's `load_state_dict`.
    ///
    /// Every shape is checked before anything is copied, so a failed load leaves the model as it was.
    /// - Parameter strict: when true, a missing or unexpected key is an error.
    /// - Returns: the keys left out (empty when strict).
    /// - Throws: `StateDictError`.
    @discardableResult
    public func loadStateDict(_ values: [String: Tensor], strict: Bool = true) throws -> StateDictKeys {
        let own = stateDict()
        let known = Set(own.map(\.name))
        let left = StateDictKeys(missing: own.map(\.name).filter { values[$0] == nil },
                                 unexpected: values.keys.filter { !known.contains($0) }.sorted())
        if strict && !left.isEmpty { throw StateDictError.keys(left) }
        for (name, tensor) in own {
            if let source = values[name], source.shape != tensor.shape {
                throw StateDictError.shape(key: name, model: tensor.shape, given: source.shape)
            }
        }
        try withNoGrad {
            for (name, tensor) in own {
                if let source = values[name] { try tensor.copy(from: source) }
            }
        }
        return left
    }

    // MARK: Modes

    /// Sets training mode on this module and all its descendants.
    public func train(_ on: Bool = true) {
        for (_, module) in namedModules() { module.isTraining = on }
    }

    /// Sets evaluation mode (batch norm uses running stats, dropout is off).
    public func eval() { train(false) }

    /// Stops gradients for every parameter in the tree.
    public func freeze() throws { try setRequiresGrad(false) }

    /// Restores gradients for every parameter in the tree.
    public func unfreeze() throws { try setRequiresGrad(true) }

    /// Sets `requiresGrad` on every parameter in the tree.
    public func setRequiresGrad(_ flag: Bool) throws {
        for tensor in parameters() { try tensor.requiresGrad(flag) }
    }

    // MARK: Hooks

    /// Runs `body(module, input)` before each forward; a returned tensor replaces the input.
    public func registerForwardPreHook(_ body: @escaping ForwardPreHook) -> ModuleHookHandle {
        ModuleHookHandle(table: hookTable, id: hookTable.addPreHook(body))
    }

    /// Runs `body(module, input, output)` after each forward; a returned tensor replaces the output.
    public func registerForwardHook(_ body: @escaping ForwardHook) -> ModuleHookHandle {
        ModuleHookHandle(table: hookTable, id: hookTable.addForwardHook(body))
    }
}

/// A forward pre-hook: `(module, input)`, returning a replacement input or nil.
public typealias ForwardPreHook = (Module, Tensor) throws -> Tensor?
/// A forward hook: `(module, input, output)`, returning a replacement output or nil.
public typealias ForwardHook = (Module, Tensor, Tensor) throws -> Tensor?
