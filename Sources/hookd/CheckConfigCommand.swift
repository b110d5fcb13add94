import ArgumentParser
import Daemon
import Foundation

/// `hookd check-config [--config FILE]`: validate and print the effective configuration.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the daemon's config (file plus HOOKD_* variables) and print the effective one, token redacted."
    )

    /// Where `serve` looks without `--config`.
    static let defaultPath = "/etc/hookd/hookd.json"

    @Option(help: "Config file (JSON). Default: \(CheckConfigCommand.defaultPath) if it exists, else built-in defaults.")
    var config: String?

    static func defaultPathIfPresent() -> String? {
        FileManager.default.fileExists(atPath: defaultPath) ? defaultPath : nil
    }

    func run() throws {
        do {
            let effective = try DaemonConfig.load(path: config ?? Self.defaultPathIfPresent())
            print(effective.effectiveJSON.prettyText)
        } catch {
            throw CLIFailure.exit(forConfig: error, context: "check-config")
        }
    }
}
