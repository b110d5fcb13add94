import Foundation
import Testing

/// `/layers` and `/summary` agree on a run whose model was never built.
@Suite(.serialized) struct ModelNotBuiltTests {
    @Test("a run that failed before building its model answers 409 model_not_built on /layers and /summary")
    func failedBeforeBuild() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let missing = fixture.directory.path("no-such-dataset")
        let id = try daemon.submit(#"""
            {"name": "no-data", "model": {"arch": "mlp", "layers": [784, 10]},
             "data": {"format": "idx", "path": "\#(missing)"}, "train": {"epochs": 1}}
            """#)
        try daemon.waitForRun(id) { $0["status"] as? String == "failed" }
        for path in ["/layers?run=\(id)", "/summary?run=\(id)"] {
            let response = try daemon.client.get(path)
            #expect(response.status == 409, "\(path): \(response.text)")
            #expect(response.errorCode == "model_not_built", "\(path)")
        }
    }
}
