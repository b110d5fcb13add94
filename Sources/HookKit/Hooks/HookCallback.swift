import Statistics
import Torch

/// fastai's `HookCallback`: hooks on modules for the duration of a fit, recording every `every` batches.
///
/// Default modules: leaf modules with parameters (`includeParamless` adds the others).
/// Subclasses override `hook(_:_:_:)`; what it returns for the modules that ran in a recorded
/// training batch is handed to `record(batchResults:learner:)` at the end of that batch.
/// Hooks are idle during validation and on batches not recorded (no cost but a flag check).
open class HookCallback<Stored>: LearnerCallback {
    /// One hooked module.
    public final class Entry {
        /// Unique within this callback, increasing.
        public let id: Int
        public let path: String
        public let module: Module
        public let kind: HookKind
        /// Record on training batches whose index is a multiple of `every`.
        public let every: Int
        fileprivate var hook: Hook<Stored?>?
        /// The result of the current batch, cleared after each batch.
        fileprivate var pending: Stored?

        init(id: Int, path: String, module: Module, kind: HookKind, every: Int) {
            self.id = id
            self.path = path
            self.module = module
            self.kind = kind
            self.every = max(1, every)
        }
    }

    public private(set) var entries: [Entry] = []
    /// When false, hooks stay registered but record nothing (their cost drops to a flag check).
    public var isEnabled = true
    public let every: Int
    public let removeAtEnd: Bool
    public let includeParamless: Bool
    private let requestedModules: [Module]?
    private var nextID = 1
    private var recordingIteration: Int?

    public init(modules: [Module]? = nil, every: Int = 1, removeAtEnd: Bool = true, includeParamless: Bool = false) {
        self.requestedModules = modules
        self.every = max(1, every)
        self.removeAtEnd = removeAtEnd
        self.includeParamless = includeParamless
    }

    /// Computes what to keep of one entry's forward (input, output) or backward (grads).
    open func hook(_ entry: Entry, _ input: Tensor?, _ output: Tensor) throws -> Stored {
        fatalError("\(type(of: self)) must override hook(_:_:_:)")
    }

    /// Receives the results of one recorded batch, in entry order.
    open func record(batchResults: [(entry: Entry, value: Stored)], learner: Learner) throws {}

    /// Hooks `module` (found at `path` in the model) from the next batch on; returns the entry.
    @discardableResult
    public func attach(path: String, module: Module, kind: HookKind = .forward, every: Int? = nil) -> Entry {
        let entry = Entry(id: nextID, path: path, module: module, kind: kind, every: every ?? self.every)
        nextID += 1
        // No detach here: an idle hook must cost only the flag check below, and the statistics
        // kernel reads values without autograd anyway. Subclasses detach what they keep.
        entry.hook = Hook(module, kind: kind, detach: false) { [weak self, weak entry] _, input, output -> Stored? in
            guard let self, let entry, let iteration = self.recordingIteration, iteration % entry.every == 0 else { return nil }
            let value = try self.hook(entry, input, output)
            entry.pending = value
            return nil
        }
        entries.append(entry)
        return entry
    }

    /// Unhooks the entry with `id`; it records nothing after the current batch. Returns it, if found.
    @discardableResult
    open func detach(id: Int) -> Entry? {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return nil }
        let entry = entries.remove(at: index)
        entry.hook?.remove()
        entry.hook = nil
        return entry
    }

    /// Removes every hook.
    open func removeAll() {
        for entry in entries { entry.hook?.remove() }
        entries = []
    }

    open func beginFit(_ learner: Learner) throws {
        guard entries.isEmpty, let modules = defaultModules(learner.model) else { return }
        for (path, module) in modules { attach(path: path, module: module) }
    }

    private func defaultModules(_ model: Module) -> [(String, Module)]? {
        let leaves = model.leafModules()
        if let requestedModules {
            return requestedModules.map { module in (leaves.first { $0.module === module }?.path ?? module.path, module) }
        }
        return leaves.filter { includeParamless || hasParams($0.module) }
    }

    open func beginBatch(_ learner: Learner) throws {
        recordingIteration = isEnabled && learner.isTraining ? learner.position.iteration : nil
    }

    /// Fails the fit with the first backward hook's error, naming its layer: libtorch's
    /// `backward()` cannot throw what a gradient hook threw (see `Hook.backwardError`).
    open func afterBackward(_ learner: Learner) throws {
        for entry in entries where entry.kind == .backward {
            if let error = entry.hook?.backwardError { throw HookError(path: entry.path, kind: .backward, underlying: error) }
        }
    }

    open func endBatch(_ learner: Learner) throws {
        defer { recordingIteration = nil }
        var results: [(entry: Entry, value: Stored)] = []
        for entry in entries {
            if let value = entry.pending { results.append((entry, value)) }
            entry.pending = nil
        }
        if !results.isEmpty { try record(batchResults: results, learner: learner) }
    }

    open func endFit(_ learner: Learner) throws {
        recordingIteration = nil
        if removeAtEnd { removeAll() }
    }
}
