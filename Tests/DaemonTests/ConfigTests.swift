import Foundation
import Testing

@testable import Daemon

@Suite struct ConfigTests {
    @Test func defaults() throws {
        let config = try DaemonConfig.load(path: nil, environment: [:])
        #expect(config.http.port == 8742)
    }
}
