import CTorch

/// In-place updates, run without autograd history (for optimizers, initialisers and buffers).
extension Tensor {
    /// Copies `source` (broadcast) into this tensor.
    public func copy(from source: Tensor) throws { try check("copy_", ct_inplace(CT_COPY_, handle, source.handle)) }
    public func add(_ other: Tensor) throws { try check("add_", ct_inplace(CT_ADD_, handle, other.handle)) }
    public func multiply(by s: Double) throws { try check("mul_", ct_inplace_scalar(CT_MUL_, handle, s)) }
    public func add(_ s: Double) throws { try check("add_", ct_inplace_scalar(CT_ADD_, handle, s)) }
    public func fill(_ value: Double) throws { try check("fill_", ct_inplace_scalar(CT_COPY_, handle, value)) }
    public func zero() throws { try fill(0) }
    /// Uniform values in [low, high) from the default generator.
    public func fillUniform(_ low: Double, _ high: Double) throws { try check("uniform_", ct_fill_random_(handle, 1, low, high)) }
    /// Normal values from the default generator.
    public func fillNormal(mean: Double = 0, std: Double = 1) throws { try check("normal_", ct_fill_random_(handle, 0, mean, std)) }
}
