import Statistics
import Torch

/// fastai's `Hooks`: one `Hook` per module, as a collection; `remove()` removes them all.
public final class Hooks<Stored>: RandomAccessCollection {
    public let hooks: [Hook<Stored>]

    public init(_ modules: [Module], kind: HookKind = .forward, detach: Bool = true,
                _ body: @escaping (Module, Tensor?, Tensor) throws -> Stored) {
        hooks = modules.map { Hook($0, kind: kind, detach: detach, body) }
    }

    public var startIndex: Int { hooks.startIndex }
    public var endIndex: Int { hooks.endIndex }
    public subscript(position: Int) -> Hook<Stored> { hooks[position] }

    /// Each hook's last result, in module order.
    public var stored: [Stored?] { hooks.map(\.stored) }

    /// Removes every hook; idempotent.
    public func remove() { hooks.forEach { $0.remove() } }
}

/// Runs `body` with hooks on `modules` that are removed on every exit path, errors included.
public func withHooks<Stored, Result>(_ modules: [Module], kind: HookKind = .forward, detach: Bool = true,
                                      _ hook: @escaping (Module, Tensor?, Tensor) throws -> Stored,
                                      do body: (Hooks<Stored>) throws -> Result) rethrows -> Result {
    let hooks = Hooks(modules, kind: kind, detach: detach, hook)
    defer { hooks.remove() }
    return try body(hooks)
}

/// fastai's `hook_output`: stores the module's output, or with `grad` the gradient w.r.t. it.
public func hookOutput(_ module: Module, detach: Bool = true, grad: Bool = false) -> Hook<Tensor> {
    Hook(module, kind: grad ? .backward : .forward, detach: detach) { _, _, output in output }
}

/// fastai's `hook_outputs`: `hookOutput` on every module.
public func hookOutputs(_ modules: [Module], detach: Bool = true, grad: Bool = false) -> Hooks<Tensor> {
    Hooks(modules, kind: grad ? .backward : .forward, detach: detach) { _, _, output in output }
}
