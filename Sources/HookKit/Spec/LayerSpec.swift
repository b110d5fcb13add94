import Torch

/// One entry of a `sequential` model's `layers` (SPEC §4): a PyTorch class name and its
/// constructor's keyword arguments, e.g. `{"Conv2d": {"in_channels": 1, "out_channels": 16,
/// "kernel_size": 3}}`, with PyTorch's defaults for the arguments left out.
public indirect enum LayerSpec: Sendable, Equatable {
    case conv2d(inChannels: Int, outChannels: Int, kernelSize: Pair, stride: Pair, padding: Pair, dilation: Pair,
                groups: Int, bias: Bool)
    /// `BatchNorm1d` (`dims` 1) or `BatchNorm2d` (`dims` 2).
    case batchNorm(dims: Int, features: Int, eps: Double, momentum: Double, affine: Bool, trackRunningStats: Bool)
    case linear(inFeatures: Int, outFeatures: Int, bias: Bool)
    case relu, sigmoid, tanh
    case leakyReLU(negativeSlope: Double)
    case gelu(tanhApproximation: Bool)
    case maxPool2d(kernelSize: Pair, stride: Pair?, padding: Pair, dilation: Pair, ceilMode: Bool)
    case avgPool2d(kernelSize: Pair, stride: Pair?, padding: Pair, ceilMode: Bool, countIncludePad: Bool)
    case adaptiveAvgPool2d(outputSize: Pair)
    case adaptiveConcatPool2d(outputSize: Pair)
    case flatten(startDim: Int, endDim: Int)
    case dropout(p: Double)
    case embedding(count: Int, dimension: Int, paddingIndex: Int?)
    case sequential([LayerSpec])
    /// `body(x) + shortcut(x)`; no shortcut is the identity.
    case residual(body: [LayerSpec], shortcut: [LayerSpec]?)

    /// The class names a layer may have, as PyTorch spells them.
    public static let classNames = [
        "Conv2d", "BatchNorm1d", "BatchNorm2d", "Linear", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU",
        "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveConcatPool2d", "Flatten", "Dropout", "Embedding",
        "Sequential", "Residual",
    ]

    /// Parses a layer list at `path` (e.g. `$.model.layers`); it must not be empty.
    public static func parseList(_ value: JSONValue, path: String) throws -> [LayerSpec] {
        guard case .array(let items) = value else {
            throw SpecError(path: path, message: "expected an array of layers, got \(value.typeName)")
        }
        guard !items.isEmpty else { throw SpecError(path: path, message: "needs at least one layer") }
        return try items.enumerated().map { index, item in try LayerSpec(item, path: "\(path)[\(index)]") }
    }

    /// Parses one `{"ClassName": {...}}` object at `path`.
    public init(_ value: JSONValue, path: String) throws {
        guard case .object(let fields) = value, fields.count == 1, let (name, arguments) = fields.first else {
            throw SpecError(path: path, message: "expected a one-key object naming the layer class, e.g. {\"ReLU\": {}}, got \(value.typeName)")
        }
        let at = "\(path).\(name)"
        switch name {
        case "Sequential":
            self = .sequential(try Self.parseList(arguments, path: at))
            return
        case "Residual":
            let r = try JSONObjectReader(arguments, path: at)
            guard let body = r.value("body") else { throw SpecError(path: r.child("body"), message: "is required") }
            let layers = try Self.parseList(body, path: r.child("body"))
            let shortcut = try r.value("shortcut").map { try Self.parseList($0, path: r.child("shortcut")) }
            try r.finish()
            self = .residual(body: layers, shortcut: shortcut)
            return
        default:
            break
        }
        let r = try JSONObjectReader(arguments, path: at)
        switch name {
        case "Conv2d":
            let (inChannels, outChannels) = (try r.required("in_channels"), try r.required("out_channels"))
            self = .conv2d(inChannels: inChannels, outChannels: outChannels,
                           kernelSize: try r.requiredPair("kernel_size"), stride: try r.pair("stride") ?? 1,
                           padding: try r.pair("padding", minimum: 0) ?? 0, dilation: try r.pair("dilation") ?? 1,
                           groups: try r.int("groups", range: 1...65536) ?? 1, bias: try r.bool("bias") ?? true)
        case "BatchNorm1d", "BatchNorm2d":
            self = .batchNorm(dims: name == "BatchNorm1d" ? 1 : 2, features: try r.required("num_features"),
                              eps: try r.double("eps", range: 1e-30...1) ?? 1e-5, momentum: try r.double("momentum", range: 0...1) ?? 0.1,
                              affine: try r.bool("affine") ?? true, trackRunningStats: try r.bool("track_running_stats") ?? true)
        case "Linear":
            let (inFeatures, outFeatures) = (try r.required("in_features"), try r.required("out_features"))
            self = .linear(inFeatures: inFeatures, outFeatures: outFeatures, bias: try r.bool("bias") ?? true)
        case "ReLU":
            _ = try r.bool("inplace")
            self = .relu
        case "LeakyReLU":
            let slope = try r.double("negative_slope", range: -1e6...1e6) ?? 0.01
            _ = try r.bool("inplace")
            self = .leakyReLU(negativeSlope: slope)
        case "Sigmoid": self = .sigmoid
        case "Tanh": self = .tanh
        case "GELU":
            let approximate = try r.string("approximate") ?? "none"
            guard approximate == "none" || approximate == "tanh" else {
                throw SpecError(path: r.child("approximate"), message: "unknown value \"\(approximate)\"; expected \"none\" or \"tanh\"")
            }
            self = .gelu(tanhApproximation: approximate == "tanh")
        case "MaxPool2d":
            self = .maxPool2d(kernelSize: try r.requiredPair("kernel_size"), stride: try r.pair("stride"),
                              padding: try r.pair("padding", minimum: 0) ?? 0, dilation: try r.pair("dilation") ?? 1,
                              ceilMode: try r.bool("ceil_mode") ?? false)
        case "AvgPool2d":
            self = .avgPool2d(kernelSize: try r.requiredPair("kernel_size"), stride: try r.pair("stride"),
                              padding: try r.pair("padding", minimum: 0) ?? 0, ceilMode: try r.bool("ceil_mode") ?? false,
                              countIncludePad: try r.bool("count_include_pad") ?? true)
        case "AdaptiveAvgPool2d":
            self = .adaptiveAvgPool2d(outputSize: try r.requiredPair("output_size"))
        case "AdaptiveConcatPool2d":
            self = .adaptiveConcatPool2d(outputSize: try r.pair("size") ?? 1)
        case "Flatten":
            self = .flatten(startDim: try r.int("start_dim", range: -16...16) ?? 1, endDim: try r.int("end_dim", range: -16...16) ?? -1)
        case "Dropout":
            let p = try r.double("p", range: 0...1) ?? 0.5
            _ = try r.bool("inplace")
            self = .dropout(p: p)
        case "Embedding":
            let (count, dimension) = (try r.required("num_embeddings"), try r.required("embedding_dim"))
            let padding = try r.int("padding_idx", range: -count...(count - 1))
            // PyTorch counts a negative padding_idx from the end.
            self = .embedding(count: count, dimension: dimension, paddingIndex: padding.map { $0 < 0 ? count + $0 : $0 })
        default:
            let names = Self.classNames.joined(separator: ", ")
            throw SpecError(path: at, message: "unknown layer class \"\(name)\"; expected one of \(names)")
        }
        try r.finish()
    }

    /// The JSON path of the layer that builds the module at `modulePath` (`2.body.0`) in a
    /// list parsed at `base`, e.g. `$.model.layers[2].Residual.body[0]`; nil when none does.
    public static func jsonPath(ofModule modulePath: String, in layers: [LayerSpec], base: String) -> String? {
        var parts = modulePath.split(separator: ".").map(String.init)
        var list = layers
        var path = base
        while !parts.isEmpty {
            guard let index = Int(parts.removeFirst()), list.indices.contains(index) else { return nil }
            path += "[\(index)]"
            switch list[index] {
            case .sequential(let inner):
                guard !parts.isEmpty else { return path }
                path += ".Sequential"
                list = inner
            case .residual(let body, let shortcut):
                guard let branch = parts.first else { return path }
                parts.removeFirst()
                guard let chosen = branch == "body" ? body : branch == "shortcut" ? shortcut : nil else { return nil }
                path += ".Residual.\(branch)"
                list = chosen
            default:
                // Inside a leaf layer class (AdaptiveConcatPool2d's `ap`/`mp`): that layer.
                return path
            }
        }
        return path
    }
}

private extension JSONObjectReader {
    func required(_ key: String) throws -> Int {
        guard let n = try int(key, range: 1...1_000_000) else { throw SpecError(path: child(key), message: "is required") }
        return n
    }

    func requiredPair(_ key: String) throws -> Pair {
        guard let pair = try pair(key) else { throw SpecError(path: child(key), message: "is required") }
        return pair
    }

    /// An integer or `[height, width]`, as PyTorch takes sizes.
    func pair(_ key: String, minimum: Int = 1) throws -> Pair? {
        let range = minimum...4096
        guard let v = value(key) else { return nil }
        if case .array = v {
            guard let values = try intArray(key, range: range), values.count == 2 else {
                throw SpecError(path: child(key), message: "expected an integer or [height, width]")
            }
            return Pair(values[0], values[1])
        }
        guard let n = try int(key, range: range) else { return nil }
        return Pair(n, n)
    }
}
