/// One step of the schema: the SQL that takes a file from `version - 1` to `version`.
struct Migration: Sendable {
    /// The `PRAGMA user_version` after this step.
    let version: Int
    /// Why the step exists, for logs and reviewers.
    let summary: String
    /// Statements run inside the migration's transaction.
    let sql: String
}
