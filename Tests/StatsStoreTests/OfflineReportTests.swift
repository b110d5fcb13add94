import Foundation
import Rendering
import Testing
@testable import StatsStore
import Statistics

@Suite("OfflineReport")
struct OfflineReportTests {
    /// Two runs; the second (latest) has layers "0.0" (forward, batches 0..<5) and "1" (backward).
    func fixture(_ dir: TempDir) throws -> String {
        let path = dir.path("stats.db")
        let writer = try StatsWriter(path: path)
        let first = try writer.createRun(name: "first", spec: "{}")
        writer.record(statRows(run: first, path: "old", batches: 0..<3))
        try writer.setFinished(first)
        let second = try writer.createRun(name: "second, with comma", spec: "{}")
        try writer.setStarted(second)
        writer.record(statRows(run: second, path: "0.0", batches: 0..<5))
        writer.record(statRows(run: second, path: "1", kind: .backward, batches: 0..<2))
        try writer.close()
        return path
    }

    @Test("a missing file is a clear error and is not created")
    func missingFile() throws {
        let dir = try TempDir()
        let path = dir.path("nope.db")
        let error = #expect(throws: StatsStoreError.fileNotFound(path: path)) { try OfflineReport(databasePath: path) }
        #expect(error?.description == "stats file not found: \(path)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a text file is not a database")
    func textFile() throws {
        let dir = try TempDir()
        let path = dir.path("notes.txt")
        try String(repeating: "hello, this is not SQLite\n", count: 100).write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: StatsStoreError.notADatabase(path: path)) { try OfflineReport(databasePath: path) }
        #expect(error?.description == "not an SQLite database: \(path)")
        // And it was left alone.
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("hello"))
    }

    @Test("an empty SQLite file is not a stats file")
    func emptyDatabase() throws {
        let dir = try TempDir()
        let path = dir.path("empty.db")
        try Connection(path: path).execute("CREATE TABLE other (x)")
        #expect(throws: StatsStoreError.notAStatsFile(path: path)) { try OfflineReport(databasePath: path) }
    }

    @Test("unknown run and unknown layer are clear errors")
    func unknownNames() throws {
        let dir = try TempDir()
        let report = try OfflineReport(databasePath: try fixture(dir))
        let run = #expect(throws: StatsStoreError.runNotFound(7)) { try report.stats(run: 7) }
        #expect(run?.description == "no run with id 7")
        let layer = #expect(throws: StatsStoreError.layerNotFound(run: 2, layer: "body.9")) {
            try report.stats(layer: "body.9")
        }
        #expect(layer?.description == "run 2 has no layer 'body.9'")
        // The layer exists in run 1 only: asking run 2 for it is still unknown.
        #expect(throws: StatsStoreError.layerNotFound(run: 2, layer: "old")) { try report.stats(run: 2, layer: "old") }
    }

    @Test("a file without runs says so")
    func noRuns() throws {
        let dir = try TempDir()
        let path = dir.path("stats.db")
        try StatsWriter(path: path).close()
        let report = try OfflineReport(databasePath: path)
        #expect(throws: StatsStoreError.noRuns) { try report.stats() }
        #expect(try report.runs(format: .json) == "[]\n")
    }

    @Test("without --run the latest run is reported; --layer gives its batches in each format")
    func layerFormats() throws {
        let dir = try TempDir()
        let report = try OfflineReport(databasePath: try fixture(dir))
        let table = try report.stats(layer: "0.0")
        let lines = table.split(separator: "\n")
        #expect(lines.first == "run 2, layer 0.0, forward")
        #expect(lines.count == 1 + 2 + 5)
        #expect(lines[1].hasPrefix("batch") && lines[1].contains("near_zero"))
        #expect(lines.last?.hasPrefix("    4") == true)

        let csv = try report.stats(layer: "0.0", format: .csv)
        #expect(csv.split(separator: "\n").first == "batch,rank,mean,std,near_zero,abs_mean,min,max")
        #expect(csv.split(separator: "\n")[2] == "1,0,1.0,0.1,0.5,,-1.0,2.0")

        let json = try report.stats(layer: "1", kind: .backward, format: .json)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(object?["run"] as? Int == 2)
        #expect(object?["kind"] as? String == "backward")
        #expect(object?["batch"] as? [Int] == [0, 1])
        #expect(object?["near_zero"] as? [Double] == [0.5, 0.5])
    }

    @Test("without --layer every layer's last batch is listed")
    func latestFormats() throws {
        let dir = try TempDir()
        let report = try OfflineReport(databasePath: try fixture(dir))
        let csv = try report.stats(format: .csv).split(separator: "\n")
        #expect(csv == [
            "path,kind,batch,epoch,mean,std,near_zero,abs_mean,min,max",
            "0.0,forward,4,0,4.0,0.4,0.5,,-4.0,8.0",
            "1,backward,1,0,1.0,0.1,0.5,,-1.0,2.0",
        ])
        let json = try report.stats(run: 1, format: .json)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let layers = object?["layers"] as? [[String: Any]]
        #expect(layers?.map { $0["path"] as? String } == ["old"])
        #expect(try report.stats(kind: .forward).contains("0.0"))
        #expect(try !report.stats(kind: .forward).contains("backward"))
    }

    @Test("runs in each format")
    func runsFormats() throws {
        let dir = try TempDir()
        let report = try OfflineReport(databasePath: try fixture(dir))
        let table = try report.runs()
        #expect(table.contains("first") && table.contains("finished") && table.contains("running"))
        let csv = try report.runs(format: .csv).split(separator: "\n")
        #expect(csv.count == 3)
        #expect(csv[2].hasPrefix("2,\"second, with comma\",running,"))
        let json = try report.runs(format: .json)
        let array = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        #expect(array?.map { $0["name"] as? String } == ["first", "second, with comma"])
        #expect(array?.first?["finished_at"] is String)
        #expect(array?.last?["finished_at"] is NSNull)
    }

    @Test("NaN statistics render as null in JSON and empty in CSV")
    func nanRendering() throws {
        var series = StatsSeries(runID: 1, layer: "x", kind: .forward)
        series.batch = [0]
        series.rank = [0]
        series[.mean] = [.nan]
        series[.std] = [.infinity]
        series[.nearZero] = [0]
        series[.absMean] = [.nan]
        series[.min] = [0]
        series[.max] = [0]
        let json = OfflineReport.render(series, format: .json)
        #expect(json.contains("\"mean\":[null]") && json.contains("\"std\":[null]"))
        #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [String: Any])
        #expect(OfflineReport.render(series, format: .csv).hasSuffix("0,0,,inf,0.0,,0.0,0.0\n"))
    }
}
