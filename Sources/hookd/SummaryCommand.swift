import ArgumentParser
import Foundation
import HookKit
import Torch

/// `hookd summary (--spec FILE | --arch NAME …) [--json]`: fastai's model summary.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a model's summary: fastai's table, or JSON."
    )

    @Option(help: "Summarise the model of this run spec (its data decides the input shape).")
    var spec: String?

    @Option(help: "Architecture: simple_cnn, resnet18, resnet34 or mlp (a sequential model needs --spec).")
    var arch: String?

    @Option(help: "Output classes.")
    var classes: Int = 10

    @Option(help: "Input shape CxHxW, e.g. 3x224x224.")
    var input: String = "1x28x28"

    @Flag(help: "Freeze the resnet body (batch norm stays trainable).")
    var frozen = false

    @Flag(help: "Print JSON instead of the table.")
    var json = false

    func validate() throws {
        if (spec == nil) == (arch == nil) { throw ValidationError("give either --spec FILE or --arch NAME") }
    }

    func run() throws {
        do {
            let summary = try makeSummary()
            print(json ? String(decoding: try summary.json(), as: UTF8.self) : summary.text(), terminator: json ? "\n" : "")
        } catch {
            throw CLIFailure.exit(for: error, context: "summary")
        }
    }

    private func makeSummary() throws -> ModelSummary {
        if let spec {
            return try TrainingJob(spec: try RunSpec.load(path: spec)).summary
        }
        let shape = input.split(separator: "x").compactMap { Int($0) }
        guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--input must be CxHxW with positive sizes, got \(input)")
        }
        guard let archName = ModelSpec.Arch(rawValue: arch ?? "") else {
            throw ValidationError("unknown --arch \(arch ?? ""); expected simple_cnn, resnet18, resnet34 or mlp")
        }
        let model: Module
        switch archName {
        case .simpleCNN: model = try simpleCNN(channels: [shape[0], 16, 32, 64, classes], batchNorm: true)
        case .mlp: model = try mlp(layers: [shape.reduce(1, *), 200, classes])
        case .resnet18, .resnet34:
            let cnn = try CNNModel(arch: archName == .resnet18 ? .resnet18 : .resnet34, classes: classes, inChannels: shape[0])
            if frozen { try cnn.freezeBody() }
            model = cnn
        case .sequential:
            throw ValidationError("--arch sequential has its layers in a spec: use --spec FILE")
        }
        return try modelSummary(model, inputShape: shape, name: archName.rawValue)
    }
}
