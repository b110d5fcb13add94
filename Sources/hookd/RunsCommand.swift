import ArgumentParser
import Foundation
import Rendering
import StatsStore

/// `hookd runs --db FILE`: the runs recorded in a stats file.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List the runs in a stats file.")

    @Option(help: "The SQLite stats file.")
    var db: String

    @Option(help: "table, csv or json.")
    var format: ReportFormat = .table

    func run() throws {
        do {
            print(try OfflineReport(databasePath: db).runs(format: format), terminator: "")
        } catch {
            throw CLIFailure.exit(for: error, context: "runs")
        }
    }
}
