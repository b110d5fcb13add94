import Foundation
import Testing
@testable import Torch

@Suite("Checkpoint")
struct CheckpointTests {
    @Test func roundTripsTensorsAndMetadata() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-ckpt-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("run.ckpt")
        let weights = try Tensor([1.5, -2, 3, 4], shape: [2, 2])
        let counts = try Tensor(int64: [7, 8], shape: [2])
        try Checkpoint(tensors: [("w", weights), ("n", counts)], metadata: ["epoch": "3"]).save(to: url)
        let loaded = try Checkpoint.load(from: url)
        #expect(loaded.metadata["epoch"] == "3")
        #expect(try loaded.dictionary["w"]?.floats() == [1.5, -2, 3, 4])
        #expect(loaded.dictionary["w"]?.shape == [2, 2])
        #expect(try loaded.dictionary["n"]?.int64s() == [7, 8])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["run.ckpt"])
    }

    @Test func truncatedOrForeignFilesAreClearErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-ckpt-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("x.ckpt")
        try Checkpoint(tensors: [("w", try Tensor.ones([100]))]).save(to: url)
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 10).write(to: url)
        #expect(throws: TorchError.self) { try Checkpoint.load(from: url) }
        try Data("hello".utf8).write(to: url)
        #expect(throws: TorchError.self) { try Checkpoint.load(from: url) }
    }
}
