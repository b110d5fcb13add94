import HTTPServer
import Testing
@testable import Daemon

/// The ring of recent events and its readers, without a socket.
@Suite struct EventLogTests {
    /// Reads everything a subscription has now, as text.
    func drain(_ subscription: EventSubscription) -> (text: String, last: HTTPStreamReadSummary) {
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 100)  // small pulls: events span several
        while true {
            let result = buffer.withUnsafeMutableBytes { subscription.read(into: $0) }
            switch result {
            case .bytes(let n): text += String(decoding: buffer[0..<n], as: UTF8.self)
            case .wait: return (text, .wait)
            case .end: return (text, .end)
            }
        }
    }

    enum HTTPStreamReadSummary { case wait, end }

    func event(_ run: Int64, _ layer: String, type: String = "stats") -> ServerSentEvent {
        ServerSentEvent(type: type, runID: run, layer: layer, data: #"{"run":\#(run),"layer":"\#(layer)"}"#)
    }

    @Test("a fresh client gets only newer events, filtered by run and layer; ids are consecutive")
    func freshClientAndFilters() throws {
        let log = EventLog(capacity: 100)
        log.publish([event(1, "0.0")])
        let all = try log.subscribe(filter: EventFilter(), after: nil)
        let layer = try log.subscribe(filter: EventFilter(runID: 2, layers: ["1.0"]), after: nil)
        log.publish([event(1, "0.0"), event(2, "0.0"), event(2, "1.0"), event(2, "0.0", type: "progress")])
        let everything = drain(all)
        #expect(everything.last == .wait)
        #expect(everything.text.hasPrefix("retry: 3000\n\nid: 2\nevent: stats\n"))
        #expect(everything.text.components(separatedBy: "\n\n").filter { $0.hasPrefix("id: ") }.count == 4)
        let filtered = drain(layer).text
        #expect(filtered.contains("id: 4\nevent: stats\ndata: {\"run\":2,\"layer\":\"1.0\"}\n\n"))
        #expect(filtered.contains("id: 5\nevent: progress"), "layers filter only stats")
        #expect(!filtered.contains("id: 2\n") && !filtered.contains("id: 3\n"))
    }

    @Test("Last-Event-ID resumes after that id; an overtaken id gets a gap event; a reader the ring overtakes is ended")
    func resumeGapAndOvertaking() throws {
        let log = EventLog(capacity: 8)
        log.publish((0..<5).map { _ in event(1, "0.0") })
        let resumed = drain(try log.subscribe(filter: EventFilter(), after: 3)).text
        #expect(resumed == "retry: 3000\n\nid: 4\nevent: stats\ndata: {\"run\":1,\"layer\":\"0.0\"}\n\nid: 5\nevent: stats\ndata: {\"run\":1,\"layer\":\"0.0\"}\n\n")

        let slow = try log.subscribe(filter: EventFilter(), after: nil)
        log.publish((0..<20).map { _ in event(1, "0.0") })  // 25 events; the ring keeps 8 to 10
        #expect(drain(slow).last == .end, "overtaken: ended rather than buffered")

        let late = drain(try log.subscribe(filter: EventFilter(), after: 2)).text
        #expect(late.contains("event: gap\ndata: {\"last_event_id\":2,\"oldest_id\":"))
        #expect(late.hasSuffix("id: 25\nevent: stats\ndata: {\"run\":1,\"layer\":\"0.0\"}\n\n"))
    }

    @Test("max streams refuses one more; finish frees the slot; close ends readers and refuses new ones")
    func limitsAndClose() throws {
        let log = EventLog(capacity: 8, maxStreams: 1)
        let first = try log.subscribe(filter: EventFilter(), after: nil)
        #expect(throws: EventLogError.tooManyStreams(limit: 1)) { try log.subscribe(filter: EventFilter(), after: nil) }
        first.finish()
        let second = try log.subscribe(filter: EventFilter(), after: nil)
        log.publish([event(1, "0.0")])
        log.close()
        let rest = drain(second)
        #expect(rest.text.contains("id: 1\n") && rest.last == .end, "what was published is sent, then the end")
        #expect(throws: EventLogError.closed) { try log.subscribe(filter: EventFilter(), after: nil) }
    }
}
