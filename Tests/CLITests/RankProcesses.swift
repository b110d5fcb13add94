import Foundation

/// The ranks of one data-parallel run: real `hookd train` processes started together, each
/// logging stderr to its own file, waited for with a bound, and all killed when the bound passes
/// or once one of them has failed (so a test never leaves a rank waiting for its peers).
final class RankProcesses {
    let processes: [Process]
    let logs: [String]

    /// Starts `arguments.count` processes; `arguments[rank]` are rank `rank`'s, run through
    /// `launcher(rank)` (e.g. `TwoHosts.launcher(for:)`) when it gives one.
    init(_ arguments: [[String]], logs directory: Scratch, shellPrefix: (Int) -> String? = { _ in nil },
         launcher: (Int) -> [String] = { _ in [] }) throws {
        logs = arguments.indices.map { directory.path("rank\($0).log") }
        var started: [Process] = []
        do {
            for (rank, args) in arguments.enumerated() {
                started.append(try HookdProcess.start(args, log: logs[rank], shellPrefix: shellPrefix(rank), launcher: launcher(rank)))
            }
        } catch {
            started.forEach { kill($0.processIdentifier, SIGKILL) }
            throw error
        }
        processes = started
    }

    deinit { killAll() }

    /// Waits until every rank has exited, at most `timeout` seconds; a failed rank ends the wait
    /// for the others after `grace` seconds. Returns each rank's exit status (nil: killed here).
    func wait(timeout: TimeInterval, grace: TimeInterval = 30) -> [Int32?] {
        var deadline = Date().addingTimeInterval(timeout)
        var killed = Set<Int>()
        var graceStarted = false
        while processes.contains(where: \.isRunning) {
            if !graceStarted, processes.contains(where: { !$0.isRunning && $0.terminationStatus != 0 }) {
                graceStarted = true
                deadline = min(deadline, Date().addingTimeInterval(grace))
            }
            if Date() >= deadline {
                for (rank, process) in processes.enumerated() where process.isRunning {
                    killed.insert(rank)
                    kill(process.processIdentifier, SIGKILL)
                }
            }
            usleep(20_000)
        }
        processes.forEach { $0.waitUntilExit() }
        return processes.indices.map { killed.contains($0) ? nil : processes[$0].terminationStatus }
    }

    /// What rank `rank` wrote on stderr so far.
    func log(_ rank: Int) -> String { (try? String(contentsOfFile: logs[rank], encoding: .utf8)) ?? "" }

    func killAll() {
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
