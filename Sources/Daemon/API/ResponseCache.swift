import Foundation
import HTTPServer
import Synchronization

/// Rendered read responses, valid until the stats writer changes the file again.
///
/// `/stats/{layer}` costs milliseconds of SQLite and JSON work, and a poller (or wrk) asks
/// for the same URL many times between two commits (every `stats.flush_ms`). The content of a
/// read can only change when the writer commits rows or deletes runs, so an entry is served
/// while the writer's `contentVersion` still equals the one it was rendered at.
final class ResponseCache: Sendable {
    private struct Entry {
        var version: Int
        var response: HTTPResponse
    }

    /// Entries kept at most; beyond it the cache starts over (distinct URLs are few in practice).
    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int = 256) { self.capacity = capacity }

    /// The cached response for `key` at `version`, or `render()`'s (cached when it succeeds).
    func response(for key: String, version: Int, render: () throws -> HTTPResponse) rethrows -> HTTPResponse {
        if let hit = entries.withLock({ $0[key] }), hit.version == version { return hit.response }
        let response = try render()
        entries.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = Entry(version: version, response: response)
        }
        return response
    }
}
