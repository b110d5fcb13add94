/// Deleting runs, for retention: only ended ones, with every row they own (schema v2's trigger).
extension StatsWriter {
    /// The statuses a run may be deleted in: it will never train again.
    public static let deletableStatuses: [RunStatus] = [.finished, .failed, .cancelled]

    /// Deletes ended runs and all their rows in one transaction: all of them or, on error, none.
    ///
    /// - Throws: `StatsStoreError.runNotFound` for an unknown id; `.runNotEnded` for a run still
    ///   queued, running or interrupted (it may resume, and its rows with it).
    public func deleteRuns(_ ids: [Int64]) throws {
        try synchronously { db, cache in
            try db.transaction(.immediate) {
                for id in ids {
                    guard let status = try db.scalarText("SELECT status FROM runs WHERE id = ?1", [.integer(id)]) else {
                        throw StatsStoreError.runNotFound(id)
                    }
                    let runStatus = RunStatus(rawValue: status)
                    guard Self.deletableStatuses.contains(runStatus) else { throw StatsStoreError.runNotEnded(id, status: runStatus) }
                    try cache.run("DELETE FROM runs WHERE id = ?1", [.integer(id)])
                }
            }
        }
        state.withLock { $0.runsDeleted += ids.count }
    }

    /// Ended runs other than the newest `keep` ended ones, oldest first: what a retention of
    /// `keep` runs deletes. Runs that may still train never count and are never listed.
    public func endedRuns(beyondNewest keep: Int) throws -> [Int64] {
        try synchronously { db, _ in
            let statuses = Self.deletableStatuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            let statement = try db.prepare("""
                SELECT id FROM runs WHERE status IN (\(statuses)) ORDER BY id DESC LIMIT -1 OFFSET ?1
                """)
            try statement.bind([.integer(Int64(max(0, keep)))])
            var ids: [Int64] = []
            while try statement.step() { ids.append(statement.int64(at: 0)) }
            return ids.reversed()
        }
    }
}
