import StatsStore

/// Read-only checks of a stats file written by hookd.
struct SQLiteFile {
    let connection: Connection

    init(_ path: String) throws {
        connection = try Connection(path: path, flags: [.readOnly])
        try connection.setBusyTimeout(milliseconds: 5000)
    }

    func int(_ sql: String, _ values: [SQLiteValue] = []) throws -> Int64 { try connection.scalarInt(sql, values) ?? -1 }
    func text(_ sql: String, _ values: [SQLiteValue] = []) throws -> String { try connection.scalarText(sql, values) ?? "" }

    /// For each (run, path, kind): row count and max batch; contiguous series have count == max + 1.
    func gaps(run: Int64) throws -> Int64 {
        try int("""
            SELECT count(*) FROM (SELECT path, kind, count(*) AS n, max(batch) AS m FROM activation_stats
            WHERE run_id = ? GROUP BY path, kind) WHERE n != m + 1
            """, [.integer(run)])
    }
}
