/// A per-batch table that `StatsReader` samples for `from`/`to`/`every`/`limit`: the queries,
/// built once from its name, the column holding the layer path, and the columns read after
/// `batch` (always column 0).
///
/// Both tables are keyed by (run, path, kind, batch), so every query here is an index range.
struct SampledTable: Sendable {
    /// The first row at or after ?4 up to ?5. Parameters of all: ?1 run, ?2 path, ?3 kind.
    let rowAtOrAfterSQL: String
    /// At most ?6 rows of ?4...?5, in batch order.
    let rangeSQL: String
    /// The last batch of ?4...?5.
    let lastBatchSQL: String
    /// Every ?6-th row of ?4...?5, then at most ?7 of those evenly spaced by row (NULL for all).
    let byRowSQL: String

    static let stats = SampledTable(table: "activation_stats", pathColumn: "path", columns: StatColumns.list)
    static let histograms = SampledTable(table: "histograms", pathColumn: "module", columns: "epoch, lo, hi, counts")

    init(table: String, pathColumn: String, columns: String) {
        let key = "run_id = ?1 AND \(pathColumn) = ?2 AND kind = ?3 AND batch >= ?4 AND batch <= ?5"
        rowAtOrAfterSQL = "SELECT batch, \(columns) FROM \(table) WHERE \(key) ORDER BY batch LIMIT 1"
        rangeSQL = "SELECT batch, \(columns) FROM \(table) WHERE \(key) ORDER BY batch LIMIT ?6"
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
                FROM f WHERE rn % ?6 = 0
            )
            SELECT batch, \(columns) FROM s
            WHERE ?7 IS NULL OR n <= ?7 OR rn2 = 0
               OR (rn2 * (?7 - 1)) / (n - 1) <> ((rn2 - 1) * (?7 - 1)) / (n - 1)
            ORDER BY batch
            """
    }
}
