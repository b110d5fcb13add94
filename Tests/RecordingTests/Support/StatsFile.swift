import Foundation
import HookKit

@testable import StatsStore

/// A fresh SQLite stats file path in the temporary directory, removed (with its WAL) by `remove()`.
struct StatsFile {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("hookd-rec-\(UUID()).sqlite").path

    func remove() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// A small simple_cnn run on synthetic 8×8 data: 13 training batches per epoch (200 / 16).
func recordingSpec(epochs: Int, hooks: String) throws -> RunSpec {
    try RunSpec.parse(Data("""
        {"name": "recorded", "model": {"arch": "simple_cnn", "channels": [1, 4, 8, 4], "batch_norm": true},
         "data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4, "train_count": 200, "valid_count": 40},
         "train": {"epochs": \(epochs), "batch_size": 16, "threads": 1}, "hooks": \(hooks)}
        """.utf8))
}

/// Fills the writer's "disk": its file may not grow by another page, so commits fail with
/// SQLITE_FULL as on a full filesystem (`max_page_count` is per connection, hence the writer's).
func fillDisk(_ writer: StatsWriter) throws {
    try writer.withConnectionForTesting { db in try db.execute("PRAGMA max_page_count = \(try db.scalarInt("PRAGMA page_count") ?? 0)") }
}

/// Frees the writer's "disk" again (SQLite's largest page count).
func freeDisk(_ writer: StatsWriter) throws {
    try writer.withConnectionForTesting { db in try db.execute("PRAGMA max_page_count = 1073741823") }
}

/// A learner callback that runs `body` at the end of every training batch.
final class AtBatchEnd: LearnerCallback {
    private let body: (Learner) throws -> Void
    init(_ body: @escaping (Learner) throws -> Void) { self.body = body }
    func endBatch(_ learner: Learner) throws { try body(learner) }
}
