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
            // Server threads hand runs to the training queue through the main queue, which the
            // main thread drains below (TrainingQueue says why).
            daemon = try HookDaemon(config: daemonConfig, logger: logger, relay: .main)
        } catch {
            FileHandle.standardError.write(Data("hookd serve: \(error)\n".utf8))
            throw ExitCode(1)
        }
        // Watch SIGTERM/SIGINT before starting, so a stop during start-up is orderly too:
        // finish the batch, checkpoint, mark the run interrupted, exit 0.
        let mainLoop = MainRunLoop()
        let signals = SignalWatcher { number in
            logger.info("signal \(number) received")
            daemon.stop()
            mainLoop.stop()
        }
        do {
            try daemon.start()
        } catch {
            FileHandle.standardError.write(Data("hookd serve: \(error)\n".utf8))
            daemon.stop()
            throw ExitCode(1)
        }
        mainLoop.run()
        signals.cancel()
    }
}
