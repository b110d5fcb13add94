import Foundation
import Torch

/// fastai's `model_summary`: one row per leaf module that ran on a dummy input, and totals.
public struct ModelSummary: Sendable, Codable, Equatable {
    /// One leaf module.
    public struct Layer: Sendable, Codable, Equatable {
        public var index: Int
        public var path: String
        public var type: String
        /// Output shape without the batch dimension.
        public var outputShape: [Int]
        public var params: Int
        public var trainable: Bool

        enum CodingKeys: String, CodingKey {
            case index, path, type, params, trainable
            case outputShape = "output_shape"
        }
    }

    public var model: String
    /// Input shape without the batch dimension.
    public var inputShape: [Int]
    public var layers: [Layer]
    /// Parameters of the whole model, each tensor once (tied weights count once).
    public var totalParams: Int
    public var trainableParams: Int
    public var nonTrainableParams: Int

    enum CodingKeys: String, CodingKey {
        case model, layers
        case inputShape = "input_shape"
        case totalParams = "total_params"
        case trainableParams = "trainable_params"
        case nonTrainableParams = "non_trainable_params"
    }

    public init(model: String, inputShape: [Int], layers: [Layer], totalParams: Int, trainableParams: Int) {
        self.model = model
        self.inputShape = inputShape
        self.layers = layers
        self.totalParams = totalParams
        self.trainableParams = trainableParams
        nonTrainableParams = totalParams - trainableParams
    }

    /// The summary JSON of SPEC §5 (keys in a stable order).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// fastai's text table: `Layer (type)`, `Output Shape`, `Param #`, `Trainable`, rules and totals.
    public func text(width: Int = 70) -> String {
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        let rule = String(repeating: "=", count: width)
        var out = "\(model)\n\(rule)\n"
        out += "\(pad("Layer (type)", 20)) \(pad("Output Shape", 20)) \(pad("Param #", 10)) \(pad("Trainable", 10))\n\(rule)\n"
        for layer in layers {
            let shape = "[" + layer.outputShape.map(String.init).joined(separator: ", ") + "]"
            out += "\(pad(layer.type, 20)) \(pad(shape, 20)) \(pad(Self.grouped(layer.params), 10)) \(pad(layer.trainable ? "True" : "False", 10))\n"
            out += String(repeating: "_", count: width) + "\n"
        }
        out += "\nTotal params: \(Self.grouped(totalParams))\n"
        out += "Total trainable params: \(Self.grouped(trainableParams))\n"
        out += "Total non-trainable params: \(Self.grouped(nonTrainableParams))\n"
        return out
    }

    /// 29178 -> "29,178", as Python's `{:,}`.
    static func grouped(_ n: Int) -> String {
        let digits = String(Swift.abs(n))
        var result = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { result.append(",") }
            result.append(ch)
        }
        return n < 0 ? "-" + result : result
    }
}

/// The summary of `model` on a dummy input of `inputShape` (C, H, W) or on `input` (batch included).
///
/// Rows follow module order (fastai's `flatten_model`) and list only leaves that ran.
public func modelSummary(_ model: Module, inputShape: [Int]? = nil, input: Tensor? = nil, name: String? = nil) throws -> ModelSummary {
    let leaves = model.leafModules()
    let x: Tensor
    if let input { x = input } else if let inputShape { x = try Tensor.rand([1] + inputShape) * 2 - 1 } else {
        throw TorchError("model_summary", "give an input shape or an input tensor")
    }
    let rows: [ModelSummary.Layer] = try withHooks(leaves.map(\.module), { _, _, output in output.shape }) { hooks in
        _ = try evaluating(model) { try model(x) }
        return zip(leaves, hooks.stored).enumerated().compactMap { index, pair -> ModelSummary.Layer? in
            let ((path, module), shape) = pair
            guard let shape else { return nil }
            let (count, trainable) = totalParams(module)
            return ModelSummary.Layer(index: index, path: path, type: module.typeName, outputShape: Array(shape.dropFirst()),
                                      params: count, trainable: trainable)
        }
    }
    let params = model.parameters()
    let total = params.reduce(0) { $0 + $1.count }
    let trainable = params.filter(\.requiresGrad).reduce(0) { $0 + $1.count }
    let reindexed = rows.enumerated().map { i, row in var r = row; r.index = i; return r }
    return ModelSummary(model: name ?? model.typeName, inputShape: Array(x.shape.dropFirst()), layers: reindexed,
                        totalParams: total, trainableParams: trainable)
}
