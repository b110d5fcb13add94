import Foundation
import HTTPServer
#if canImport(Glibc)
import Glibc
#endif

/// A raw-socket `/events` client: sends the request, checks the head, then undoes the chunked
/// framing and parses Server-Sent Events as they arrive, the way a browser's EventSource would.
final class EventStreamClient {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// One parsed event: `id`, `event` and the `data` lines joined.
    struct Event {
        let id: Int64?
        let type: String
        let data: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:] }
    }

    let fd: Int32
    /// The status and lower-cased headers of the answer.
    private(set) var status = 0
    private(set) var headers: [String: String] = [:]
    /// Comment lines seen (`: heartbeat`), without the colon.
    private(set) var comments: [String] = []
    private var raw: [UInt8] = []      // bytes off the socket, still chunk-framed
    private var text: [UInt8] = []     // de-chunked body not yet parsed into events
    private var ended = false

    /// Connects and sends `GET target`; `receiveBuffer` shrinks the socket's buffer (a slow reader).
    init(port: UInt16, target: String = "/events", lastEventID: Int64? = nil, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var tv = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let connected = try ListenAddress("127.0.0.1").withSocketAddress(port: port) { connect(fd, $0, $1) }
        guard connected == 0 else { throw Failure(description: "connect: errno \(errno)") }
        var head = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n"
        if let lastEventID { head += "Last-Event-ID: \(lastEventID)\r\n" }
        let bytes = Array((head + "\r\n").utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            throw Failure(description: "send: errno \(errno)")
        }
    }

    deinit { close(fd) }

    /// Whether the server ended the stream (last chunk or EOF).
    var isEnded: Bool { ended }

    /// Reads until `enough(events so far)` holds, the stream ends, or `timeout` seconds pass.
    func events(timeout: TimeInterval, until enough: ([Event]) -> Bool) throws -> [Event] {
        var events: [Event] = []
        let deadline = Date().addingTimeInterval(timeout)
        while !enough(events), !ended, Date() < deadline {
            receive()
            try parseHead()
            if status != 0 { dechunk(); events += parseEvents() }
        }
        return events
    }

    private func receive() {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let n = recv(fd, &chunk, chunk.count, 0)
        if n > 0 { raw += chunk[0..<n] } else if n == 0 { ended = true }
    }

    private func parseHead() throws {
        guard status == 0, let end = find([13, 10, 13, 10], in: raw) else { return }
        let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, let code = Int(parts[1]) else { throw Failure(description: "bad status line \(lines[0])") }
        status = code
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        raw.removeFirst(end + 4)
        if headers["transfer-encoding"] != "chunked" { text += raw; raw = [] }
    }

    private func dechunk() {
        guard headers["transfer-encoding"] == "chunked" else { text += raw; raw = []; return }
        while let lineEnd = find([13, 10], in: raw) {
            let sizeText = String(decoding: raw[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { ended = true; return }
            if size == 0 { ended = true; return }
            guard raw.count >= lineEnd + 2 + size + 2 else { return }
            text += raw[(lineEnd + 2)..<(lineEnd + 2 + size)]
            raw.removeFirst(lineEnd + 2 + size + 2)
        }
    }

    private func parseEvents() -> [Event] {
        var events: [Event] = []
        while let end = find([10, 10], in: text) {
            let block = String(decoding: text[..<end], as: UTF8.self)
            text.removeFirst(end + 2)
            var id: Int64?
            var type = "message"
            var data: [String] = []
            var sawField = false
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix(":") { comments.append(String(line.dropFirst()).trimmingCharacters(in: .whitespaces)); continue }
                let field = line.prefix { $0 != ":" }
                var value = line.dropFirst(field.count + 1)
                if value.hasPrefix(" ") { value = value.dropFirst() }
                switch field {
                case "id": id = Int64(value); sawField = true
                case "event": type = String(value); sawField = true
                case "data": data.append(String(value)); sawField = true
                default: break
                }
            }
            if sawField && !data.isEmpty { events.append(Event(id: id, type: type, data: data.joined(separator: "\n"))) }
        }
        return events
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}
