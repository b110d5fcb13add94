import Foundation
import HTTPServer
import Synchronization

/// Rendered read responses, valid until the stats writer changes the file again.
///
/// `/stats/{layer}` costs milliseconds of SQLite and JSON work, and a poller (or wrk) asks
/// for the same URL many times between two commits (every `stats.flush_ms`). The content of a
/// read can only change when the writer commits rows or deletes runs, so an entry is served
/// while the writer's `contentVersion` still equals the one it was rendered at.
///
/// Bounded in entries and in bytes: `/stats` without `limit` on a long run renders megabytes,
/// and a daemon that runs for weeks must not keep 256 of those. Answers above `maxEntryBytes`
/// are served but not kept.
final class ResponseCache: Sendable {
    private struct Entry {
        var version: Int
        var response: HTTPResponse
    }

    private struct Store {
        var entries: [String: Entry] = [:]
        var bytes = 0
    }

    /// Entries kept at most; beyond it the cache starts over (distinct URLs are few in practice).
    private let capacity: Int
    /// Body bytes kept at most, all entries together.
    private let maxBytes: Int
    /// Largest body kept.
    private let maxEntryBytes: Int
    private let store = Mutex(Store())

    init(capacity: Int = 256, maxBytes: Int = 64 << 20, maxEntryBytes: Int = 4 << 20) {
        self.capacity = capacity
        self.maxBytes = maxBytes
        self.maxEntryBytes = maxEntryBytes
    }

    /// The cached response for `key` at `version`, or `render()`'s (cached when it succeeds
    /// and is small enough).
    func response(for key: String, version: Int, render: () throws -> HTTPResponse) rethrows -> HTTPResponse {
        if let hit = store.withLock({ $0.entries[key] }), hit.version == version { return hit.response }
        let response = try render()
        let size = response.body.count
        guard size <= maxEntryBytes else { return response }
        store.withLock { store in
            if let old = store.entries.removeValue(forKey: key) { store.bytes -= old.response.body.count }
            if store.entries.count >= capacity || store.bytes + size > maxBytes {
                store.entries.removeAll(keepingCapacity: true)
                store.bytes = 0
            }
            store.entries[key] = Entry(version: version, response: response)
            store.bytes += size
        }
        return response
    }

    /// Body bytes held now (tests).
    var bytesHeld: Int { store.withLock { $0.bytes } }
}
