import Foundation
import Testing

/// Whether this machine can run the IPv6 daemon tests. (HTTPServerTests has the same check in
/// `ServerFixture`; test targets cannot share code.)
enum IPv6Loopback {
    /// True when loopback has IPv6: `::1` is listed in /proc/net/if_inet6.
    static let isAvailable: Bool = {
        let interfaces = (try? String(contentsOfFile: "/proc/net/if_inet6", encoding: .utf8)) ?? ""
        return interfaces.contains("00000000000000000000000000000001")
    }()

    /// Why the IPv6 tests are skipped when `isAvailable` is false.
    static let skipped: Comment = "no IPv6 on loopback (::1 is not in /proc/net/if_inet6): IPv6 daemon tests skipped"
}
