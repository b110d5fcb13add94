import Foundation
import Testing
@testable import Torch

/// One PyTorch oracle file of `Fixtures/` (format in `Fixtures/INDEX.md`): named tensors plus config.
struct Fixture {
    /// A tensor as written by `scripts/make_fixtures.py`: shape, dtype and flat row-major values.
    struct Entry {
        var shape: [Int]
        /// "float32" (the default), "float64" or "int64".
        var dtype: String
        var values: [Double]
    }

    let name: String
    let op: String
    let config: [String: Any]
    let entries: [String: Entry]
    /// Top-level keys other than case/op/config/tensors (e.g. `keys` of the resnet files).
    let extra: [String: Any]

    /// Every fixture file in the bundle, without extension.
    static func allNames() throws -> [String] {
        let dir = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func url(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
                     "fixture \(name).json is not in the test bundle")
    }

    /// Files already parsed (simple_cnn is 1.3 MB; several tests read the same file).
    nonisolated(unsafe) private static var cache: [String: Fixture] = [:]
    private static let lock = NSLock()

    static func load(_ name: String) throws -> Fixture {
        lock.lock()
        defer { lock.unlock() }
        if let cached = cache[name] { return cached }
        let fixture = try Fixture(name: name, data: Data(contentsOf: url(name)))
        cache[name] = fixture
        return fixture
    }

    init(name: String, data: Data) throws {
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        self.name = name
        op = root["op"] as? String ?? ""
        config = root["config"] as? [String: Any] ?? [:]
        var entries: [String: Entry] = [:]
        for (key, raw) in root["tensors"] as? [String: Any] ?? [:] {
            let t = try #require(raw as? [String: Any], "\(name): tensor \(key) is not an object")
            let shape = try #require(t["shape"] as? [Int], "\(name): \(key) has no shape")
            var values = try #require((t["data"] as? [NSNumber])?.map(\.doubleValue), "\(name): \(key) has no data")
            let dtype = t["dtype"] as? String ?? "float32"
            // Foundation's JSON parser on Linux can land one double ulp off the written
            // shortest-repr value; float32 data are exact floats, so rounding restores them.
            if dtype == "float32" { values = values.map { Double(Float($0)) } }
            #expect(values.count == shape.reduce(1, *), "\(name): \(key) data does not fill \(shape)")
            entries[key] = Entry(shape: shape, dtype: dtype, values: values)
        }
        self.entries = entries
        extra = root.filter { !["case", "op", "config", "tensors"].contains($0.key) }
    }

    var keys: [String] { entries.keys.sorted() }

    func has(_ key: String) -> Bool { entries[key] != nil }

    func entry(_ key: String) throws -> Entry {
        try #require(entries[key], "\(name).json has no tensor \"\(key)\"")
    }

    /// The tensor `key` as a libtorch tensor of its dtype (float64 values become float32 only
    /// when `asFloat32`; int64 stays int64).
    func tensor(_ key: String, requiresGrad: Bool = false) throws -> Tensor {
        let e = try entry(key)
        let t: Tensor
        switch e.dtype {
        case "int64": t = try Tensor(int64: e.values.map { Int64($0) }, shape: e.shape)
        case "float64": t = try Tensor(e.values.map { Float($0) }, shape: e.shape).to(.float64)
        default: t = try Tensor(e.values.map { Float($0) }, shape: e.shape)
        }
        if requiresGrad { try t.requiresGrad(true) }
        return t
    }

    func doubles(_ key: String) throws -> [Double] { try entry(key).values }
    func shape(_ key: String) throws -> [Int] { try entry(key).shape }
}

/// Compares a tensor (or values) with a fixture entry element-wise: |got - want| <= atol + rtol·|want|.
///
/// Reports the first few offending elements with their flat index, so a failure says where.
func expectClose(_ got: Tensor?, _ fixture: Fixture, _ key: String, rtol: Double = 1e-5, atol: Double = 1e-6,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    let want = try fixture.entry(key)
    guard let got else {
        Issue.record("\(fixture.name).\(key): got no tensor (nil)", sourceLocation: sourceLocation)
        return
    }
    #expect(got.shape == want.shape, "\(fixture.name).\(key): shape", sourceLocation: sourceLocation)
    let values = want.dtype == "int64" ? try got.int64s().map(Double.init) : try got.doubles()
    expectClose(values, want.values, "\(fixture.name).\(key)", rtol: rtol, atol: atol, sourceLocation: sourceLocation)
}

func expectClose(_ got: [Double], _ want: [Double], _ label: String, rtol: Double = 1e-5, atol: Double = 1e-6,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard got.count == want.count else {
        Issue.record("\(label): \(got.count) values, expected \(want.count)", sourceLocation: sourceLocation)
        return
    }
    var bad: [String] = []
    var worst = 0.0
    for i in got.indices {
        let diff = Swift.abs(got[i] - want[i])
        let bound = atol + rtol * Swift.abs(want[i])
        if !(diff <= bound) {
            if bad.count < 5 { bad.append("[\(i)] got \(got[i]) want \(want[i])") }
            worst = Swift.max(worst, diff / Swift.max(Swift.abs(want[i]), 1e-30))
        }
    }
    if !bad.isEmpty {
        Issue.record("\(label): \(bad.joined(separator: ", ")) (worst rel \(worst), rtol \(rtol), atol \(atol))",
                     sourceLocation: sourceLocation)
    }
}
