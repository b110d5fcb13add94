import CTorch

/// Element-wise arithmetic, comparisons and matrix products, with broadcasting as in PyTorch.
extension Tensor {
    func unary(_ op: ct_unary_op, _ name: String) throws -> Tensor {
        try make(name) { ct_unary(op, handle, $0) }
    }

    func binary(_ op: ct_binary_op, _ other: Tensor, _ name: String) throws -> Tensor {
        try make(name) { ct_binary(op, handle, other.handle, $0) }
    }

    func binary(_ op: ct_binary_op, _ scalar: Double, _ name: String) throws -> Tensor {
        try make(name) { ct_binary_scalar(op, handle, scalar, $0) }
    }

    static func binary(_ op: ct_binary_op, _ scalar: Double, _ tensor: Tensor, _ name: String) throws -> Tensor {
        try make(name) { ct_scalar_binary(op, scalar, tensor.handle, $0) }
    }

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(CT_ADD, b, "add") }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(CT_SUB, b, "sub") }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(CT_MUL, b, "mul") }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(CT_DIV, b, "div") }

    public static func + (a: Tensor, s: Double) throws -> Tensor { try a.binary(CT_ADD, s, "add") }
    public static func - (a: Tensor, s: Double) throws -> Tensor { try a.binary(CT_SUB, s, "sub") }
    public static func * (a: Tensor, s: Double) throws -> Tensor { try a.binary(CT_MUL, s, "mul") }
    public static func / (a: Tensor, s: Double) throws -> Tensor { try a.binary(CT_DIV, s, "div") }

    public static func + (s: Double, a: Tensor) throws -> Tensor { try binary(CT_ADD, s, a, "add") }
    public static func - (s: Double, a: Tensor) throws -> Tensor { try binary(CT_SUB, s, a, "rsub") }
    public static func * (s: Double, a: Tensor) throws -> Tensor { try binary(CT_MUL, s, a, "mul") }
    public static func / (s: Double, a: Tensor) throws -> Tensor { try binary(CT_DIV, s, a, "div") }

    public static prefix func - (a: Tensor) throws -> Tensor { try a.unary(CT_NEG, "neg") }

    /// Matrix product with PyTorch's `matmul` broadcasting rules.
    public func matmul(_ other: Tensor) throws -> Tensor { try binary(CT_MATMUL, other, "matmul") }
    public func pow(_ exponent: Double) throws -> Tensor { try binary(CT_POW, exponent, "pow") }
    public func maximum(_ other: Tensor) throws -> Tensor { try binary(CT_MAXIMUM, other, "maximum") }
    public func minimum(_ other: Tensor) throws -> Tensor { try binary(CT_MINIMUM, other, "minimum") }
    /// Values below `low` become `low`.
    public func clamped(min low: Double) throws -> Tensor { try binary(CT_MAXIMUM, low, "clamp_min") }

    public func eq(_ other: Tensor) throws -> Tensor { try binary(CT_EQ, other, "eq") }
    public func eq(_ s: Double) throws -> Tensor { try binary(CT_EQ, s, "eq") }
    public func gt(_ s: Double) throws -> Tensor { try binary(CT_GT, s, "gt") }
    public func lt(_ s: Double) throws -> Tensor { try binary(CT_LT, s, "lt") }
    public func ge(_ s: Double) throws -> Tensor { try binary(CT_GE, s, "ge") }
    public func le(_ s: Double) throws -> Tensor { try binary(CT_LE, s, "le") }

    public func exp() throws -> Tensor { try unary(CT_EXP, "exp") }
    public func log() throws -> Tensor { try unary(CT_LOG, "log") }
    public func sqrt() throws -> Tensor { try unary(CT_SQRT, "sqrt") }
    public func rsqrt() throws -> Tensor { try unary(CT_RSQRT, "rsqrt") }
    public func abs() throws -> Tensor { try unary(CT_ABS, "abs") }
    public func square() throws -> Tensor { try unary(CT_SQUARE, "square") }
    public func relu() throws -> Tensor { try unary(CT_RELU, "relu") }
    public func sigmoid() throws -> Tensor { try unary(CT_SIGMOID, "sigmoid") }
    public func tanh() throws -> Tensor { try unary(CT_TANH, "tanh") }

    /// A copy with its own storage (keeps autograd history, like `clone()`).
    public func clone() throws -> Tensor { try unary(CT_CLONE, "clone") }
    /// The same values, cut from the autograd graph (shares storage, like `detach()`).
    public func detached() throws -> Tensor { try unary(CT_DETACH, "detach") }
    public func contiguous() throws -> Tensor { try unary(CT_CONTIGUOUS, "contiguous") }
    public func zerosLike() throws -> Tensor { try unary(CT_ZEROS_LIKE, "zeros_like") }
    public func onesLike() throws -> Tensor { try unary(CT_ONES_LIKE, "ones_like") }
    public func to(_ dtype: DType) throws -> Tensor { try make("to") { ct_to_dtype(handle, dtype.code, $0) } }
}
