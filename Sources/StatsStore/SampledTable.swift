/// A per-batch table that `StatsReader` samples for `from`/`to`/`every`/`limit`: the queries,
/// built once from its name, the condition selecting one series (its key), and the columns read
/// after `batch` (always column 0).
///
/// Every table here is keyed by (key columns, rank, batch), so every query is an index range.
/// Parameters: the key's ?1…?k, then from and to, then the limit or `every` and limit.
struct SampledTable: Sendable {
    /// The first row at or after `from` up to `to`.
    let rowAtOrAfterSQL: String
    /// At most `limit` rows of `from...to`, in batch order.
    let rangeSQL: String
    /// The last batch of `from...to`.
    let lastBatchSQL: String
    /// Every `every`-th row of `from...to`, then at most `limit` of those evenly spaced by row (NULL for all).
    let byRowSQL: String

    static let stats = SampledTable(table: "activation_stats", key: "run_id = ?1 AND path = ?2 AND kind = ?3 AND rank = ?4",
                                    keyCount: 4, columns: StatColumns.list)
    static let histograms = SampledTable(table: "histograms", key: "run_id = ?1 AND module = ?2 AND kind = ?3 AND rank = ?4",
                                         keyCount: 4, columns: "epoch, lo, hi, counts")
    /// One rank's loss and learning rate per batch (the dashboard's loss and lr charts).
    static let batchMetrics = SampledTable(table: "batch_metrics", key: "run_id = ?1 AND rank = ?2", keyCount: 2,
                                           columns: "epoch, loss, lr")

    init(table: String, key seriesKey: String, keyCount: Int, columns: String) {
        let p = { (offset: Int) in "?\(keyCount + offset)" }
        let key = "\(seriesKey) AND batch >= \(p(1)) AND batch <= \(p(2))"
        rowAtOrAfterSQL = "SELECT batch, \(columns) FROM \(table) WHERE \(key) ORDER BY batch LIMIT 1"
        rangeSQL = "SELECT batch, \(columns) FROM \(table) WHERE \(key) ORDER BY batch LIMIT \(p(3))"
        lastBatchSQL = "SELECT batch FROM \(table) WHERE \(key) ORDER BY batch DESC LIMIT 1"
        // By row, in SQL, so a long run never crosses into Swift whole:
        // 1. `f` numbers the rows in [from, to] by batch (rn = 0, 1, …);
        // 2. `s` keeps every `every`-th of them and renumbers (rn2) with the total n;
        // 3. with a limit L < n, row rn2 is kept when floor(rn2·(L-1)/(n-1)) differs from the
        //    previous row's: that keeps exactly L rows at ceil(i·(n-1)/(L-1)), i = 0…L-1 — evenly
        //    spaced, always the first (i = 0) and the last (i = L-1, the only row in its bucket).
        byRowSQL = """
            WITH f AS (
                SELECT batch, \(columns),
                       row_number() OVER (ORDER BY batch) - 1 AS rn
                FROM \(table) WHERE \(key)
            ), s AS (
                SELECT *, row_number() OVER (ORDER BY batch) - 1 AS rn2, count(*) OVER () AS n
                FROM f WHERE rn % \(p(3)) = 0
            )
            SELECT batch, \(columns) FROM s
            WHERE \(p(4)) IS NULL OR n <= \(p(4)) OR rn2 = 0
               OR (rn2 * (\(p(4)) - 1)) / (n - 1) <> ((rn2 - 1) * (\(p(4)) - 1)) / (n - 1)
            ORDER BY batch
            """
    }
}
