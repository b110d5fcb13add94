import Foundation
import Testing
@testable import StatsStore
import Statistics

@Suite("StatsReader")
struct ReaderTests {
    /// A file with one run, layer "0.0" recorded at batches 0..<n (forward) and "1" at 0..<10.
    func fixture(_ dir: TempDir, batches n: Int64 = 1000) throws -> (path: String, run: Int64) {
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path)
        let run = try writer.createRun(name: "fixture", spec: "{}")
        try writer.insertModules([
            ModuleRecord(path: "0.0", type: "Conv2d", outputShape: [16, 14, 14], params: 160, trainable: true),
            ModuleRecord(path: "1", type: "ReLU", outputShape: [16, 14, 14], params: 0, trainable: false),
            ModuleRecord(path: "2", type: "Linear", outputShape: [10], params: 170, trainable: true),
        ], runID: run)
        writer.record(statRows(run: run, path: "0.0", batches: 0..<n))
        writer.record(statRows(run: run, path: "1", batches: 0..<10))
        writer.record(statRows(run: run, path: "1", kind: .backward, batches: 0..<7))
        try writer.close()
        return (path, run)
    }

    @Test("limit keeps the first and last rows and spaces the rest evenly", arguments: [
        (1000, 2), (1000, 3), (1000, 7), (1000, 100), (1000, 999), (1000, 1000), (1000, 5000), (5, 4), (1, 3),
    ])
    func limitDownsampling(rows: Int, limit: Int) throws {
        let dir = try TempDir()
        let (path, run) = try fixture(dir, batches: Int64(rows))
        let batches = try StatsReader(path: path).stats(run: run, layer: "0.0", limit: limit).batch
        #expect(batches.count == min(rows, limit))
        #expect(batches.first == 0)
        #expect(batches.last == Int64(rows - 1))
        #expect(batches == batches.sorted() && Set(batches).count == batches.count)
        // Evenly spaced: gaps differ by at most one batch.
        let gaps = zip(batches.dropFirst(), batches).map { $0 - $1 }
        if let lo = gaps.min(), let hi = gaps.max() { #expect(hi - lo <= 1, "gaps \(lo)...\(hi)") }
    }

    @Test("on a row per batch, limit picks exactly the rows a by-row spacing picks", arguments: [(1000, 7), (999, 100), (5, 4)])
    func limitMatchesByRowSpacingOnDenseSeries(rows: Int, limit: Int) throws {
        let dir = try TempDir()
        let (path, run) = try fixture(dir, batches: Int64(rows))
        let batches = try StatsReader(path: path).stats(run: run, layer: "0.0", limit: limit).batch
        let n = Int64(rows), l = Int64(limit)
        #expect(batches == (0..<l).map { i in (i * (n - 1) + l - 2) / (l - 1) })
    }

    @Test("limit on a series with gaps: rows that exist, first and last kept, at most limit")
    func limitOnAGappySeries() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path)
        let run = try writer.createRun(name: "gappy", spec: "{}")
        // Recorded for 100 batches, detached for 9,900, then every 10th batch for 1,000.
        let recorded = Array(Int64(0)..<100) + Array(stride(from: Int64(10_000), to: 20_000, by: 10))
        writer.record(recorded.flatMap { statRows(run: run, batches: $0..<($0 + 1)) })
        try writer.close()
        let reader = try StatsReader(path: path)
        for limit in [2, 10, 50, 1_099, 1_100, 1_000_000_000] {
            let batches = try reader.stats(run: run, layer: "0.0", limit: limit).batch
            #expect(batches.first == 0 && batches.last == 19_990, "limit \(limit)")
            #expect(batches.count <= limit && batches == batches.sorted() && Set(batches).count == batches.count)
            #expect(Set(batches).isSubset(of: Set(recorded)))
            if limit >= recorded.count { #expect(batches == recorded, "a limit above the row count returns every row") }
        }
        #expect(try reader.stats(run: run, layer: "0.0", from: 50, to: 10_005, limit: 3).batch == [50, 10_000])
        #expect(try reader.stats(run: run, layer: "0.0", from: 50, to: 10_005, limit: 60).count == 51)
        #expect(try reader.stats(run: run, layer: "0.0", from: 200, to: 9_000, limit: 3).batch == [])
    }

    @Test("every is a stride over recorded rows; from/to bound it; limit applies after")
    func everyAndRange() throws {
        let dir = try TempDir()
        let (path, run) = try fixture(dir)
        let reader = try StatsReader(path: path)
        #expect(try reader.stats(run: run, layer: "0.0", every: 10).batch == Array(stride(from: 0, to: 1000, by: 10)))
        #expect(try reader.stats(run: run, layer: "0.0", from: 5, to: 25, every: 10).batch == [5, 15, 25])
        let limited = try reader.stats(run: run, layer: "0.0", every: 10, limit: 3).batch
        #expect(limited == [0, 500, 990])
        let series = try reader.stats(run: run, layer: "0.0", from: 3, to: 4)
        #expect(series[.mean] == [3, 4] && series[.std] == [0.3, 0.4] && series[.nearZero] == [0.5, 0.5])
        // A known layer with nothing in range is an empty series, not an error.
        #expect(try reader.stats(run: run, layer: "2").count == 0)
        #expect(try reader.stats(run: run, layer: "0.0", kind: .backward).count == 0)
        #expect(try reader.stats(run: run, layer: "1", kind: .backward).batch == Array(0..<7))
    }

    @Test("bad arguments and unknown names are typed errors")
    func typedErrors() throws {
        let dir = try TempDir()
        let (path, run) = try fixture(dir)
        let reader = try StatsReader(path: path)
        #expect(throws: StatsStoreError.runNotFound(99)) { try reader.stats(run: 99, layer: "0.0") }
        #expect(throws: StatsStoreError.runNotFound(99)) { try reader.run(99) }
        #expect(throws: StatsStoreError.runNotFound(99)) { try reader.modules(run: 99) }
        #expect(throws: StatsStoreError.layerNotFound(run: run, layer: "9.9")) {
            try reader.stats(run: run, layer: "9.9")
        }
        #expect(throws: StatsStoreError.invalidArgument("every must be at least 1, got 0")) {
            try reader.stats(run: run, layer: "0.0", every: 0)
        }
        #expect(throws: StatsStoreError.self) { try reader.stats(run: run, layer: "0.0", limit: 1) }
        #expect(StatsStoreError.runNotFound(99).isNotFound)
        #expect(!StatsStoreError.invalidArgument("x").isNotFound)
    }

    @Test("latest stats: the last batch of every layer and kind")
    func latest() throws {
        let dir = try TempDir()
        let (path, run) = try fixture(dir)
        let reader = try StatsReader(path: path)
        let latest = try reader.latestStats(run: run)
        #expect(latest.map(\.path) == ["0.0", "1", "1"])
        #expect(latest.map(\.kind) == [.forward, .backward, .forward])
        #expect(latest.map(\.batch) == [999, 6, 9])
        #expect(latest[0][.mean] == 999 && latest[0][.max] == 1998)
        #expect(try reader.latestStats(run: run, kind: .backward).map(\.batch) == [6])
        #expect(try reader.latestRunID() == run)
        #expect(try reader.runs().map(\.id) == [run])
    }

    @Test("readers in other connections never see 'database is locked' while the writer writes")
    func concurrentReaders() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path, flushPolicy: FlushPolicy(maxRows: 200, maxDelayMilliseconds: 5))
        let run = try writer.createRun(name: "busy", spec: "{}")
        try writer.insertModules([ModuleRecord(path: "0.0", type: "Conv2d", outputShape: [4], params: 1, trainable: true)],
                                 runID: run)
        let reader = try StatsReader(path: path)
        let done = Flag()
        let errors = LogSink()
        let reads = LogSink()
        let group = DispatchGroup()
        // Threads of their own, not tasks or global-queue blocks: the writer sleeps like a training
        // loop, and on two cores a pool would run the readers only after it.
        spawn(group) {
            defer { done.set() }
            for b in stride(from: Int64(0), to: 20_000, by: 50) {
                writer.record(statRows(run: run, batches: b..<(b + 50)))
                writer.record(BatchMetricRow(runID: run, batch: b, epoch: 0, loss: 1, lr: 0.1))
                pause(0.001)
            }
        }
        for _ in 0..<3 {
            spawn(group) {
                repeat {
                    do {
                        let series = try reader.stats(run: run, layer: "0.0")
                        // Whole flushes only: a reader sees a prefix of the batches, never a gap.
                        if series.batch != Array(0..<Int64(series.count)) { errors.logger("gap in \(series.batch.count) rows") }
                        _ = try reader.stats(run: run, layer: "0.0", limit: 50)
                        _ = try reader.latestStats(run: run)
                        _ = try reader.run(run)
                        reads.logger("read")
                    } catch {
                        errors.logger("\(error)")
                    }
                } while !done.isSet
            }
        }
        group.wait()
        try writer.flush()
        #expect(errors.all == [])
        #expect(reads.all.count > 3)
        #expect(writer.committedRows == 20_400)
        try writer.close()
    }

    @Test("the sqlite3 command-line tool reads while the writer writes",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")))
    func sqliteCLIReads() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path, flushPolicy: FlushPolicy(maxRows: 100, maxDelayMilliseconds: 5))
        let run = try writer.createRun(name: "cli", spec: "{}")
        let done = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        spawn(group) {
            // ~1.2 s of writing, like a training loop, so the CLI runs overlap it.
            for b in stride(from: Int64(0), to: 30_000, by: 25) {
                writer.record(statRows(run: run, batches: b..<(b + 25)))
                pause(0.001)
            }
            done.signal()
        }
        var runs = 0
        var counts: [Int] = []
        repeat {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            // No .timeout on purpose: a plain user session must not need one.
            process.arguments = [path, "SELECT count(*) FROM activation_stats;"]
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "sqlite3 failed: \(errors)")
            #expect(!errors.contains("locked"), "\(errors)")
            counts.append(Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1)
            runs += 1
        } while done.wait(timeout: .now()) == .timedOut || runs < 5
        try writer.flush()
        #expect(writer.committedRows == 30_000)
        #expect(counts.allSatisfy { $0 >= 0 && $0 <= 30_000 })
        #expect(counts == counts.sorted())
        #expect(counts.contains { $0 > 0 && $0 < 30_000 }, "no sqlite3 run overlapped the writes: \(counts)")
        try writer.close()
    }
}
