/// `limit` without `every`: one index seek per returned row instead of a scan of the range.
///
/// The window-function query numbers every row of the range, which costs ~2.5 s per uncached
/// `/stats?limit=100` on a layer with a million batches (a day of a busy run). Rows are keyed by
/// (run, path, kind, batch), so "the first row at or after batch b" is a B-tree seek.
extension StatsReader {
    /// Makes the reader of one statement's rows: given the prepared statement (to find its
    /// columns once), the function that decodes its current row.
    typealias RowDecoder<Row> = (Statement) -> (Statement) -> Row

    /// At most `limit` rows of `range` in `table` for `key` (its key values): every row when
    /// there are no more, else the first, the last, and in between the first row at or after
    /// each of `limit` evenly spaced batches (rounded up, so a series with a row for every batch
    /// gets exactly the rows a by-row spacing would pick). Returns nil for a range whose batch
    /// span does not fit an Int64 (negative batch numbers, which hookd never writes): the by-row
    /// query answers that.
    func sample<Row>(_ table: SampledTable, key: [SQLiteValue], db: Connection, range: (from: Int64, to: Int64), limit: Int,
                     decoder: RowDecoder<Row>) throws -> [Row]? {
        // Reading limit + 1 rows costs no more than answering with limit rows would.
        let limit = Swift.min(limit, Int(Int32.max))
        let all = try db.prepare(table.rangeSQL)
        try all.bind(key + [.integer(range.from), .integer(range.to), .integer(Int64(limit) + 1)])
        var head: [Row] = []
        let decodeHead = decoder(all)
        while try all.step() { head.append(decodeHead(all)) }
        if head.count <= limit { return head }
        let last = try db.prepare(table.lastBatchSQL)
        try last.bind(key + [.integer(range.from), .integer(range.to)])
        guard try last.step() else { return [] }
        let hi = last.int64(at: 0)
        let seek = try db.prepare(table.rowAtOrAfterSQL)
        func rowAtOrAfter(_ batch: Int64) throws -> Bool {
            try seek.reset()
            try seek.bind(key + [.integer(batch), .integer(hi)])
            return try seek.step()
        }
        guard try rowAtOrAfter(range.from) else { return [] }
        let decode = decoder(seek)
        let lo = seek.int64(at: 0)
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        if overflow { return nil }
        var rows = [decode(seek)]
        var previous = lo
        // Targets lo + ceil(i·span/(L-1)), split as i·q + ceil(i·r/(L-1)) so no product overflows.
        let steps = Int64(limit - 1)
        let (q, r) = span.quotientAndRemainder(dividingBy: steps)
        func target(_ i: Int64) -> Int64 { lo + i * q + (i * r + steps - 1) / steps }
        var i: Int64 = 1
        while i <= steps, previous < hi {
            if target(i) <= previous {
                // The row just taken covers every target up to it: jump past them rather than step
                // through a huge limit. The estimate is within 1 of the exact index (doubles carry
                // 53 bits); starting 1 below it and stepping up exactly never skips a target.
                let estimate = Int64(Double(previous - lo) * Double(steps) / Double(span))
                i = Swift.max(i + 1, estimate - 1)
                while i < steps, target(i) <= previous { i += 1 }
                continue
            }
            if try rowAtOrAfter(target(i)), seek.int64(at: 0) > previous {
                rows.append(decode(seek))
                previous = seek.int64(at: 0)
            }
            i += 1
        }
        return rows
    }

    /// `table`'s rows for `key` within `from...to` (inclusive), in batch order: at most `limit`
    /// of them by index seeks (`sample`), or by row without a limit (or when the span overflows).
    func sampledRows<Row>(_ table: SampledTable, key: [SQLiteValue], db: Connection, from: Int64?, to: Int64?,
                          limit: Int?, decoder: RowDecoder<Row>) throws -> [Row] {
        let range = (from: from ?? .min, to: to ?? .max)
        if let limit, let sampled = try sample(table, key: key, db: db, range: range, limit: limit, decoder: decoder) {
            return sampled
        }
        let statement = try db.prepare(table.byRowSQL)
        try statement.bind(key + [.integer(range.from), .integer(range.to), .integer(1), limit.map { .integer(Int64($0)) } ?? .null])
        return try all(statement, decoder: decoder)
    }
}
