import Foundation
import Statistics
import StatsStore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `GET /events` against the real daemon, read over a raw socket as a browser's EventSource would.
@Suite(.serialized) struct EventsEndToEndTests {
    @Test("every committed stats batch of a hooked layer arrives once, in order, equal to the file; Last-Event-ID resumes")
    func statsStreamMatchesTheFile() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let stream = try EventStreamClient(port: fixture.port, target: "/events?layers=0.0")
        _ = try stream.events(timeout: 5) { _ in stream.status != 0 }
        #expect(stream.status == 200)
        #expect(stream.headers["content-type"] == "text/event-stream; charset=utf-8")

        let batches = 120
        let id = try daemon.submit(Specs.synthetic(name: "events", batches: batches,
                                                   hooks: #"[{"modules": ["0.0", "1.0"], "stats": ["mean", "std", "histogram"]}]"#))
        let events = try stream.events(timeout: 90) { events in
            events.contains { $0.type == "run" && $0.json["status"] as? String == "finished" }
        }
        let ids = events.compactMap(\.id)
        #expect(ids.count == events.count && ids == ids.sorted() && Set(ids).count == ids.count, "ids increase")
        #expect(events.first { $0.type == "run" }?.json["status"] as? String == "queued")

        // The layers filter holds back 1.0's stats but not the other types.
        let stats = events.filter { $0.type == "stats" }
        #expect(stats.allSatisfy { $0.json["layer"] as? String == "0.0" && $0.json["run"] as? Int == id })
        let streamed = stats.compactMap { $0.json["batch"] as? Int }
        #expect(streamed == Array(0..<batches), "each batch once, in order")

        // Exactly what the writer committed: values and histograms equal the file's rows.
        let reader = try StatsReader(path: fixture.databasePath)
        let series = try reader.stats(run: Int64(id), layer: "0.0")
        let histograms = try reader.histograms(run: Int64(id), layer: "0.0")
        #expect(series.batch.map(Int.init) == streamed)
        for (i, event) in stats.enumerated() where i < series.count && i < histograms.count {
            let json = event.json
            // Foundation's JSON parser on Linux may be an ulp off the shortest form JSONOut writes.
            let close = { (a: Double?, b: Double) in a.map { abs($0 - b) <= 1e-12 * max(1, abs(b)) } ?? false }
            #expect(close(json["mean"] as? Double, series[.mean][i]) && close(json["std"] as? Double, series[.std][i]),
                    "batch \(i): \(event.data)")
            #expect(json["near_zero"] == nil, "only what the hook computed")
            let counts = (json["histogram"] as? [String: Any])?["counts"] as? [Int64]
            #expect(counts == histograms[i].counts, "batch \(i) histogram")
        }
        let progress = events.filter { $0.type == "progress" }.compactMap { $0.json["batch"] as? Int }
        #expect(progress == Array(0..<batches))
        let hooks = events.filter { $0.type == "hook" }.map { ($0.json["layer"] as? String ?? "", $0.json["action"] as? String ?? "") }
        #expect(hooks.contains { $0 == ("0.0", "attached") } && hooks.contains { $0 == ("1.0", "detached") })

        // Reconnecting mid-way continues with the next id: the same events, nothing skipped.
        let middle = try #require(stats.dropFirst(40).first?.id)
        let resumed = try EventStreamClient(port: fixture.port, target: "/events?layers=0.0", lastEventID: middle)
        let last = try #require(ids.last)
        let replay = try resumed.events(timeout: 20) { $0.last?.id == last }
        let expected = events.filter { ($0.id ?? 0) > middle }
        #expect(replay.map(\.id) == expected.map(\.id))
        #expect(replay.map(\.data) == expected.map(\.data))

        // An id the daemon no longer has (or never had) is answered with a gap, then the stream goes on.
        let unknown = try EventStreamClient(port: fixture.port, lastEventID: last + 1_000_000)
        let gap = try unknown.events(timeout: 10) { !$0.isEmpty }
        #expect(gap.first?.type == "gap")
        #expect(gap.first?.json["last_event_id"] as? Int64 == last + 1_000_000)
    }

    @Test("http.max_streams: one more stream is 503 too_many_streams; a closed one frees its slot; bad filters are 400")
    func streamLimit() throws {
        let fixture = try DaemonFixture(http: #""max_streams": 2"#)
        let daemon = try fixture.start()
        defer { daemon.stop() }
        var open = try (0..<2).map { _ in try EventStreamClient(port: fixture.port) }
        for stream in open { _ = try stream.events(timeout: 5) { _ in stream.status != 0 } }
        #expect(open.allSatisfy { $0.status == 200 })
        let refused = try daemon.client.get("/events")
        #expect(refused.status == 503 && refused.errorCode == "too_many_streams", "\(refused.text)")
        #expect(refused.headers["retry-after"] == "10")
        // /health still answers while the streams are open.
        #expect(try daemon.client.get("/health").status == 200)

        open.removeLast()  // closes its socket; the daemon notices at its next write (the heartbeat at the latest)
        var status = 0
        let deadline = Date().addingTimeInterval(25)
        while Date() < deadline {
            let again = try EventStreamClient(port: fixture.port)
            _ = try again.events(timeout: 2) { _ in again.status != 0 }
            status = again.status
            if status == 200 { break }
            usleep(500_000)
        }
        #expect(status == 200, "a slot came free")
        #expect(try daemon.client.get("/events?layers=").errorCode == "invalid_parameter")
        #expect(try daemon.client.get("/events?run=99").status == 404)
        let badID = try daemon.client.send("GET", "/events", headers: ["Last-Event-ID": "x"])
        #expect(badID.status == 400)
    }

    @Test("SIGTERM with open streams, one of which never reads, exits 0 about as fast as without; streams see the end")
    func sigtermWithOpenStreams() throws {
        func stopTime(withStreams: Bool) throws -> (seconds: Double, status: Int32, streams: [EventStreamClient]) {
            let fixture = try DaemonFixture()
            let daemon = try fixture.start()
            let id = try daemon.submit(Specs.synthetic(name: "term", batches: 4000))
            var streams: [EventStreamClient] = []
            if withStreams {
                streams = try (0..<10).map { _ in try EventStreamClient(port: fixture.port) }
                // A reader that never reads, with a tiny buffer: the daemon's writes to it stall.
                streams.append(try EventStreamClient(port: fixture.port, receiveBuffer: 1024))
                for stream in streams.dropLast() { _ = try stream.events(timeout: 5) { _ in stream.status != 0 } }
            }
            try daemon.waitForRun(id) { ($0["global_batch"] as? Int ?? 0) >= 20 }
            let start = Date()
            let status = daemon.stop()
            return (Date().timeIntervalSince(start), status, streams)
        }
        let baseline = try stopTime(withStreams: false)
        let loaded = try stopTime(withStreams: true)
        #expect(baseline.status == 0 && loaded.status == 0)
        #expect(loaded.seconds < baseline.seconds + 2.5, "SIGTERM took \(loaded.seconds)s with streams, \(baseline.seconds)s without")
        for stream in loaded.streams.dropLast() {
            let events = try stream.events(timeout: 5) { _ in false }
            #expect(stream.isEnded, "the stream ended")
            _ = events
        }
    }
}
