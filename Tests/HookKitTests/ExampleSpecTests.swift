import Foundation
import Testing
@testable import HookKit

/// Every spec in `config/examples/` parses and builds its model for the data it names.
@Suite("Example specs")
struct ExampleSpecTests {
    static let directory = TorchPython.repository.appendingPathComponent("config/examples")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test func oneExamplePerArchFamily() throws {
        let archs = try Self.files.map { try RunSpec.load(path: Self.directory.appendingPathComponent($0).path).model.arch }
        // Every family has one; the resnets have two (resnet34 fine-tuning, resnet18 on photos).
        #expect(Set(archs).isSuperset(of: [.simpleCNN, .mlp, .resnet34, .sequential]))
        #expect(Set(ModelSpec.Arch.allCases).subtracting(archs).isEmpty, "an arch without an example")
    }

    @Test(arguments: files)
    func parsesAndBuilds(_ file: String) throws {
        var spec = try RunSpec.load(path: Self.directory.appendingPathComponent(file).path)
        // The weights file is the user's; the model itself must build for the data's shape.
        spec.model.weights = nil
        let shape = spec.data.format == .imageFolder ? [spec.data.channels ?? 3] + (spec.data.size ?? [224, 224]) : [1, 28, 28]
        let model = try ModelFactory.make(spec.model, inputShape: shape, classes: spec.model.classes ?? 10)
        #expect(!model.parameters().isEmpty)
    }
}
