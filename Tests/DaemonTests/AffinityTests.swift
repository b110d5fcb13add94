import Foundation
import HTTPServer
import HookKit
import Testing

@testable import Daemon

/// `training.cpus` and `http.cpus`: the daemon trains on one set of CPUs and serves on another.
@Suite struct AffinityTests {
    /// Each thread of `pid`: its name and the CPUs it may run on (`Cpus_allowed_list`).
    private func threads(of pid: Int32) -> [(name: String, cpus: String)] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.compactMap { tid in
            guard let name = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/comm", encoding: .utf8),
                  let status = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") })
            else { return nil }
            return (name.trimmingCharacters(in: .whitespacesAndNewlines), line.split(separator: "\t").last.map(String.init) ?? "")
        }
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
        (#"{"training": {"cpus": [1023]}}"#, "$.training.cpus[0]", "not available to this process"),
        (#"{"http": {"cpus": []}}"#, "$.http.cpus", "at least one CPU"),
        (#"{"http": {"cpus": [0, 4096]}}"#, "$.http.cpus[1]", "must be in 0...1023"),
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
