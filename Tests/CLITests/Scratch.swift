import Foundation

/// A temporary directory for one test, removed when the test's scope ends.
final class Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
        return path(name)
    }

    /// A synthetic-data spec with `batches` training batches of 8 tiny images each.
    func syntheticSpec(_ name: String = "spec.json", batches: Int, epochs: Int = 1, hooks: String = #"[{"modules": "params"}]"#) throws -> String {
        try write(name, """
        {"name": "cli-test", "model": {"arch": "simple_cnn", "channels": [1, 4, 8, 4], "batch_norm": true},
         "data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4, "train_count": \(batches * 8), "valid_count": 16},
         "train": {"epochs": \(epochs), "batch_size": 8, "threads": 1}, "hooks": \(hooks)}
        """)
    }
}
