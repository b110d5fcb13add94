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
        _ = try placement(of: id, in: db)
    }

    /// The rank a per-batch read of run `id` selects: `rank` when given, else the file's own rank
    /// of that run (0 but on the other ranks of a data-parallel run).
    ///
    /// - Throws: `runNotFound`; `invalidArgument` for a rank outside the run's world size.
    func rank(_ rank: Int64?, of id: Int64, in db: Connection) throws -> Int64 {
        let (own, worldSize) = try placement(of: id, in: db)
        guard let rank else { return own }
        guard (0..<worldSize).contains(rank) else {
            throw StatsStoreError.invalidArgument("rank must be in 0..<\(worldSize) (the run's world size), got \(rank)")
        }
        return rank
    }

    /// The ranks a selection reads, one read each: nil stands for the file's own rank.
    ///
    /// - Throws: `runNotFound`.
    public func ranks(_ selection: RankSelection, of run: Int64) throws -> [Int64?] {
        switch selection {
        case .own: return [nil]
        case .one(let rank): return [rank]
        case .all:
            let worldSize = try read { db in try placement(of: run, in: db).worldSize }
            return (0..<worldSize).map { $0 }
        }
    }

    /// Run `id`'s own rank and world size; throws `runNotFound`.
    private func placement(of id: Int64, in db: Connection) throws -> (rank: Int64, worldSize: Int64) {
        let found = try rows(db, "SELECT rank, world_size FROM runs WHERE id = ?1", [.integer(id)]) { ($0.int64(at: 0), $0.int64(at: 1)) }
        guard let placement = found.first else { throw StatsStoreError.runNotFound(id) }
        return placement
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
