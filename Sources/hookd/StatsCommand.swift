import ArgumentParser
import Foundation
import StatsStore

/// `hookd stats --db FILE [--run ID] [--layer PATH] [--kind …] [--format …]`: offline statistics.
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
    var kind: ActivationKind?

    @Option(help: "table, csv or json.")
    var format: ReportFormat = .table

    func run() throws {
        do {
            print(try OfflineReport(databasePath: db).stats(run: runID, layer: layer, kind: kind, format: format), terminator: "")
        } catch {
            throw CLIFailure.exit(for: error, context: "stats")
        }
    }
}
