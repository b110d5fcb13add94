import Foundation
import HTTPServer
import Logging
import Platform

/// The whole daemon: core, HTTP server, systemd notifications and watchdog, in start/stop order.
public final class HookDaemon: Sendable {
    /// Runs, stats file and live state.
    public let core: DaemonCore
    /// The microhttpd front end over `DaemonAPI.router`.
    public let server: HTTPServer
    private let notifier: SystemdNotifier
    private let environment: [String: String]
    private let watchdog = WatchdogHolder()

    /// Opens the stats file and builds the router; nothing listens yet.
    ///
    /// - Parameter relay: how server threads hand runs to the training queue (see `DaemonCore`).
    public init(config: DaemonConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger = Logger(label: "hookd"), relay: DispatchQueue? = nil) throws {
        core = try DaemonCore(config: config, logger: logger, relay: relay)
        server = HTTPServer(config: config.http, router: DaemonAPI.router(core: core))
        notifier = SystemdNotifier(environment: environment)
        self.environment = environment
    }

    /// Pins the process to `training.cpus` (when set), listens, resumes interrupted runs and
    /// queues start-up runs, then tells systemd `READY=1`.
    public func start() throws {
        if let cpus = core.config.trainingCPUs {
            // Before the server starts, so its threads and every later thread inherit the mask;
            // server threads then move to `http.cpus` on their first request.
            try ThreadAffinity.pinProcess(to: cpus)
            let server = core.config.http.threadCPUs.map { "\($0)" } ?? "the same CPUs"
            core.logger.info("training pinned to CPUs \(cpus) with \(core.config.trainingThreads) threads; server threads on \(server)")
        }
        try server.start()
        let stacks = server.address?.isDualStack == true ? " (IPv4 and IPv6)" : ""
        core.logger.info("listening on \(server.url ?? "?")\(stacks), stats in \(core.config.effectiveDatabasePath)")
        if let allowed = server.connectionLimit, allowed < core.config.http.connectionLimit {
            core.logger.warning("http.connection_limit \(core.config.http.connectionLimit) lowered to \(allowed): the open-file limit is too low (systemd: LimitNOFILE=)")
        }
        try core.recover()
        notifier.notify("READY=1\nSTATUS=listening on port \(server.port ?? 0)")
        watchdog.set(Watchdog(environment: environment, notifier: notifier, live: core.live, pid: getpid()))
    }

    /// SIGTERM's path: `STOPPING=1`, stop the run at a batch boundary with a checkpoint, close the
    /// stats file, then stop serving (reads keep working until the training has stopped).
    public func stop() {
        notifier.notify("STOPPING=1")
        core.logger.info("shutting down: stopping training at the next batch boundary")
        core.shutdown()
        watchdog.set(nil)
        // Event clients get the run's last events (its `interrupted`), then their streams end.
        core.events.close()
        server.stop()
        core.logger.info("stopped")
    }
}
