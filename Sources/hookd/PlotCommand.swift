import ArgumentParser
import Foundation
import Rendering
import Statistics
import StatsStore

/// `hookd plot --db FILE [--run ID] --layer PATH [--kind …] [--stat NAME] [--from B] [--to B] [--limit N] [-o FILE.svg]`:
/// one layer's statistic, or its colorful dimension, as a self-contained SVG (for curl and SSH users).
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot one layer's recorded statistic, or its colorful dimension, as SVG (no daemon needed)."
    )

    @Option(help: "The SQLite stats file.")
    var db: String

    @Option(name: .customLong("run"), help: "Run id (default: the latest run).")
    var runID: Int64?

    @Option(help: "Module path, e.g. 0.0 or body.layer1.0.conv1.")
    var layer: String

    @Option(help: "forward or backward.")
    var kind: HookKind = .forward

    @Option(help: "What to plot: a statistic or color_dim.")
    var stat: PlotStat = .statistic(.mean)

    @Option(help: "A data-parallel rank (default: the file's own rank of the run, 0 in rank 0's file).")
    var rank: Int64?

    @Option(help: "The first batch (inclusive).")
    var from: Int64?

    @Option(help: "The last batch (inclusive).")
    var to: Int64?

    @Option(help: "At most N batches, evenly spaced, first and last kept (a long run's overview).")
    var limit: Int?

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the SVG to this file (default: stdout).")
    var output: String?

    func validate() throws {
        if let limit, limit < 2 { throw ValidationError("--limit must be at least 2 (the first and last batch), not \(limit)") }
    }

    func run() throws {
        do {
            let reader = try StatsReader(path: db)
            guard let run = try runID ?? reader.latestRunID() else { throw StatsStoreError.noRuns }
            let svg = try LayerPlot.svg(reader: reader, run: run, layer: layer, kind: kind, rank: rank, stat: stat,
                                        from: from, to: to, limit: limit)
            if let output {
                try Data(svg.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } else {
                print(svg, terminator: "")
            }
        } catch let error as StatsStoreError where error.isNotFound && error != .noRuns {
            // An unknown --run or --layer is a mistake in the command line, not in the file.
            throw CLIFailure.exit(for: ValidationError(error.description), context: "plot")
        } catch {
            throw CLIFailure.exit(for: error, context: "plot")
        }
    }
}
