import Foundation
import Testing

/// `hookd stats --layer … --from/--to/--every/--limit`: the range and sampling HTTP's
/// `/stats/{layer}` offers, offline.
@Suite struct StatsCommandTests {
    /// The `batch` array of `hookd stats … --format json`.
    private func batches(_ arguments: [String]) throws -> [Int] {
        let result = try HookdProcess.run(["stats"] + arguments + ["--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return object?["batch"] as? [Int] ?? []
    }

    @Test func rangeEveryAndLimitSelectBatches() throws {
        let dir = try Scratch()
        let db = dir.path("stats.sqlite")
        #expect(try HookdProcess.run(["train", try dir.syntheticSpec(batches: 40), "--db", db]).status == 0)
        let layer = ["--db", db, "--layer", "0.0"]
        #expect(try batches(layer) == Array(0..<40))
        #expect(try batches(layer + ["--from", "2", "--to", "4"]) == [2, 3, 4])
        #expect(try batches(layer + ["--every", "10"]) == [0, 10, 20, 30])
        #expect(try batches(layer + ["--limit", "3"]) == [0, 20, 39])
    }

    @Test(arguments: [
        ["--limit", "3"],
        ["--layer", "0.0", "--limit", "1"],
        ["--layer", "0.0", "--every", "0"],
    ])
    func badSamplingIsAUsageError(extra: [String]) throws {
        let dir = try Scratch()
        let result = try HookdProcess.run(["stats", "--db", dir.path("any.sqlite")] + extra)
        #expect(result.status == 64, "\(result.stderr)")
    }
}
