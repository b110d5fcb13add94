import Foundation
import HTTPServer
import Testing

@testable import Daemon

/// `ResponseCache`: an answer is reused while the version holds, re-rendered when it moves, and
/// the bytes kept stay bounded however large the answers.
@Suite struct ResponseCacheTests {
    private func body(_ bytes: Int) -> HTTPResponse { .json(Data(repeating: 0x20, count: bytes)) }

    @Test func answersAreReusedUntilTheVersionMoves() {
        let cache = ResponseCache()
        var renders = 0
        let render = { renders += 1; return self.body(10) }
        _ = cache.response(for: "a", version: 1, render: render)
        _ = cache.response(for: "a", version: 1, render: render)
        #expect(renders == 1)
        _ = cache.response(for: "a", version: 2, render: render)
        #expect(renders == 2)
    }

    @Test func largeAnswersAreServedButNotKeptAndTheTotalStaysBounded() {
        let cache = ResponseCache(capacity: 100, maxBytes: 1_000, maxEntryBytes: 400)
        var renders = 0
        // Above the per-entry bound: rendered every time, never held.
        for _ in 0..<3 { _ = cache.response(for: "huge", version: 1) { renders += 1; return self.body(500) } }
        #expect(renders == 3 && cache.bytesHeld == 0)
        // Within it: held until the byte budget would overflow, then the cache starts over.
        for i in 0..<10 {
            let answer = cache.response(for: "k\(i)", version: 1) { self.body(300) }
            #expect(answer.body.count == 300)
            #expect(cache.bytesHeld <= 1_000)
        }
        // Replacing an entry does not count its old bytes twice.
        for version in 2...20 { _ = cache.response(for: "k9", version: version) { self.body(300) } }
        #expect(cache.bytesHeld <= 1_000)
    }
}
