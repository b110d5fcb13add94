import Foundation
import Testing

/// The default spec (simple_cnn on Fashion-MNIST, one epoch) ends within 1.5 points of the
/// validation accuracy PyTorch reaches with the same model, optimizer, schedule and batch size
/// (recorded by scripts/make_accuracy_fixture.py), and being a healthy run raises no alert.
///
/// One run serves both (a debug epoch takes minutes): the default spec with its hooks widened
/// from `"modules": "params"` to `"all"`. Hooks only read, so training and accuracy are the
/// default's; the rules judge each layer on its own, and `all` hooks every layer `params` does
/// (and the ReLUs, pooling, flatten), so no alert here means none for the default hooks either.
@Suite("Default run accuracy")
struct DefaultRunAccuracyTests {
    struct PeerResult: Decodable {
        var valid_acc: Double
        var command: String
    }

    struct EpochLine: Decodable {
        var accuracy: Double
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func defaultSpecMatchesPyTorchWithinOnePointFive() throws {
        let fixture = Self.root.appendingPathComponent("Tests/CLITests/Fixtures/pytorch_default_run.json")
        let peer = try JSONDecoder().decode(PeerResult.self, from: Data(contentsOf: fixture))
        let defaultSpec = try String(contentsOf: Self.root.appendingPathComponent("config/default-run.json"), encoding: .utf8)
        let allModules = defaultSpec.replacingOccurrences(of: #""modules": "params""#, with: #""modules": "all""#)
        #expect(allModules != defaultSpec, "the default spec hooks modules: params")
        let dir = try Scratch()
        let spec = dir.path("default-all-modules.json")
        try allModules.write(toFile: spec, atomically: true, encoding: .utf8)
        let db = dir.path("default.sqlite")
        let result = try HookdProcess.run(["train", spec, "--json", "--db", db], timeout: 600)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("alert"), "\(result.stderr)")
        let alerts = try HookdProcess.run(["alerts", "--db", db, "--format", "json"])
        #expect(alerts.stdout == "{\"alerts\":[]}\n", "\(alerts.stdout)")
        let line = try #require(result.stdout.split(separator: "\n").last, "no epoch line: \(result.stderr)")
        let hookd = try JSONDecoder().decode(EpochLine.self, from: Data(line.utf8))
        #expect(abs(hookd.accuracy - peer.valid_acc) <= 0.015,
                "hookd \(hookd.accuracy) vs PyTorch \(peer.valid_acc) (\(peer.command))")
        #expect(hookd.accuracy > 0.8, "one epoch of simple_cnn on Fashion-MNIST reaches well over 80%")
    }
}
