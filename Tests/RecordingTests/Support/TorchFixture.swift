import Foundation
import Testing
import Torch

/// A PyTorch oracle fixture of `Tests/TorchTests/Fixtures` (written by `scripts/make_fixtures.py`):
/// its config and named tensors.
struct TorchFixture {
    let name: String
    let config: [String: Any]
    private let tensors: [String: (shape: [Int], values: [Double])]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("TorchTests/Fixtures")

    init(_ name: String) throws {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent("\(name).json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        self.name = name
        config = root["config"] as? [String: Any] ?? [:]
        var tensors: [String: (shape: [Int], values: [Double])] = [:]
        for (key, raw) in root["tensors"] as? [String: Any] ?? [:] {
            let t = try #require(raw as? [String: Any])
            tensors[key] = (try #require(t["shape"] as? [Int]), try #require((t["data"] as? [NSNumber])?.map(\.doubleValue)))
        }
        self.tensors = tensors
    }

    var keys: [String] { tensors.keys.sorted() }

    func doubles(_ key: String) throws -> [Double] { try #require(tensors[key], "\(name): no \(key)").values }

    /// A float32 tensor (every tensor this suite reads is one).
    func tensor(_ key: String) throws -> Tensor {
        let t = try #require(tensors[key], "\(name): no \(key)")
        return try Tensor(t.values.map { Float($0) }, shape: t.shape)
    }
}
