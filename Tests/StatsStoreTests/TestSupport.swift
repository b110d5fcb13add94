import Foundation
import Synchronization
@testable import StatsStore
import Statistics

/// A fresh directory under the system temp dir, removed when the value is released.
final class TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("statsstore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// A path inside the directory.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Collects logger lines from any thread.
final class LogSink: @unchecked Sendable {
    // `lines` is touched only while holding `lock`.
    private let lock = NSLock()
    private var lines: [String] = []

    var logger: @Sendable (String) -> Void {
        { [self] line in lock.lock(); lines.append(line); lock.unlock() }
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}

/// Deterministic rows: batch `b` of layer `path` has mean b, std b/10, and so on.
func statRows(run: Int64, path: String = "0.0", kind: HookKind = .forward, batches: Range<Int64>) -> [ActivationStatRow] {
    batches.map { b in
        ActivationStatRow(runID: run, path: path, kind: kind, batch: b, epoch: b / 100, values: StatValues([
            .mean: Double(b), .std: Double(b) / 10, .nearZero: 0.5, .min: -Double(b), .max: Double(b) * 2,
        ]))
    }
}

/// `SELECT count(*) FROM table` on a connection of its own.
func rowCount(_ path: String, _ table: String, where condition: String = "1") throws -> Int64 {
    let db = try Connection(path: path, flags: [.readOnly])
    try db.setBusyTimeout(milliseconds: 5000)
    return try db.scalarInt("SELECT count(*) FROM \(table) WHERE \(condition)") ?? -1
}

/// Polls `condition` until true or `seconds` pass; returns the last answer.
func eventually(within seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return try condition()
}

/// Blocks the calling thread (a detached task standing in for the training loop's thread).
func pause(_ seconds: Double) {
    Thread.sleep(forTimeInterval: seconds)
}

/// A one-way flag shared between tasks.
final class Flag: Sendable {
    private let value = Atomic(false)

    func set() { value.store(true, ordering: .releasing) }

    var isSet: Bool { value.load(ordering: .acquiring) }
}

/// Runs `body` on a new thread, inside `group`.
func spawn(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
    group.enter()
    Thread {
        body()
        group.leave()
    }.start()
}

/// A full disk that can be freed again: caps the writer's file `pagesAboveSize` pages above its
/// current size with `PRAGMA max_page_count` (commits that need more fail with SQLITE_FULL, as on
/// a full filesystem); nil lifts the cap.
func setCap(_ writer: StatsWriter, pagesAboveSize: Int?) throws {
    try writer.withConnectionForTesting { db in
        let pages = try db.scalarInt("PRAGMA page_count") ?? 0
        let cap = pagesAboveSize.map { Int(pages) + $0 } ?? 1_073_741_823
        try db.execute("PRAGMA max_page_count = \(cap)")
    }
}

/// A new stats file at `path` as a hookd of schema `version` left it, for migration tests.
func fileAtSchemaVersion(_ version: Int, path: String) throws -> Connection {
    let db = try Connection(path: path)
    try Schema.migrate(db, migrations: Array(Schema.migrations.prefix(version)))
    return db
}
