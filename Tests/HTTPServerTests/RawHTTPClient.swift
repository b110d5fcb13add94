#if canImport(Glibc)
import Glibc
#endif

@testable import HTTPServer

/// A tiny blocking HTTP/1.1 client over a POSIX socket, so tests can also misbehave on purpose
/// (garbage, half requests, stalls) — things URLSession will not do.
final class RawHTTPClient {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A parsed response: status, lower-cased headers, body.
    struct Response {
        let status: Int
        let headers: [String: String]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    private let fd: Int32
    /// The server's host as a `Host` header names it (`127.0.0.1`, `[::1]`).
    private let hostHeader: String
    private var buffer: [UInt8] = []

    /// Connects to `host`:`port` (an IPv4 or IPv6 literal, 127.0.0.1 by default); reads give up
    /// after `timeout` seconds.
    init(host: String = "127.0.0.1", port: UInt16, timeout: Int = 5) throws {
        let address = try ListenAddress(host)
        hostHeader = address.urlHost
        fd = socket(address.family == .ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let result = address.withSocketAddress(port: port) { connect(fd, $0, $1) }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Failure(description: "connect to \(address.urlHost):\(port): errno \(code)")
        }
    }

    deinit { Glibc.close(fd) }

    /// Builds a request with Host and, for a body, Content-Length.
    static func request(
        _ method: String, _ target: String, host: String = "127.0.0.1", headers: [String: String] = [:],
        body: [UInt8] = []
    ) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    /// Sends all bytes; MSG_NOSIGNAL so a server-closed socket fails instead of killing the test process.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += sent
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends a request and reads its response.
    func exchange(
        _ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = []
    ) throws -> Response {
        try send(Self.request(method, target, host: hostHeader, headers: headers, body: body))
        return try readResponse(expectBody: method != "HEAD")
    }

    /// Reads one response framed by Content-Length.
    func readResponse(expectBody: Bool = true) throws -> Response {
        let head = try readHead()
        let length = expectBody ? Int(head.headers["content-length"] ?? "0") ?? 0 : 0
        while buffer.count < length {
            guard try fill() else { throw Failure(description: "closed inside body") }
        }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return Response(status: head.status, headers: head.headers, body: body)
    }

    /// Reads one chunk of a chunked body; nil for the last (empty) chunk.
    func readChunk() throws -> [UInt8]? {
        var lineEnd = find([13, 10])
        while lineEnd == nil {
            guard try fill() else { throw Failure(description: "closed inside chunked body") }
            lineEnd = find([13, 10])
        }
        let sizeLine = String(decoding: buffer[..<lineEnd!], as: UTF8.self)
        guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else {
            throw Failure(description: "bad chunk size line '\(sizeLine)'")
        }
        while buffer.count < lineEnd! + 2 + size + 2 {
            guard try fill() else { throw Failure(description: "closed inside a chunk") }
        }
        let chunk = Array(buffer[(lineEnd! + 2)..<(lineEnd! + 2 + size)])
        buffer.removeFirst(lineEnd! + 2 + size + 2)
        return size == 0 ? nil : chunk
    }

    /// Reads a status line and headers; the body stays buffered.
    func readHead() throws -> (status: Int, headers: [String: String]) {
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = find([13, 10, 13, 10])
            if headerEnd == nil { guard try fill() else { throw Failure(description: "closed before headers") } }
        }
        let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
        buffer.removeFirst(headerEnd! + 4)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line in \(head)")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].drop(while: { $0 == " " })
            headers[name] = headers[name].map { $0 + ", " + value } ?? String(value)
        }
        return (status, headers)
    }

    /// True when the server closed the connection (EOF) before the read timeout.
    func waitForClose() throws -> Bool {
        while true {
            do {
                if try !fill() { return true }
            } catch { return false }
        }
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for start in 0...(buffer.count - needle.count) where buffer[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }

    /// Reads more; false on EOF; throws on timeout or error.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count == 0 { return false }
        guard count > 0 else {
            let code = errno
            if code == ECONNRESET { return false }
            throw Failure(description: "recv: errno \(code)")
        }
        buffer += chunk[..<count]
        return true
    }
}
