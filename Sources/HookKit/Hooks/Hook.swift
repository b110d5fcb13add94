import Statistics
import Torch

/// fastai's `Hook`: runs a closure on a module's forward (or backward) pass and keeps its last result.
///
/// Forward hooks get `(module, input, output)`. Backward hooks get `(module, gradInput, gradOutput)`:
/// the gradients w.r.t. the module's output and, when the input requires grad, its input
/// (nil otherwise), through tensor gradient hooks. With `detach` (the default) tensors handed to
/// the closure are cut from the graph. `remove()` is idempotent and is also called on `deinit`,
/// so a hook cannot outlive its owner; scoped use: `withHook(…) { hook in … }`.
public final class Hook<Stored> {
    /// What the closure returned the last time it ran (nil before the first run).
    public private(set) var stored: Stored?
    /// The observed module.
    public let module: Module
    public let kind: HookKind
    private var handles: [ModuleHookHandle] = []
    private var gradHandles: [GradHookHandle] = []
    public private(set) var isRemoved = false

    /// Registers `body` on `module`.
    public init(_ module: Module, kind: HookKind = .forward, detach: Bool = true,
                _ body: @escaping (Module, Tensor?, Tensor) throws -> Stored) {
        self.module = module
        self.kind = kind
        switch kind {
        case .forward:
            handles.append(module.registerForwardHook { [weak self] module, input, output in
                guard let self, !self.isRemoved else { return nil }
                self.stored = try body(module, detach ? input.detached() : input, detach ? output.detached() : output)
                return nil
            })
        case .backward:
            installBackward(detach: detach, body)
        }
    }

    /// Backward: a pre-hook aliases the input (so its gradient is this module's share alone, as
    /// PyTorch's full backward hooks do), and a forward hook puts gradient hooks on both tensors.
    /// The output's gradient arrives first; the input's completes the call.
    private func installBackward(detach: Bool, _ body: @escaping (Module, Tensor?, Tensor) throws -> Stored) {
        handles.append(module.registerForwardPreHook { [weak self] _, input in
            guard let self, !self.isRemoved, input.requiresGrad else { return nil }
            return try input.reshaped(input.shape)
        })
        handles.append(module.registerForwardHook { [weak self] module, input, output in
            guard let self, !self.isRemoved, output.requiresGrad else { return nil }
            // Only this pass's gradient hooks matter: earlier ones died with their tensors,
            // and the closures check `isRemoved`, so keeping them would only grow memory.
            self.gradHandles = []
            let wantsInput = input.requiresGrad
            var gradOutput: Tensor?
            self.gradHandles.append(try output.registerGradHook { [weak self] grad in
                guard let self, !self.isRemoved else { return nil }
                let g = detach ? try grad.detached() : grad
                if wantsInput { gradOutput = g } else { self.stored = try body(module, nil, g) }
                return nil
            })
            if wantsInput {
                self.gradHandles.append(try input.registerGradHook { [weak self] grad in
                    guard let self, !self.isRemoved, let out = gradOutput else { return nil }
                    self.stored = try body(module, detach ? try grad.detached() : grad, out)
                    return nil
                })
            }
            return nil
        })
    }

    /// What the closure threw during the last backward pass, if anything.
    ///
    /// A backward hook runs inside libtorch's `backward()` as a C callback, which cannot carry a
    /// Swift error back out; the gradient hook keeps it, and whoever drives backward reads it
    /// here afterwards (`HookCallback` fails the fit with it).
    public var backwardError: (any Error)? { gradHandles.lazy.compactMap(\.lastError).first }

    /// Stops the hook for good; safe to call twice or from inside the hook.
    public func remove() {
        guard !isRemoved else { return }
        isRemoved = true
        handles.forEach { $0.remove() }
        gradHandles.forEach { $0.remove() }
        handles = []
        gradHandles = []
    }

    deinit { remove() }
}

/// Runs `body` with a hook that is removed on every exit path, errors included.
public func withHook<Stored, Result>(_ module: Module, kind: HookKind = .forward, detach: Bool = true,
                                     _ hook: @escaping (Module, Tensor?, Tensor) throws -> Stored,
                                     do body: (Hook<Stored>) throws -> Result) rethrows -> Result {
    let h = Hook(module, kind: kind, detach: detach, hook)
    defer { h.remove() }
    return try body(h)
}
