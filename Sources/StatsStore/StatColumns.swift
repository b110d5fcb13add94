import Statistics

/// Where each statistic of `activation_stats` sits in a statement, by column name.
///
/// Every statement that writes or reads statistics is built from `Statistic.allCases`, and rows
/// are decoded by name, never by position: a new statistic is one case and one migration.
struct StatColumns {
    /// The statistics' column names, for a SELECT or INSERT list: `mean, std, near_zero, …`.
    static let list = Statistic.allCases.map(\.name).joined(separator: ", ")

    /// `mean = coalesce(excluded.mean, mean), …`: an upsert's SET that keeps values the new row lacks.
    static let mergeList = Statistic.allCases.map { "\($0.name) = coalesce(excluded.\($0.name), \($0.name))" }
        .joined(separator: ", ")

    /// `?first, ?first+1, …`: one parameter per statistic, for an INSERT's VALUES.
    static func parameters(from first: Int) -> String {
        Statistic.allCases.indices.map { "?\(first + $0)" }.joined(separator: ", ")
    }

    /// The values of `values` as bound parameters, NULL for those not computed.
    static func bindings(_ values: StatValues) -> [SQLiteValue] {
        Statistic.allCases.map { values.value($0).map(SQLiteValue.real) ?? .null }
    }

    private let batch: Int32?
    private let indices: [(Statistic, Int32)]

    /// Finds the columns of `statement` (prepared, not yet stepped).
    init(_ statement: Statement) {
        batch = statement.columnIndex(named: "batch")
        indices = Statistic.allCases.compactMap { s in statement.columnIndex(named: s.name).map { (s, $0) } }
    }

    /// The `batch` column of the current row.
    func batch(_ row: Statement) -> Int64 { batch.map(row.int64(at:)) ?? 0 }

    /// The statistics of the current row; NULL columns stay not computed.
    func values(_ row: Statement) -> StatValues {
        var values = StatValues()
        for (statistic, index) in indices where !row.isNull(at: index) { values[statistic] = row.double(at: index) }
        return values
    }
}
