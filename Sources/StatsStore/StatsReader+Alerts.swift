/// Training-health alerts.
extension StatsReader {
    /// The alerts of run `run` (of every run when nil), newest first, at most `limit`; those of
    /// every rank of a data-parallel run (each row says its `rank`).
    ///
    /// - Throws: `runNotFound` for an unknown run.
    public func alerts(run: Int64? = nil, limit: Int = 1000) throws -> [AlertRow] {
        try read { db in
            if let run { try requireRun(run, in: db) }
            return try rows(db, """
                SELECT id, run_id, rule, path, kind, batch, epoch, value, threshold, action, message, created_at, rank
                FROM alerts WHERE ?1 IS NULL OR run_id = ?1 ORDER BY id DESC LIMIT ?2
                """, [run.map(SQLiteValue.integer) ?? .null, .integer(Int64(limit))]) { s in
                AlertRow(id: s.int64(at: 0), runID: s.int64(at: 1), rule: s.string(at: 2) ?? "", path: s.string(at: 3) ?? "",
                         kind: s.string(at: 4) ?? "", batch: s.int64(at: 5), epoch: s.int64(at: 6),
                         value: s.optionalDouble(at: 7) ?? .nan, threshold: s.optionalDouble(at: 8) ?? .nan,
                         action: s.string(at: 9) ?? "", message: s.string(at: 10) ?? "", createdAt: s.string(at: 11) ?? "",
                         rank: s.int64(at: 12))
            }
        }
    }

    /// How many alerts each rule raised, for run `run` (every run when nil), by rule then path.
    public func alertCounts(run: Int64? = nil) throws -> [(rule: String, path: String, count: Int64)] {
        try read { db in
            try rows(db, """
                SELECT rule, path, count(*) FROM alerts WHERE ?1 IS NULL OR run_id = ?1 GROUP BY rule, path ORDER BY rule, path
                """, [run.map(SQLiteValue.integer) ?? .null]) { s in
                (rule: s.string(at: 0) ?? "", path: s.string(at: 1) ?? "", count: s.int64(at: 2))
            }
        }
    }
}
