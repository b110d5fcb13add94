import ArgumentParser
import Foundation
import Rendering
import StatsStore

/// `hookd alerts --db FILE [--run ID]`: the training-health alerts recorded in a stats file.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "alerts", abstract: "List the health alerts in a stats file, newest first.")

    @Option(help: "The SQLite stats file.")
    var db: String

    // `run` is ParsableCommand's method: the option needs another property name.
    @Option(name: .customLong("run"), help: "Only this run's alerts (default: every run).")
    var runID: Int64?

    @Option(help: "table, csv or json.")
    var format: ReportFormat = .table

    func run() throws {
        do {
            print(try OfflineReport(databasePath: db).alerts(run: runID, format: format), terminator: "")
        } catch {
            throw CLIFailure.exit(for: error, context: "alerts")
        }
    }
}
