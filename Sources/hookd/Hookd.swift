import ArgumentParser
import Platform

/// hookd: train neural networks on libtorch and watch their activations.
@main
struct Hookd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hookd",
        abstract: "Train neural networks on libtorch and record what happens inside them.",
        subcommands: [ServeCommand.self, CheckConfigCommand.self, TrainCommand.self, SummaryCommand.self, StatsCommand.self, PlotCommand.self, RunsCommand.self, AlertsCommand.self, PruneCommand.self, ExportCommand.self]
    )

    static func main() {
        HeapReuse.keepLargeBlocks()
        main(nil)
    }
}
