/// The reads of a per-batch table (one run's batch metrics, one layer's histograms) in a batch
/// range, downsampled to at most `limit` rows by index seeks: a dashboard's `limit=1000` costs
/// about the same on a run of a million batches as on a short one (a by-row window query scans
/// the whole range: ~3 s for a million batch metrics).
///
/// The rows picked are `stats(…)`'s with `every` 1: every row when the range holds no more than
/// `limit`, else the first row at or after each of `limit` evenly spaced batches
/// `lo + ceil(i·(hi-lo)/(limit-1))`, duplicates once, so the first and the last are always kept
/// and a table with a row for every batch gets exactly the rows a by-row spacing would pick.
struct SeekSampledQuery: Sendable {
    /// The range in batch order, at most ?L rows (-1: all). Use `limit + 1` to learn whether there are more.
    let rangeSQL: String
    /// The sampled rows: one seek for each of ?L targets.
    let sampledSQL: String

    /// - Parameters:
    ///   - key: the condition selecting the series, on parameters ?1…?`keyCount`; the table's
    ///     primary key must be the key's columns then `batch`.
    ///   - columns: the columns read after `batch` (always column 0).
    init(table: String, key: String, keyCount: Int, columns: String) {
        let (from, to, limit) = ("?\(keyCount + 1)", "?\(keyCount + 2)", "?\(keyCount + 3)")
        let range = "\(key) AND batch >= \(from) AND batch <= \(to)"
        rangeSQL = "SELECT batch, \(columns) FROM \(table) WHERE \(range) ORDER BY batch LIMIT \(limit)"
        // min() and max() over a primary-key range are single seeks in SQLite, and so is each
        // target's "first batch at or after"; the picked rows are then read by key. The CTE's
        // names are no table's columns (histograms have `lo` and `hi`).
        sampledSQL = """
            WITH RECURSIVE
                bounds AS (SELECT (SELECT min(batch) FROM \(table) WHERE \(range)) AS first_batch,
                                  (SELECT max(batch) FROM \(table) WHERE \(range)) AS last_batch),
                steps(step) AS (SELECT 0 UNION ALL SELECT step + 1 FROM steps WHERE step + 1 < \(limit)),
                picked AS (
                    SELECT DISTINCT (SELECT min(batch) FROM \(table)
                                     WHERE \(key) AND batch >= first_batch + (step * (last_batch - first_batch) + \(limit) - 2) / (\(limit) - 1)
                                       AND batch <= last_batch) AS batch
                    FROM steps, bounds
                )
            SELECT batch, \(columns) FROM \(table)
            WHERE \(key) AND batch IN (SELECT batch FROM picked) ORDER BY batch
            """
    }
}
