import CSQLite

/// SQLITE_TRANSIENT: tells SQLite to copy bound text and blobs before `bind` returns.
/// The C macro is a cast of -1 to a function pointer, which Swift cannot import.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One prepared statement: owns a `sqlite3_stmt*`, finalized in `deinit`.
///
/// Parameters are 1-based (`?1`, `?2`, …) as in SQLite; columns are 0-based.
public final class Statement {
    /// The SQL this statement was compiled from (quoted in errors).
    public let sql: String
    /// Keeps the connection open for as long as the statement lives.
    public let connection: Connection
    private let handle: OpaquePointer

    init(connection: Connection, sql: String) throws {
        let db = try connection.openHandle(for: sql)
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK else { throw SQLiteError(connection: db, code: rc, sql: sql) }
        guard let stmt else {
            // prepare_v2 returns OK and a NULL statement for empty SQL or a lone comment.
            throw SQLiteError(code: SQLITE_MISUSE, message: "no statement in SQL", sql: sql)
        }
        self.connection = connection
        self.sql = sql
        self.handle = stmt
    }

    deinit {
        sqlite3_finalize(handle)
    }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else {
            throw SQLiteError(connection: sqlite3_db_handle(handle), code: rc, sql: sql)
        }
    }

    /// Binds an integer to parameter `index` (1-based).
    public func bind(_ value: Int64, at index: Int32) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds a double to parameter `index` (1-based); NaN is stored as NULL by SQLite.
    public func bind(_ value: Double, at index: Int32) throws {
        try check(sqlite3_bind_double(handle, index, value))
    }

    /// Binds UTF-8 text to parameter `index` (1-based).
    public func bind(_ value: String, at index: Int32) throws {
        try check(sqlite3_bind_text(handle, index, value, -1, transient))
    }

    /// Binds a blob to parameter `index` (1-based).
    public func bind(_ value: [UInt8], at index: Int32) throws {
        let rc = value.withUnsafeBytes { bytes in
            // A zero-length blob needs a non-NULL pointer, else SQLite stores NULL.
            sqlite3_bind_blob(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                              Int32(bytes.count), transient)
        }
        try check(rc)
    }

    /// Binds NULL to parameter `index` (1-based).
    public func bindNull(at index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Binds one value of any storage class to parameter `index` (1-based).
    public func bind(_ value: SQLiteValue, at index: Int32) throws {
        switch value {
        case .integer(let v): try bind(v, at: index)
        case .real(let v): try bind(v, at: index)
        case .text(let v): try bind(v, at: index)
        case .blob(let v): try bind(v, at: index)
        case .null: try bindNull(at: index)
        }
    }

    /// Binds `values` to parameters 1, 2, … in order.
    public func bind(_ values: [SQLiteValue]) throws {
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Advances: true when a row is ready, false when done; throws on errors.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(connection: sqlite3_db_handle(handle), code: rc, sql: sql)
        }
    }

    /// Rewinds for another run and clears the bindings, so no stale value leaks into it.
    public func reset() throws {
        // sqlite3_reset returns the error of the last step again; that error was already thrown.
        sqlite3_reset(handle)
        try check(sqlite3_clear_bindings(handle))
    }

    /// Number of columns in a result row.
    public var columnCount: Int32 { sqlite3_column_count(handle) }

    /// The name of result column `index` (0-based): its alias, else the column's name.
    public func columnName(at index: Int32) -> String? {
        sqlite3_column_name(handle, index).map { String(cString: $0) }
    }

    /// The index of the result column called `name`, if the statement has one.
    public func columnIndex(named name: String) -> Int32? {
        (0..<columnCount).first { columnName(at: $0) == name }
    }

    /// True when column `index` (0-based) of the current row is NULL.
    public func isNull(at index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    /// Column `index` as an integer (NULL reads as 0).
    public func int64(at index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    /// Column `index` as an integer, nil when NULL.
    public func optionalInt64(at index: Int32) -> Int64? {
        isNull(at: index) ? nil : int64(at: index)
    }

    /// Column `index` as a double (NULL reads as NaN, SQLite's way of storing one).
    public func double(at index: Int32) -> Double {
        isNull(at: index) ? .nan : sqlite3_column_double(handle, index)
    }

    /// Column `index` as a double, nil when NULL.
    public func optionalDouble(at index: Int32) -> Double? {
        isNull(at: index) ? nil : sqlite3_column_double(handle, index)
    }

    /// Column `index` as text, nil when NULL.
    public func string(at index: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, index) else { return nil }
        return String(cString: text)
    }

    /// Column `index` as bytes (empty when NULL).
    public func blob(at index: Int32) -> [UInt8] {
        // sqlite3_column_blob before sqlite3_column_bytes: the documented safe order.
        guard let bytes = sqlite3_column_blob(handle, index) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, index))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
