import Foundation

/// Read-only queries over a stats file, safe to call from several threads at once.
///
/// Each call borrows a read-only connection from a small pool, so readers never block one
/// another nor the writer (WAL). Unknown runs and layers throw `StatsStoreError` cases that an
/// HTTP layer maps to 404 and the CLI to exit status 1.
public final class StatsReader: Sendable {
    /// The file read.
    public let path: String
    let pool: ConnectionPool

    /// Opens `path` read-only and checks its schema; never creates the file.
    ///
    /// - Throws: `StatsStoreError.fileNotFound`, `.notADatabase`, `.notAStatsFile`,
    ///   `.schemaTooNew`, `.schemaTooOld`, or `.sqlite`.
    public init(path: String, maxIdleConnections: Int = 4) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw StatsStoreError.fileNotFound(path: path)
        }
        self.path = path
        pool = ConnectionPool(path: path, maxIdle: max(1, maxIdleConnections))
        try Self.wrap { try pool.withConnection { try Schema.checkReadable($0) } }
    }

    /// Runs `body` on a pooled connection, turning `SQLiteError` into `StatsStoreError`.
    func read<T>(_ body: (Connection) throws -> T) throws -> T {
        try Self.wrap { try pool.withConnection(body) }
    }

    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError {
            throw StatsStoreError.sqlite(error)
        }
    }

    /// Throws `runNotFound` unless the run exists.
    func requireRun(_ id: Int64, in db: Connection) throws {
        if try db.scalarInt("SELECT 1 FROM runs WHERE id = ?1", [.integer(id)]) == nil {
            throw StatsStoreError.runNotFound(id)
        }
    }

    /// Throws `layerNotFound` unless the run has a module, hook or statistics at `layer`.
    func requireLayer(_ layer: String, run: Int64, in db: Connection) throws {
        let known = try db.scalarInt("""
            SELECT 1 FROM modules WHERE run_id = ?1 AND path = ?2
            UNION ALL SELECT 1 FROM hooks WHERE run_id = ?1 AND path = ?2
            UNION ALL SELECT 1 FROM activation_stats WHERE run_id = ?1 AND path = ?2
            LIMIT 1
            """, [.integer(run), .text(layer)])
        if known == nil { throw StatsStoreError.layerNotFound(run: run, layer: layer) }
    }

    /// Every statement row mapped by `row`, in order.
    func rows<T>(_ db: Connection, _ sql: String, _ values: [SQLiteValue], _ row: (Statement) -> T) throws -> [T] {
        try Self.rows(db, sql, values, row)
    }

    /// Every statement row mapped by `row`, in order (for the writer's connection too).
    static func rows<T>(_ db: Connection, _ sql: String, _ values: [SQLiteValue], _ row: (Statement) -> T) throws -> [T] {
        let statement = try db.prepare(sql)
        try statement.bind(values)
        var result: [T] = []
        while try statement.step() { result.append(row(statement)) }
        return result
    }
}
