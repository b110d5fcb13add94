import CTorch

/// Autograd on a tensor: gradient tracking, backward, and the accumulated gradient.
extension Tensor {
    /// Whether operations on this tensor are recorded for backward.
    public var requiresGrad: Bool { ct_requires_grad(handle) }

    /// Turns gradient tracking on or off (floating-point tensors only); returns self.
    @discardableResult
    public func requiresGrad(_ flag: Bool) throws -> Tensor {
        try check("requires_grad_", ct_set_requires_grad(handle, flag))
        return self
    }

    /// Whether this tensor was created by the user rather than by an operation.
    public var isLeaf: Bool { ct_is_leaf(handle) }

    /// Backpropagates from this tensor; `gradient` is needed unless it holds one element.
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        try check("backward", ct_backward(handle, gradient?.handle, retainGraph))
    }

    /// The gradient accumulated by backward, or nil when none is defined.
    public var grad: Tensor? {
        var out: ct_tensor?
        guard ct_grad(handle, &out) == CT_OK, let g = out else { return nil }
        return Tensor(owning: g)
    }

    /// Replaces the gradient; nil undefines it (PyTorch's `p.grad = None`).
    public func setGrad(_ gradient: Tensor?) throws {
        try check("set grad", ct_set_grad(handle, gradient?.handle))
    }

    /// Registers `body` to run on this tensor's gradient during backward.
    ///
    /// `body` returns nil to keep the gradient or a tensor to replace it. The hook stays until
    /// `remove()` is called on the returned handle or the tensor is destroyed.
    public func registerGradHook(_ body: @escaping (Tensor) throws -> Tensor?) throws -> GradHookHandle {
        try GradHookHandle(tensor: self, body: body)
    }
}
