import CTorch

/// A gradient hook registered on a tensor; `remove()` is idempotent.
public final class GradHookHandle {
    /// The closure libtorch calls back into, kept alive by libtorch's copy of the hook.
    final class Box {
        let body: (Tensor) throws -> Tensor?
        /// Set by `remove()`: libtorch may still hold the hook until backward finishes.
        var removed = false
        /// The last error thrown by `body` (a C callback cannot throw).
        var error: Error?
        init(_ body: @escaping (Tensor) throws -> Tensor?) { self.body = body }
    }

    private weak var tensor: Tensor?
    private let box: Box
    private var id: Int64 = -1

    init(tensor: Tensor, body: @escaping (Tensor) throws -> Tensor?) throws {
        self.tensor = tensor
        self.box = Box(body)
        let context = Unmanaged.passRetained(box).toOpaque()
        // libtorch owns the +1 on the box from here on and releases it through `release`.
        try check("register_hook", ct_register_grad_hook(tensor.handle, GradHookHandle.call, context, GradHookHandle.release, &id))
    }

    /// Whether `remove()` has been called.
    public var isRemoved: Bool { box.removed }

    /// The error thrown by the hook's closure during the last backward, if any.
    public var lastError: Error? { box.error }

    /// Stops the hook; safe to call more than once and from inside the hook itself.
    public func remove() {
        guard !box.removed else { return }
        box.removed = true
        if let tensor { _ = ct_remove_grad_hook(tensor.handle, id) }
    }

    private static let call: ct_grad_hook_fn = { context, grad in
        let box = Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue()
        guard !box.removed, let grad else { return nil }
        var borrowed: ct_tensor?
        guard ct_retain(grad, &borrowed) == CT_OK, let owned = borrowed else { return nil }
        do {
            guard let replacement = try box.body(Tensor(owning: owned)) else { return nil }
            var out: ct_tensor?
            return ct_retain(replacement.handle, &out) == CT_OK ? out : nil
        } catch {
            box.error = error
            return nil
        }
    }

    private static let release: ct_release_fn = { context in
        Unmanaged<Box>.fromOpaque(context!).release()
    }
}
