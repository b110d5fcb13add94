import CSQLite

/// One SQLite database connection: owns a `sqlite3*` handle.
///
/// Not thread-safe by design: one owner at a time (the writer's queue, or the reader's pool).
/// Statements keep their connection alive, so `deinit` never closes a handle under a statement.
public final class Connection {
    /// How to open the file (`sqlite3_open_v2` flags).
    public struct OpenFlags: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// Read-only: never writes, never creates the file.
        public static let readOnly = OpenFlags(rawValue: SQLITE_OPEN_READONLY)
        /// Read and write an existing file.
        public static let readWrite = OpenFlags(rawValue: SQLITE_OPEN_READWRITE)
        /// Create the file if missing (with `.readWrite`).
        public static let create = OpenFlags(rawValue: SQLITE_OPEN_CREATE)
        /// No per-connection mutex: safe because each connection has one owner at a time.
        public static let noMutex = OpenFlags(rawValue: SQLITE_OPEN_NOMUTEX)
    }

    /// How a transaction takes its locks (`BEGIN DEFERRED | IMMEDIATE | EXCLUSIVE`).
    public enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED", immediate = "IMMEDIATE", exclusive = "EXCLUSIVE"
    }

    /// The file this connection was opened on.
    public let path: String
    /// The raw handle; nil once closed.
    private(set) var handle: OpaquePointer?

    /// Opens `path`; throws `SQLiteError` (e.g. code 14, "unable to open database file").
    public init(path: String, flags: OpenFlags = [.readWrite, .create, .noMutex]) throws {
        self.path = path
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags.rawValue | SQLITE_OPEN_EXRESCODE, nil)
        guard rc == SQLITE_OK else {
            let error = SQLiteError(connection: db, code: rc, sql: nil)
            // sqlite3_open_v2: "a database connection handle is usually returned, even if an
            // error occurs"; it must still be closed to free it.
            sqlite3_close_v2(db)
            throw error
        }
        handle = db
    }

    deinit {
        // close_v2 defers the close until the last statement is finalized, so it cannot fail here.
        if let handle { sqlite3_close_v2(handle) }
    }

    /// Closes the handle; throws `SQLITE_BUSY` while statements prepared on it are alive.
    public func close() throws {
        guard let db = handle else { return }
        let rc = sqlite3_close(db)
        guard rc == SQLITE_OK else { throw SQLiteError(connection: db, code: rc, sql: nil) }
        handle = nil
    }

    /// The open handle, or a `SQLITE_MISUSE` error naming the SQL when the connection is closed.
    func openHandle(for sql: String?) throws -> OpaquePointer {
        guard let handle else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "connection is closed", sql: sql)
        }
        return handle
    }

    /// Runs one or more statements that take no parameters (schema, pragmas, BEGIN/COMMIT).
    public func execute(_ sql: String) throws {
        let db = try openHandle(for: sql)
        let rc = sqlite3_exec(db, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw SQLiteError(connection: db, code: rc, sql: sql) }
    }

    /// Compiles one statement; values are bound to it later, never spliced into `sql`.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    @discardableResult
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try execute("BEGIN \(kind.rawValue)")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            rollbackIfNeeded()
            throw error
        }
    }

    /// Rolls back the open transaction, if any.
    ///
    /// SQLite may already have rolled back by itself after SQLITE_FULL, IOERR, BUSY or NOMEM
    /// ("Response To Errors Within A Transaction"); a second ROLLBACK would then fail.
    public func rollbackIfNeeded() {
        guard let db = handle, sqlite3_get_autocommit(db) == 0 else { return }
        _ = sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
    }

    /// True while a transaction is open.
    public var isInTransaction: Bool {
        handle.map { sqlite3_get_autocommit($0) == 0 } ?? false
    }

    /// Waits up to `milliseconds` for locks before answering SQLITE_BUSY.
    public func setBusyTimeout(milliseconds: Int32) throws {
        let db = try openHandle(for: nil)
        let rc = sqlite3_busy_timeout(db, milliseconds)
        guard rc == SQLITE_OK else { throw SQLiteError(connection: db, code: rc, sql: nil) }
    }

    /// The rowid of the last successful INSERT on this connection.
    public var lastInsertRowID: Int64 {
        handle.map { sqlite3_last_insert_rowid($0) } ?? 0
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int {
        handle.map { Int(sqlite3_changes($0)) } ?? 0
    }

    /// Runs a query and returns the first column of its first row as an integer (nil if none).
    public func scalarInt(_ sql: String, _ values: [SQLiteValue] = []) throws -> Int64? {
        let statement = try prepare(sql)
        try statement.bind(values)
        return try statement.step() ? statement.int64(at: 0) : nil
    }

    /// Runs a query and returns the first column of its first row as text (nil if none or NULL).
    public func scalarText(_ sql: String, _ values: [SQLiteValue] = []) throws -> String? {
        let statement = try prepare(sql)
        try statement.bind(values)
        return try statement.step() ? statement.string(at: 0) : nil
    }

    /// The schema version stored in the file header (`PRAGMA user_version`).
    public func userVersion() throws -> Int {
        Int(try scalarInt("PRAGMA user_version") ?? 0)
    }

    /// Sets `PRAGMA user_version` (pragmas take no bound parameters; `version` is an Int).
    public func setUserVersion(_ version: Int) throws {
        try execute("PRAGMA user_version = \(version)")
    }
}
