/// `limit` without `every`: one index seek per returned row instead of a scan of the range.
///
/// The window-function query numbers every row of the range, which costs ~2.5 s per uncached
/// `/stats?limit=100` on a layer with a million batches (a day of a busy run). Rows are keyed by
/// (run, path, kind, batch), so "the first row at or after batch b" is a B-tree seek.
extension StatsReader {
    static let rowAtOrAfterSQL = """
        SELECT batch, \(StatColumns.list) FROM activation_stats
        WHERE run_id = ?1 AND path = ?2 AND kind = ?3 AND batch >= ?4 AND batch <= ?5 ORDER BY batch LIMIT 1
        """
    static let rangeSQL = """
        SELECT batch, \(StatColumns.list) FROM activation_stats
        WHERE run_id = ?1 AND path = ?2 AND kind = ?3 AND batch >= ?4 AND batch <= ?5 ORDER BY batch LIMIT ?6
        """
    static let lastBatchSQL = """
        SELECT batch FROM activation_stats
        WHERE run_id = ?1 AND path = ?2 AND kind = ?3 AND batch >= ?4 AND batch <= ?5 ORDER BY batch DESC LIMIT 1
        """

    /// Appends at most `limit` rows of `range` to `series`: every row when there are no more,
    /// else the first, the last, and in between the first row at or after each of `limit` evenly
    /// spaced batches (rounded up, so a series with a row for every batch gets exactly the rows
    /// a by-row spacing would pick). Returns false, appending nothing, for a range whose batch
    /// span does not fit an Int64 (negative batch numbers, which hookd never writes): the by-row
    /// query answers that.
    func sample(into series: inout StatsSeries, db: Connection, range: (from: Int64, to: Int64), limit: Int) throws -> Bool {
        let key: [SQLiteValue] = [.integer(series.runID), .text(series.layer), .text(series.kind.rawValue)]
        // Reading limit + 1 rows costs no more than answering with limit rows would.
        let limit = Swift.min(limit, Int(Int32.max))
        let all = try db.prepare(Self.rangeSQL)
        try all.bind(key + [.integer(range.from), .integer(range.to), .integer(Int64(limit) + 1)])
        var head = StatsSeries(runID: series.runID, layer: series.layer, kind: series.kind)
        let columns = StatColumns(all)
        while try all.step() { head.append(row: all, columns: columns) }
        if head.count <= limit {
            series = head
            return true
        }
        let last = try db.prepare(Self.lastBatchSQL)
        try last.bind(key + [.integer(range.from), .integer(range.to)])
        guard try last.step() else { return true }
        let hi = last.int64(at: 0)
        let seek = try db.prepare(Self.rowAtOrAfterSQL)
        func rowAtOrAfter(_ batch: Int64) throws -> Bool {
            try seek.reset()
            try seek.bind(key + [.integer(batch), .integer(hi)])
            return try seek.step()
        }
        guard try rowAtOrAfter(range.from) else { return true }
        let seekColumns = StatColumns(seek)
        let lo = seek.int64(at: 0)
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        if overflow { return false }
        series.append(row: seek, columns: seekColumns)
        // Targets lo + ceil(i·span/(L-1)), split as i·q + ceil(i·r/(L-1)) so no product overflows.
        let steps = Int64(limit - 1)
        let (q, r) = span.quotientAndRemainder(dividingBy: steps)
        func target(_ i: Int64) -> Int64 { lo + i * q + (i * r + steps - 1) / steps }
        var i: Int64 = 1
        while i <= steps, let previous = series.batch.last, previous < hi {
            if target(i) <= previous {
                // The row just taken covers every target up to it: jump past them rather than step
                // through a huge limit. The estimate is within 1 of the exact index (doubles carry
                // 53 bits); starting 1 below it and stepping up exactly never skips a target.
                let estimate = Int64(Double(previous - lo) * Double(steps) / Double(span))
                i = Swift.max(i + 1, estimate - 1)
                while i < steps, target(i) <= previous { i += 1 }
                continue
            }
            if try rowAtOrAfter(target(i)), seek.int64(at: 0) > previous { series.append(row: seek, columns: seekColumns) }
            i += 1
        }
        return true
    }
}
