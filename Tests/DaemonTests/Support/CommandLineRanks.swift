import Foundation
import StatsStore
#if canImport(Glibc)
import Glibc
#endif

/// A data-parallel run of real `hookd train` processes, one per rank, each recording into its
/// own stats file: the reference a daemon's data-parallel run is compared with.
enum CommandLineRanks {
    /// Trains `specs[rank]` as rank `rank` (the spec names it), all ranks at once, and returns
    /// each rank's per-step training losses in step order.
    static func losses(_ specs: [String], in directory: TempDirectory, timeout: TimeInterval = 120) throws -> [[Double]] {
        try train(specs, databases: specs.indices.map { directory.path("cli-rank\($0).sqlite") }, in: directory, timeout: timeout)
        return try specs.indices.map { try losses(database: directory.path("cli-rank\($0).sqlite"), run: 1) }
    }

    /// Trains `specs[rank]` as rank `rank`, all ranks at once, each recording into
    /// `databases[rank]` (nil: no `--db`); throws unless every rank finishes in `timeout`.
    static func train(_ specs: [String], databases: [String?], in directory: TempDirectory, timeout: TimeInterval = 120) throws {
        let binary = try DaemonProcess.binary()
        let processes = try specs.enumerated().map { rank, spec in
            let process = Process()
            process.executableURL = binary
            process.arguments = ["train", try directory.write("cli-rank\(rank).json", spec)] + (databases[rank].map { ["--db", $0] } ?? [])
            let log = directory.path("cli-rank\(rank).log")
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return process
        }
        defer { for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(timeout)
        while processes.contains(where: \.isRunning) && Date() < deadline { usleep(20_000) }
        for (rank, process) in processes.enumerated() where process.isRunning || process.terminationStatus != 0 {
            let log = (try? String(contentsOfFile: directory.path("cli-rank\(rank).log"), encoding: .utf8)) ?? ""
            throw HTTPTestClient.Failure(description: "hookd train rank \(rank) did not finish in \(timeout)s: \(log)")
        }
    }

    /// The per-step training losses `run` recorded in a stats file, in step order.
    static func losses(database: String, run: Int) throws -> [Double] {
        try StatsReader(path: database).batchMetrics(run: Int64(run)).sorted { $0.batch < $1.batch }.map(\.loss)
    }
}
