import Foundation
import HTTPServer
import HookKit
import Platform
import Testing

@testable import Daemon

/// `training.cpus` and `http.cpus`: the daemon trains on one set of CPUs and serves on another.
@Suite struct AffinityTests {
    /// Each thread of `pid`: its name, the CPUs it may run on (`Cpus_allowed_list`) and its nice.
    private func threads(of pid: Int32) -> [(name: String, cpus: String, nice: Int)] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.compactMap { tid in
            let task = "/proc/\(pid)/task/\(tid)"
            guard let name = try? String(contentsOfFile: "\(task)/comm", encoding: .utf8),
                  let status = try? String(contentsOfFile: "\(task)/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }),
                  let nice = nice(stat: "\(task)/stat")
            else { return nil }
            return (name.trimmingCharacters(in: .whitespacesAndNewlines), line.split(separator: "\t").last.map(String.init) ?? "", nice)
        }
    }

    /// The nice value in a /proc `stat` file: after "pid (comm) ", the 17th field (19th overall).
    private func nice(stat path: String) -> Int? {
        guard let stat = try? String(contentsOfFile: path, encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 16 ? Int(fields[16]) : nil
    }

    @Test func aRunQueuedOverHTTPTrainsAtTheDaemonsPriorityNotTheServers() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        defer { daemon.stop() }
        try expectTrainingAtTheDaemonsNice(daemon)
    }

    /// Without the privilege to raise a thread's priority back (systemd's `DynamicUser=`), only
    /// where runs are submitted from keeps them at the daemon's nice. The Dispatch workers that
    /// start-up left idle time out first (5 s), so the run cannot reuse one started at nice 0.
    @Test(.enabled(if: getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func unprivilegedARunQueuedOverHTTPStillTrainsAtTheDaemonsPriority() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start(user: getuid() == 0 ? 65534 : nil)
        defer { daemon.stop() }
        Thread.sleep(forTimeInterval: 6)
        try expectTrainingAtTheDaemonsNice(daemon)
        #expect(!daemon.log.contains("training thread not at"), "\(daemon.log)")
    }

    /// Queues a run over HTTP and checks the nice of every thread that trains it.
    private func expectTrainingAtTheDaemonsNice(_ daemon: DaemonProcess, sourceLocation: SourceLocation = #_sourceLocation) throws {
        // Server threads run at nice 10 (the default); the run they queue must not inherit it.
        for _ in 0..<5 { _ = try daemon.client.get("/health") }
        let run = try daemon.submit(Specs.synthetic(name: "nice", epochs: 10_000, batches: 16))
        try daemon.waitForRun(run) { ($0["batch"] as? Int ?? 0) > 0 }
        let all = threads(of: daemon.process.processIdentifier)
        // libtorch's OpenMP threads take the name of the thread that starts them: these are all
        // the threads that train.
        let training = all.filter { $0.name == "hookd.training" }
        // The daemon's own nice (its main thread's): 0 here, whatever a CI runner starts it at.
        let pid = daemon.process.processIdentifier
        let ownNice = nice(stat: "/proc/\(pid)/stat")
        #expect(ownNice != nil && ownNice != 10, sourceLocation: sourceLocation)
        #expect(!training.isEmpty && training.allSatisfy { $0.nice == ownNice }, "\(all)", sourceLocation: sourceLocation)
        #expect(all.filter { $0.name.hasPrefix("MHD") }.allSatisfy { $0.nice == 10 }, "\(all)", sourceLocation: sourceLocation)
    }

    @Test func trainingAndServerThreadsRunOnTheirOwnCPUs() throws {
        let allowed = ThreadAffinity.allowedCPUs()
        try #require(!allowed.isEmpty)
        // Two different CPUs where the machine has them (CI and this machine have 2).
        let (training, server) = (allowed[0], allowed[allowed.count - 1])
        let fixture = try DaemonFixture(training: #""cpus": [\#(training)]"#, http: #""cpus": [\#(server)], "threads": 1"#)
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let run = try daemon.submit(Specs.synthetic(name: "pinned", epochs: 10_000, batches: 16))
        try daemon.waitForRun(run) { ($0["batch"] as? Int ?? 0) > 0 }
        for _ in 0..<5 { _ = try daemon.client.get("/runs/\(run)") }

        let all = threads(of: daemon.process.processIdentifier)
        let serverThreads = all.filter { $0.name.hasPrefix("MHD") }
        #expect(!serverThreads.isEmpty, "\(all)")
        #expect(serverThreads.allSatisfy { $0.cpus == "\(server)" }, "\(all)")
        let others = all.filter { !$0.name.hasPrefix("MHD") }
        #expect(others.contains { $0.name == "hookd.training" }, "\(all)")
        #expect(others.allSatisfy { $0.cpus == "\(training)" }, "\(all)")
        #expect(daemon.log.contains("training pinned to CPUs [\(training)] with 1 threads"), "\(daemon.log)")
    }

    @Test func pinnedCPUsSetTheThreadCountUnlessItIsGiven() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let cpu = ThreadAffinity.allowedCPUs()[0]
        let pinned = try DaemonConfig.load(path: try directory.write("a.json", #"{"training": {"cpus": [\#(cpu)]}}"#), environment: [:])
        #expect(pinned.trainingCPUs == [cpu] && pinned.trainingThreads == 1)
        let given = try DaemonConfig.load(path: try directory.write("b.json", #"{"training": {"cpus": [\#(cpu)], "threads": 3}}"#), environment: [:])
        #expect(given.trainingThreads == 3)
        let unpinned = try DaemonConfig.load(path: try directory.write("c.json", #"{"training": {"cpus": null}, "http": {"cpus": null}}"#), environment: [:])
        #expect(unpinned.trainingCPUs == nil && unpinned.http.threadCPUs == nil)
    }

    @Test(arguments: [
        (#"{"training": {"cpus": [8191]}}"#, "$.training.cpus[0]", "not available to this process"),
        (#"{"http": {"cpus": []}}"#, "$.http.cpus", "at least one CPU"),
        (#"{"http": {"cpus": [0, 8192]}}"#, "$.http.cpus[1]", "must be in 0...8191"),
        (#"{"training": {"cpus": [0, 0]}}"#, "$.training.cpus[1]", "listed twice"),
        (#"{"training": {"cpus": "0-1"}}"#, "$.training.cpus", "array of integers"),
    ])
    func badCPUListsNameTheirPath(json: String, path: String, message: String) throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let file = try directory.write("c.json", json)
        let error = try #require(throws: SpecError.self) { try DaemonConfig.load(path: file, environment: [:]) }
        #expect(error.path.hasSuffix(path) && error.message.contains(message), "\(error)")
    }
}
