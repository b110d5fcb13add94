import ArgumentParser
import Foundation
import HookKit
import StatsStore

/// `hookd export (--db FILE --run ID | --checkpoint FILE) -o model.pt`: a run's model as a
/// PyTorch state_dict file.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a run's model weights as a PyTorch state_dict file (torch.load reads it).",
        discussion: """
            The weights are those of the run's last checkpoint (the daemon checkpoints every run). In \
            Python: model.load_state_dict(torch.load("model.pt")) on the equivalent model.
            """
    )

    @Option(help: "The SQLite stats file that records the run.")
    var db: String?

    @Option(name: .customLong("run"), help: "The run id (with --db).")
    var runID: Int64?

    @Option(help: "A hookd checkpoint file, instead of --db and --run.")
    var checkpoint: String?

    @Option(name: .shortAndLong, help: "The state_dict file to write.")
    var output: String

    func validate() throws {
        guard (checkpoint == nil) != (db == nil && runID == nil) else {
            throw ValidationError("give either --db FILE --run ID or --checkpoint FILE")
        }
        if checkpoint == nil, db == nil || runID == nil { throw ValidationError("--db and --run go together") }
    }

    func run() throws {
        do {
            let source = try checkpoint ?? checkpointOfRun()
            let data = try TrainingJob.exportWeights(fromCheckpoint: URL(fileURLWithPath: source))
            try data.write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CLIFailure.exit(for: error, context: "export")
        }
    }

    private func checkpointOfRun() throws -> String {
        guard let db, let run = runID else { throw ValidationError("--db and --run go together") }
        guard FileManager.default.fileExists(atPath: db) else { throw StatsStoreError.fileNotFound(path: db) }
        guard let path = try StatsReader(path: db).run(run).checkpointPath else {
            throw ValidationError("run \(run) has no checkpoint (the daemon checkpoints its runs; hookd train does not)")
        }
        return path
    }
}
