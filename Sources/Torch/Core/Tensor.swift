import CTorch

/// An n-dimensional array on libtorch, with autograd.
///
/// A `Tensor` owns one handle to an `at::Tensor` (+1 from the shim) and releases it in `deinit`;
/// several `Tensor`s may refer to the same libtorch tensor (see `identity`).
/// Not `Sendable`: a tensor belongs to the queue that trains its model.
public final class Tensor {
    /// The owned shim handle.
    let handle: ct_tensor

    /// Takes ownership of a +1 handle.
    init(owning handle: ct_tensor) { self.handle = handle }

    deinit { ct_free(handle) }

    // MARK: Creation

    /// A float32 tensor holding `values` in row-major order.
    public convenience init(_ values: [Float], shape: [Int]) throws {
        try self.init(raw: values, shape: shape, dtype: .float32)
    }

    /// An int64 tensor holding `values` in row-major order.
    public convenience init(int64 values: [Int64], shape: [Int]) throws {
        try self.init(raw: values, shape: shape, dtype: .int64)
    }

    /// A one-dimensional float32 tensor.
    public convenience init(_ values: [Float]) throws { try self.init(values, shape: [values.count]) }

    /// A zero-dimensional float32 tensor.
    public convenience init(scalar: Float) throws { try self.init([scalar], shape: []) }

    private convenience init<T>(raw values: [T], shape: [Int], dtype: DType) throws {
        let count = shape.reduce(1, *)
        guard count == values.count else {
            throw TorchError("tensor", "\(values.count) values do not fill shape \(shape) (\(count) elements)")
        }
        let dims = shape.map(Int64.init)
        var out: ct_tensor?
        let status = values.withUnsafeBytes { bytes in
            ct_from_data(bytes.baseAddress, dims, Int32(dims.count), dtype.code, &out)
        }
        guard status == CT_OK, let handle = out else { throw TorchError.last("tensor") }
        self.init(owning: handle)
    }

    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) throws -> Tensor {
        let dims = shape.map(Int64.init)
        return try make("full") { ct_full(dims, Int32(dims.count), value, dtype.code, $0) }
    }

    public static func zeros(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(shape, 0, dtype: dtype)
    }

    public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(shape, 1, dtype: dtype)
    }

    /// Standard-normal values from libtorch's default generator (see `Torch.manualSeed`).
    public static func randn(_ shape: [Int]) throws -> Tensor {
        let dims = shape.map(Int64.init)
        return try make("randn") { ct_random(dims, Int32(dims.count), 0, $0) }
    }

    /// Uniform values in [0, 1) from libtorch's default generator.
    public static func rand(_ shape: [Int]) throws -> Tensor {
        let dims = shape.map(Int64.init)
        return try make("rand") { ct_random(dims, Int32(dims.count), 1, $0) }
    }

    /// 0, 1, …, n-1.
    public static func arange(_ n: Int, dtype: DType = .int64) throws -> Tensor {
        try make("arange") { ct_arange(Int64(n), dtype.code, $0) }
    }

    /// A random permutation of 0..<n (int64).
    public static func randperm(_ n: Int) throws -> Tensor {
        try make("randperm") { ct_randperm(Int64(n), $0) }
    }

    // MARK: Metadata

    /// The sizes of every dimension.
    public var shape: [Int] {
        var dims = [Int64](repeating: 0, count: Int(CT_MAX_DIMS))
        let n = Int(ct_shape(handle, &dims))
        return dims.prefix(n).map(Int.init)
    }

    public var rank: Int { Int(ct_ndim(handle)) }
    public var count: Int { Int(ct_numel(handle)) }
    public var dtype: DType { DType(code: ct_get_dtype(handle)) }

    /// Equal for two `Tensor`s that refer to the same libtorch tensor (e.g. tied weights).
    public var identity: UInt { UInt(ct_identity(handle)) }

    // MARK: Reading values

    /// The elements as float32, in row-major order (any layout, any dtype).
    public func floats() throws -> [Float] { try values(Float.self, dtype: .float32) }

    /// The elements as float64, in row-major order.
    public func doubles() throws -> [Double] { try values(Double.self, dtype: .float64) }

    /// The elements as int64, in row-major order.
    public func int64s() throws -> [Int64] { try values(Int64.self, dtype: .int64) }

    /// The value of a one-element tensor.
    public func item() throws -> Double {
        var value = 0.0
        try check("item", ct_item(handle, &value))
        return value
    }

    private func values<T>(_: T.Type, dtype: DType) throws -> [T] {
        let n = count
        return try [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            try check("copy out", ct_copy_out(handle, dtype.code, buffer.baseAddress, Int64(n)))
            initialized = n
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String { "Tensor(shape: \(shape), dtype: \(dtype))" }
}
