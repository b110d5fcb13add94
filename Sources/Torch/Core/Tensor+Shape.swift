import CTorch

/// Views and shape changes; most share storage with the original, as in PyTorch.
extension Tensor {
    /// The same elements in `shape`; one dimension may be -1.
    public func reshaped(_ shape: [Int]) throws -> Tensor {
        let d = shape.map(Int64.init)
        return try make("reshape to \(shape)") { ct_reshape(handle, d, Int32(d.count), $0) }
    }

    public func permuted(_ dims: [Int]) throws -> Tensor {
        let d = dims.map(Int64.init)
        return try make("permute") { ct_permute(handle, d, Int32(d.count), $0) }
    }

    public func transposed(_ d0: Int, _ d1: Int) throws -> Tensor {
        try make("transpose") { ct_transpose(handle, Int64(d0), Int64(d1), $0) }
    }

    /// `length` elements along `dim` from `start` (a view).
    public func narrowed(dim: Int, start: Int, length: Int) throws -> Tensor {
        try make("narrow") { ct_narrow(handle, Int64(dim), Int64(start), Int64(length), $0) }
    }

    /// The slice at `index` along `dim`, without that dimension.
    public func selecting(dim: Int, index: Int) throws -> Tensor {
        try make("select") { ct_select(handle, Int64(dim), Int64(index), $0) }
    }

    /// The slices at `indices` (an int64 tensor) along `dim`.
    public func indexSelect(dim: Int, _ indices: Tensor) throws -> Tensor {
        try make("index_select") { ct_index_select(handle, Int64(dim), indices.handle, $0) }
    }

    public func unsqueezed(_ dim: Int) throws -> Tensor { try make("unsqueeze") { ct_unsqueeze(handle, Int64(dim), $0) } }
    public func squeezed(_ dim: Int) throws -> Tensor { try make("squeeze") { ct_squeeze(handle, Int64(dim), $0) } }

    public func flattened(from start: Int = 0, to end: Int = -1) throws -> Tensor {
        try make("flatten") { ct_flatten(handle, Int64(start), Int64(end), $0) }
    }

    public func expanded(to shape: [Int]) throws -> Tensor {
        let d = shape.map(Int64.init)
        return try make("expand") { ct_expand(handle, d, Int32(d.count), $0) }
    }

    /// Concatenates tensors along an existing dimension.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor { try join(tensors, dim, kind: 0, "cat") }

    /// Stacks tensors along a new dimension.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor { try join(tensors, dim, kind: 1, "stack") }

    private static func join(_ tensors: [Tensor], _ dim: Int, kind: Int32, _ name: String) throws -> Tensor {
        let handles: [ct_tensor?] = tensors.map { $0.handle }
        return try withExtendedLifetime(tensors) {
            try make(name) { ct_join(handles, Int32(handles.count), Int64(dim), kind, $0) }
        }
    }

    public func softmax(dim: Int) throws -> Tensor { try make("softmax") { ct_softmax(handle, Int64(dim), false, $0) } }
    public func logSoftmax(dim: Int) throws -> Tensor { try make("log_softmax") { ct_softmax(handle, Int64(dim), true, $0) } }
}
