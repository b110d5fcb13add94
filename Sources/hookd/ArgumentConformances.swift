import ArgumentParser
import Rendering
import Statistics
import StatsStore

// Option values parsed straight into library types.
extension ReportFormat: ExpressibleByArgument {}
extension HookKind: ExpressibleByArgument {}

extension StatsErrorPolicy: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "fail": self = .failRun
        case "continue": self = .continueWithoutStats
        default: return nil
        }
    }
}
