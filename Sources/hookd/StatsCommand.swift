import ArgumentParser
import Foundation
import Rendering
import Statistics
import StatsStore

/// `hookd stats --db FILE [--run ID] [--layer PATH [--from B] [--to B] [--every N] [--limit N]] [--kind …] [--format …]`:
/// offline statistics, with the range and sampling `/stats/{layer}` takes.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print recorded activation statistics from a stats file (no daemon needed)."
    )

    @Option(help: "The SQLite stats file.")
    var db: String

    @Option(name: .customLong("run"), help: "Run id (default: the latest run).")
    var runID: Int64?

    @Option(help: "Module path, e.g. 0.0 or body.layer1.0.conv1 (default: every layer's latest batch).")
    var layer: String?

    @Option(help: "forward or backward.")
    var kind: HookKind?

    @Option(help: "With --layer: a data-parallel rank, or all (default: the file's own rank of the run, 0 in rank 0's file).")
    var rank: RankSelection?

    @Option(help: "With --layer: the first batch (inclusive).")
    var from: Int64?

    @Option(help: "With --layer: the last batch (inclusive).")
    var to: Int64?

    @Option(help: "With --layer: every N-th recorded batch.")
    var every: Int = 1

    @Option(help: "With --layer: at most N rows, evenly spaced, first and last kept (a long run's overview).")
    var limit: Int?

    @Option(help: "table, csv or json.")
    var format: ReportFormat = .table

    func validate() throws {
        if layer == nil, from != nil || to != nil || every != 1 || limit != nil {
            throw ValidationError("--from, --to, --every and --limit need --layer")
        }
        guard every >= 1 else { throw ValidationError("--every must be at least 1, not \(every)") }
        if let limit, limit < 2 { throw ValidationError("--limit must be at least 2 (the first and last batch), not \(limit)") }
    }

    func run() throws {
        do {
            let report = try OfflineReport(databasePath: db)
            print(try report.stats(run: runID, layer: layer, kind: kind, ranks: rank ?? .own, from: from, to: to, every: every, limit: limit, format: format),
                  terminator: "")
        } catch {
            throw CLIFailure.exit(for: error, context: "stats")
        }
    }
}
