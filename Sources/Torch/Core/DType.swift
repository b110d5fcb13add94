import CTorch

/// Element types hookd uses.
public enum DType: Sendable, Equatable {
    case float32, float64, int64, bool, uint8

    var code: ct_dtype {
        switch self {
        case .float32: CT_FLOAT32
        case .float64: CT_FLOAT64
        case .int64: CT_INT64
        case .bool: CT_BOOL
        case .uint8: CT_UINT8
        }
    }

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float32: 4
        case .float64, .int64: 8
        case .bool, .uint8: 1
        }
    }

    init(code: ct_dtype) {
        switch code {
        case CT_FLOAT64: self = .float64
        case CT_INT64: self = .int64
        case CT_BOOL: self = .bool
        case CT_UINT8: self = .uint8
        default: self = .float32
        }
    }
}
