/// A value that SQLite can store: what `Statement.bind(_:)` accepts.
public enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null
}
