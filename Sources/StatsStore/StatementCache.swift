/// Prepared statements kept for reuse on one connection, keyed by their SQL.
///
/// Not Sendable: it lives on the writer's queue with the connection it prepares on.
final class StatementCache {
    private let connection: Connection
    private var statements: [String: Statement] = [:]

    init(connection: Connection) {
        self.connection = connection
    }

    /// The statement for `sql`, reset and with `values` bound, ready to step.
    func statement(_ sql: String, _ values: [SQLiteValue]) throws -> Statement {
        let statement: Statement
        if let cached = statements[sql] {
            try cached.reset()
            statement = cached
        } else {
            statement = try connection.prepare(sql)
            statements[sql] = statement
        }
        try statement.bind(values)
        return statement
    }

    /// Runs `sql` once with `values` (an INSERT or UPDATE).
    func run(_ sql: String, _ values: [SQLiteValue]) throws {
        let statement = try statement(sql, values)
        try statement.step()
        // Reset now so the statement holds no read snapshot while it waits in the cache.
        try statement.reset()
    }

    /// Finalizes every statement, so the connection can close.
    func removeAll() {
        statements.removeAll()
    }
}
