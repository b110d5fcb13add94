import CSQLite

/// An error reported by SQLite, with the SQL that caused it.
///
/// Reads like GRDB's: `SQLite error 5: database is locked - while executing `INSERT …``.
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The primary result code (`SQLITE_BUSY` = 5, `SQLITE_FULL` = 13, …).
    public let code: Int32
    /// The extended result code (`SQLITE_IOERR_WRITE`, …); equals `code` when SQLite has none.
    public let extendedCode: Int32
    /// SQLite's message (`sqlite3_errmsg`) at the time of the failure.
    public let message: String
    /// The statement that failed, when there was one.
    public let sql: String?

    /// Creates an error from its parts; `extendedCode` defaults to `code`.
    public init(code: Int32, extendedCode: Int32? = nil, message: String, sql: String? = nil) {
        self.code = code
        self.extendedCode = extendedCode ?? code
        self.message = message
        self.sql = sql
    }

    /// Reads the connection's last error; call right after the failing C call, on the same thread.
    init(connection db: OpaquePointer?, code: Int32, sql: String?) {
        let message = db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(code))
        let extended = db.map { sqlite3_extended_errcode($0) } ?? code
        // The primary code is the low byte of the extended one (sqlite3.h, "Extended Result Codes").
        self.init(code: code & 0xff, extendedCode: extended, message: message, sql: sql)
    }

    /// True for "database or disk is full" and I/O errors: the disk, not the SQL, is at fault.
    public var isDiskProblem: Bool {
        code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_CANTOPEN
    }

    /// True when the same statement may succeed later: the disk (full, I/O, cannot open the
    /// journal) or a lock, not the SQL or a corrupt file. The writer retries these.
    public var isTransient: Bool {
        isDiskProblem || code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_NOMEM || code == SQLITE_READONLY
    }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " - while executing `\(sql)`" }
        return text
    }
}
