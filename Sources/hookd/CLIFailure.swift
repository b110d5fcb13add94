import ArgumentParser
import Datasets
import Foundation
import HookKit
import Torch

/// Maps an error to SPEC §3's exit codes and prints what was wrong on stderr.
///
/// 64 for a bad spec or usage, 1 for a runtime failure (missing data, libtorch errors…).
enum CLIFailure {
    static func exit(for error: Error, context: String) -> ExitCode {
        let (message, code): (String, Int32) = switch error {
        case let e as SpecError: ("invalid spec: \(e)", 64)
        case let e as ValidationError: ("\(e)", 64)
        case let e as DatasetError: ("data error: \(e)", 1)
        case let e as LayerError: ("model error: \(e)", 1)
        case let e as TorchError: ("libtorch error: \(e)", 1)
        default: ("\(error)", 1)
        }
        FileHandle.standardError.write(Data("hookd \(context): \(message)\n".utf8))
        return ExitCode(code)
    }

    /// `exit(for:context:)` for commands that read the daemon's config: a `SpecError` there is a
    /// bad config file or `HOOKD_*` variable, said as such, still a usage error (64).
    static func exit(forConfig error: Error, context: String) -> ExitCode {
        guard let error = error as? SpecError else { return exit(for: error, context: context) }
        FileHandle.standardError.write(Data("hookd \(context): invalid config: \(error)\n".utf8))
        return ExitCode(64)
    }
}
