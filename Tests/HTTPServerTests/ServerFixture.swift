import Foundation
import Platform
import Testing

@testable import HTTPServer

/// Routes the wire tests share: echo endpoints that expose what the server saw.
enum ServerFixture {
    struct Echo: Codable {
        let method: String
        let path: String
        let layer: String?
        let query: [String: String]
        let bodyBytes: Int
        let remote: String?
    }

    struct Spec: Decodable {
        struct Train: Decodable { let epochs: Int }
        let name: String
        let train: Train
    }

    static func router(token: String? = nil) -> Router {
        var router = Router(token: token.flatMap(BearerToken.init)) { _, _ in }
        let echo: Router.Handler = { request in
            try .json(Echo(
                method: request.method.rawValue, path: request.path, layer: request.pathParameters["layer"],
                query: request.query, bodyBytes: request.body.count, remote: request.remoteAddress))
        }
        router.get("/health") { _ in .json(Data(#"{"status":"ok"}"#.utf8)) }
        router.get("/stats/{layer}", echo)
        router.post("/echo", echo)
        router.post("/runs") { request in
            let spec = try request.decodeJSON(Spec.self)
            return try .json(["name": spec.name, "epochs": String(spec.train.epochs)], status: .accepted)
        }
        router.delete("/runs/{id}") { request in try .json(["cancelled": try request.parameter("id")]) }
        router.get("/nice") { _ in .text(String(ThreadPriority.currentNice)) }
        return router
    }

    /// A started server on 127.0.0.1 with an ephemeral port; stopped when `body` returns.
    static func withServer<T>(
        _ config: HTTPServerConfig = HTTPServerConfig(port: 0, logErrors: false), token: String? = nil,
        _ body: (HTTPServer, UInt16) throws -> T
    ) throws -> T {
        let server = HTTPServer(config: config, router: router(token: token))
        try server.start()
        defer { server.stop() }
        return try body(server, server.port!)
    }

    /// Whether loopback has IPv6 (`::1` is listed in /proc/net/if_inet6), so tests can listen on it.
    static let hasIPv6Loopback: Bool = {
        let interfaces = (try? String(contentsOfFile: "/proc/net/if_inet6", encoding: .utf8)) ?? ""
        return interfaces.contains("00000000000000000000000000000001")
    }()

    /// Why the IPv6 tests are skipped when `hasIPv6Loopback` is false.
    static let noIPv6Loopback: Comment = "no IPv6 on loopback (::1 is not in /proc/net/if_inet6): IPv6 socket tests skipped"

    static func decode<T: Decodable>(_ type: T.Type, _ response: RawHTTPClient.Response) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(response.body))
    }
}
