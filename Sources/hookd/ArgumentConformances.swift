import ArgumentParser
import Rendering
import Statistics
import StatsStore

// Option values parsed straight into library types.
extension ReportFormat: ExpressibleByArgument {}
extension HookKind: ExpressibleByArgument {}

extension RankSelection: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

extension StatsErrorPolicy: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "fail": self = .failRun
        case "continue": self = .continueWithoutStats
        default: return nil
        }
    }
}

extension PlotStat: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public var defaultValueDescription: String { name }
    // Listed in --help and in the error for an unknown name.
    public static var allValueStrings: [String] { allCases.map(\.name) }
}
