import ArgumentParser
import Daemon
import Foundation
import StatsStore

/// `hookd prune`: deletes ended runs and everything recorded for them.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete ended runs (finished, failed, cancelled) and everything recorded for them.",
        discussion: """
            Name runs with --run, or keep the newest N ended runs with --keep N. With --config the stats \
            file and state directory come from the daemon's config, and each run's directory (checkpoint, \
            summary) goes too; with --db only the rows go. Runs that may still train (queued, running, \
            interrupted) are never deleted. Safe while the daemon runs. Freed pages are reused by new rows; \
            `sqlite3 FILE 'VACUUM'` with the daemon stopped gives them back to the disk.
            """
    )

    @Option(help: "The SQLite stats file (rows only).")
    var db: String?

    @Option(help: "The daemon's config file: its stats file, and its state directory's run directories.")
    var config: String?

    @Option(name: .customLong("run"), help: "A run id to delete; repeat for more.")
    var runs: [Int64] = []

    @Option(help: "Keep the newest N ended runs and delete the older ones.")
    var keep: Int?

    @Flag(help: "Print what would be deleted and delete nothing.")
    var dryRun = false

    func validate() throws {
        guard (db == nil) != (config == nil) else { throw ValidationError("give exactly one of --db and --config") }
        guard runs.isEmpty != (keep == nil) else { throw ValidationError("give either --run IDs or --keep N") }
        if let keep, keep < 1 { throw ValidationError("--keep must be at least 1; to delete every ended run, name them with --run") }
    }

    func run() throws {
        do {
            var path = db ?? ""
            var runsDirectory: URL?
            if let config {
                let loaded = try DaemonConfig.load(path: config)
                path = loaded.effectiveDatabasePath
                runsDirectory = DaemonCore.runsDirectory(loaded)
            }
            // Pruning must never create a stats file where there was none.
            guard FileManager.default.fileExists(atPath: path) else { throw StatsStoreError.fileNotFound(path: path) }
            // A dry run only reads: opening a writer would migrate the file.
            let writer = dryRun ? nil : try StatsWriter(path: path)
            defer { try? writer?.close() }
            let records = try StatsReader(path: path).runs()
            let ids = keep.map { RetentionPlan.runsToDelete(keeping: $0, of: records) } ?? runs
            var seen = Set<Int64>()
            let chosen = try ids.filter { seen.insert($0).inserted }.map { id in
                guard let record = records.first(where: { $0.id == id }) else { throw StatsStoreError.runNotFound(id) }
                guard record.status.hasEnded else { throw StatsStoreError.runNotEnded(id, status: record.status) }
                return record
            }
            if let writer { try RunRetention.delete(chosen.map(\.id), writer: writer, runsDirectory: runsDirectory) }
            let verb = dryRun ? "would delete" : "deleted"
            for record in chosen { print("\(verb) run \(record.id) (\(record.name), \(record.status))") }
            if chosen.isEmpty { print("nothing to delete") }
        } catch {
            throw CLIFailure.exit(forConfig: error, context: "prune")
        }
    }
}
