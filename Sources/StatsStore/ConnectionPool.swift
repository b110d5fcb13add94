import Foundation

/// A few idle read-only connections, handed out one per call so several threads can read.
///
/// `@unchecked Sendable`: `idle` is read and written only while holding `lock`; a connection
/// taken out of `idle` belongs to one caller until it is put back.
final class ConnectionPool: @unchecked Sendable {
    let path: String
    private let maxIdle: Int
    private let lock = NSLock()
    private var idle: [Connection] = []

    init(path: String, maxIdle: Int) {
        self.path = path
        self.maxIdle = maxIdle
    }

    /// Opens a read-only connection; never creates the file.
    func open() throws -> Connection {
        let db = try Connection(path: path, flags: [.readOnly, .noMutex])
        // Readers do not wait for the writer in WAL mode; the timeout only covers the rare
        // moments SQLite needs a lock anyway (WAL recovery after a crash, a checkpoint reset).
        try db.setBusyTimeout(milliseconds: 5000)
        return db
    }

    /// Runs `body` with a connection of its own, then keeps the connection for the next call.
    func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        lock.lock()
        let pooled = idle.popLast()
        lock.unlock()
        let db = try pooled ?? open()
        let result = try body(db)
        lock.lock()
        if idle.count < maxIdle { idle.append(db) }
        lock.unlock()
        return result
    }
}
