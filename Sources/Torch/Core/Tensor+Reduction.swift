import CTorch

/// Reductions over all elements or chosen dimensions (negative dims count from the end).
extension Tensor {
    func reduce(_ op: ct_reduce_op, _ name: String, _ dims: [Int], _ keepDim: Bool) throws -> Tensor {
        let d = dims.map(Int64.init)
        return try make(name) { ct_reduce(op, handle, d, Int32(d.count), keepDim, $0) }
    }

    public func sum(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_SUM, "sum", dims, keepDim) }
    public func mean(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_MEAN, "mean", dims, keepDim) }
    public func max(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_AMAX, "amax", dims, keepDim) }
    public func min(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_AMIN, "amin", dims, keepDim) }
    /// Unbiased standard deviation, as `Tensor.std()`.
    public func std(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_STD, "std", dims, keepDim) }
    /// Unbiased variance, as `Tensor.var()`.
    public func variance(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_VAR, "var", dims, keepDim) }
    public func logSumExp(dims: [Int], keepDim: Bool = false) throws -> Tensor { try reduce(CT_LOGSUMEXP, "logsumexp", dims, keepDim) }

    /// Index of the largest value along `dim` (or over the flattened tensor when nil).
    public func argmax(dim: Int? = nil, keepDim: Bool = false) throws -> Tensor {
        try reduce(CT_ARGMAX, "argmax", dim.map { [$0] } ?? [], keepDim)
    }
}
