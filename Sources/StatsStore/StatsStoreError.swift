/// What went wrong in the stats store, typed so HTTP can answer 404 and the CLI can exit 1.
public enum StatsStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist (readers never create it).
    case fileNotFound(path: String)
    /// The file exists but is not an SQLite database.
    case notADatabase(path: String)
    /// The file is an SQLite database, but not one hookd wrote.
    case notAStatsFile(path: String)
    /// The file was written by a newer hookd: its schema version is above the newest known.
    case schemaTooNew(path: String, found: Int, supported: Int)
    /// A read-only open found an older schema; a writer open migrates it.
    case schemaTooOld(path: String, found: Int, supported: Int)
    /// No run has this id.
    case runNotFound(Int64)
    /// The run has not ended (queued, running or interrupted), so it may not be deleted.
    case runNotEnded(Int64, status: RunStatus)
    /// Only a failed or cancelled run can be queued again to resume.
    case runNotResumable(Int64, status: RunStatus)
    /// The file holds no runs, so there is no "latest run".
    case noRuns
    /// The run has no module or statistics at this path.
    case layerNotFound(run: Int64, layer: String)
    /// An argument is out of range (for example `every: 0` or `limit: 1`).
    case invalidArgument(String)
    /// The writer was closed; nothing more can be written through it.
    case writerClosed
    /// SQLite failed (disk full, I/O error, …).
    case sqlite(SQLiteError)

    /// True for the cases an HTTP layer answers with 404.
    public var isNotFound: Bool {
        switch self {
        case .runNotFound, .noRuns, .layerNotFound: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "stats file not found: \(path)"
        case .notADatabase(let path):
            return "not an SQLite database: \(path)"
        case .notAStatsFile(let path):
            return "not a hookd stats file (SQLite, but no hookd schema): \(path)"
        case .schemaTooNew(let path, let found, let supported):
            return "\(path) has schema version \(found), newer than this hookd knows (\(supported)); upgrade hookd"
        case .schemaTooOld(let path, let found, let supported):
            return "\(path) has schema version \(found), older than \(supported); open it once with `hookd train` or `hookd serve` to migrate"
        case .runNotFound(let id):
            return "no run with id \(id)"
        case .runNotEnded(let id, let status):
            return "run \(id) is \(status), not ended; cancel it first (deleting it would lose its resume)"
        case .runNotResumable(let id, let status):
            return "run \(id) is \(status); only a failed or cancelled run resumes"
        case .noRuns:
            return "the stats file holds no runs"
        case .layerNotFound(let run, let layer):
            return "run \(run) has no layer '\(layer)'"
        case .invalidArgument(let what):
            return "invalid argument: \(what)"
        case .writerClosed:
            return "the stats writer is closed"
        case .sqlite(let error):
            return error.description
        }
    }
}
