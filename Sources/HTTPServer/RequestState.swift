#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Per-request state behind microhttpd's `*con_cls`, from the request line to the completed callback.
///
/// Not Sendable and needs no lock: microhttpd drives each connection from one thread at a time,
/// and a request belongs to one connection.
final class RequestState {
    /// The raw request target (path and query, still percent-encoded) from the URI log callback.
    let target: String
    /// The client's numeric address.
    let remoteAddress: String?
    /// Set by the first access-handler call, which only records that headers are complete.
    var sawHeaders = false
    /// The body received so far.
    var body = Data()
    /// True once the body passed `maxBodyBytes`: the rest is discarded, and the answer is 413.
    var tooLarge = false
    /// Bytes thrown away after `tooLarge`; past a cap the connection is dropped instead.
    var discardedBytes = 0
    /// Whether `ServerContext.inFlight` still counts this request.
    var inFlight = true

    init(target: String, remoteAddress: String?) {
        self.target = target
        self.remoteAddress = remoteAddress
    }
}
