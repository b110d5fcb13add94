import HTTPServer
import Statistics

/// The query of a per-batch series read (`/stats`, `/histograms`, `/runs/{id}/batches`): which
/// kind of hook, which batch range, how many rows at most; 400 for a malformed value.
struct SeriesQuery {
    var kind: HookKind
    var from: Int64?
    var to: Int64?
    var limit: Int?

    init(_ request: HTTPRequest) throws {
        let kindText = request.query["kind"] ?? "forward"
        guard let kind = HookKind(rawValue: kindText) else {
            throw HTTPError.badRequest("kind must be forward or backward, got '\(kindText)'", code: "invalid_parameter")
        }
        self.kind = kind
        from = try request.query["from"].map { try DaemonAPI.integer($0, name: "from") }
        to = try request.query["to"].map { try DaemonAPI.integer($0, name: "to") }
        limit = try request.query["limit"].map { Int(try DaemonAPI.integer($0, name: "limit", range: 2...1_000_000_000)) }
    }

    /// A cache key part that tells two queries apart.
    var key: String { "\(kind.rawValue)|\(from ?? -1)|\(to ?? -1)|\(limit ?? -1)" }
}
