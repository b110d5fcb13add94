import ArgumentParser
import Foundation
import HookKit
import Torch

/// `hookd train SPEC.json [--db FILE]`: one run in the foreground.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one run spec in the foreground, recording activation statistics."
    )

    @Argument(help: "The run spec (JSON, see SPEC.md §4).")
    var spec: String

    @Option(help: "SQLite stats file to record into (created if missing).")
    var db: String?

    @Option(help: "Intra-op threads (default: the spec's, else online cores).")
    var threads: Int?

    @Flag(help: "Print the epoch metrics as JSON lines on stdout.")
    var json = false

    func run() throws {
        do {
            let runSpec = try RunSpec.load(path: spec)
            let job = try TrainingJob(spec: runSpec, defaultThreads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
            job.learner.callbacks.append(ProgressReporter())
            let metrics = try job.train()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                for m in metrics { print(String(decoding: try encoder.encode(m), as: UTF8.self)) }
            }
        } catch {
            throw CLIFailure.exit(for: error, context: "train")
        }
    }
}
