import ArgumentParser
import Daemon
import Dispatch
import Foundation
import Logging
import Platform

/// `hookd serve [--config FILE]`: the daemon in the foreground (what systemd runs).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: train queued runs and serve their statistics over HTTP."
    )

    @Option(help: "Config file (JSON). Default: /etc/hookd/hookd.json if it exists, else built-in defaults.")
    var config: String?

    func run() throws {
        let logger = Logger(label: "hookd") { StderrLogHandler(label: $0) }
        let daemonConfig: DaemonConfig
        do {
            daemonConfig = try DaemonConfig.load(path: config ?? CheckConfigCommand.defaultPathIfPresent())
        } catch {
            throw CLIFailure.exit(forConfig: error, context: "serve")
        }
        let daemon: HookDaemon
        do {
            daemon = try HookDaemon(config: daemonConfig, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("hookd serve: \(error)\n".utf8))
            throw ExitCode(1)
        }
        // Watch SIGTERM/SIGINT before starting, so a stop during start-up is orderly too:
        // finish the batch, checkpoint, mark the run interrupted, exit 0.
        let stopped = DispatchSemaphore(value: 0)
        let signals = SignalWatcher { number in
            logger.info("signal \(number) received")
            daemon.stop()
            stopped.signal()
        }
        do {
            try daemon.start()
        } catch {
            FileHandle.standardError.write(Data("hookd serve: \(error)\n".utf8))
            daemon.stop()
            throw ExitCode(1)
        }
        stopped.wait()
        signals.cancel()
    }
}
