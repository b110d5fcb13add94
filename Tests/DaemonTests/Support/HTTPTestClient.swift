import Foundation
import HTTPServer
#if canImport(Glibc)
import Glibc
#endif

/// A small blocking HTTP/1.1 client over a POSIX socket: one request per connection
/// (`Connection: close`), read to EOF. Enough to drive the real daemon from tests.
struct HTTPTestClient {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// A response: status, lower-cased headers, body.
    struct Response {
        let status: Int
        let headers: [String: String]
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        /// The body parsed as a JSON object (empty when it is not one).
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        /// `error.code` of a SPEC §5 error body.
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        /// `error.message` of a SPEC §5 error body ("" when absent).
        var errorMessage: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
    }

    /// The daemon's address: an IPv4 or IPv6 literal (`127.0.0.1`, `::1`).
    var host = "127.0.0.1"
    let port: UInt16
    var token: String?
    var timeoutSeconds = 20

    func get(_ target: String) throws -> Response { try send("GET", target) }

    func post(_ target: String, json: String, contentType: String = "application/json") throws -> Response {
        try send("POST", target, body: Data(json.utf8), headers: ["Content-Type": contentType])
    }

    func delete(_ target: String) throws -> Response { try send("DELETE", target) }

    func send(_ method: String, _ target: String, body: Data = Data(), headers: [String: String] = [:],
              authorize: Bool = true) throws -> Response {
        let address = try ListenAddress(host)
        let fd = socket(address.family == .ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let connected = address.withSocketAddress(port: port) { connect(fd, $0, $1) }
        guard connected == 0 else { throw Failure(description: "connect to \(address.urlHost):\(port): errno \(errno)") }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(address.urlHost):\(port)\r\nConnection: close\r\n"
        var all = headers
        if authorize, let token { all["Authorization"] = "Bearer \(token)" }
        for (name, value) in all { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        let request = Data((head + "\r\n").utf8) + body
        var offset = 0
        while offset < request.count {
            let sent = request[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // The server may answer (413) and close before the whole body went out.
            if sent <= 0 { break }
            offset += sent
        }
        var received = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { break }
            received.append(contentsOf: chunk[0..<n])
        }
        return try Self.parse(received)
    }

    static func parse(_ data: Data) throws -> Response {
        guard let end = data.range(of: Data("\r\n\r\n".utf8)) else {
            throw Failure(description: "no complete response (\(data.count) bytes)")
        }
        let lines = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "bad status line \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(data[end.upperBound...])
        if let length = headers["content-length"].flatMap(Int.init), body.count > length { body = body.prefix(length) }
        return Response(status: status, headers: headers, body: body)
    }
}
