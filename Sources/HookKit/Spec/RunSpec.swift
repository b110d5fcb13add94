import Datasets
import Foundation
import Health
import Statistics

/// A training run as users write it (SPEC §4): model, data, training settings and hooks.
///
/// Parsing is strict: unknown keys and wrong types are rejected with their JSON path.
public struct RunSpec: Sendable, Equatable {
    public var name: String
    public var model: ModelSpec
    public var data: DataSpec
    public var train: TrainSpec
    public var hooks: [HookSpec]
    /// Per-rule training-health overrides, applied over the daemon's `alerts` defaults.
    public var alerts: [RuleOverride]
    /// The spec as given, for storing with the run.
    public var source: JSONValue

    /// Parses and validates a spec document.
    public static func parse(_ data: Data) throws -> RunSpec {
        let document = try JSONValue.parse(data)
        let root = try JSONObjectReader(document)
        let name = try root.string("name") ?? "run"
        guard let modelReader = try root.object("model") else { throw SpecError(path: "$.model", message: "is required") }
        guard let dataReader = try root.object("data") else { throw SpecError(path: "$.data", message: "is required") }
        let model = try ModelSpec(modelReader)
        let dataSpec = try DataSpec(dataReader)
        let train = try TrainSpec(try root.object("train"))
        let hooks = try (root.array("hooks") ?? [HookSpec.defaultJSON]).enumerated().map { index, value in
            try HookSpec(try JSONObjectReader(value, path: "$.hooks[\(index)]"))
        }
        let alerts = try AlertSpec.parse(in: root) ?? []
        try root.finish()
        let spec = RunSpec(name: name, model: model, data: dataSpec, train: train, hooks: hooks, alerts: alerts,
                           source: document)
        try spec.checkHooks(limit: .max)
        return spec
    }

    /// Refuses a module path hooked twice with one kind, or more than `limit` explicit paths,
    /// before any data loads; `TrainingJob` checks `"params"` and `"all"` once the model exists.
    public func checkHooks(limit: Int) throws {
        var claims = HookClaims(limit: limit)
        try claims.claimExplicitPaths(of: hooks)
    }

    /// Reads and parses a spec file; a missing file is reported with its path.
    public static func load(path: String) throws -> RunSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpecError(path: path, message: "cannot read the spec file")
        }
        do { return try parse(data) } catch let error as SpecError {
            throw SpecError(path: "\(path): \(error.path)", message: error.message)
        }
    }

    /// The spec as compact JSON text, as stored in the `runs` table.
    public var json: String {
        let data = try? JSONSerialization.data(withJSONObject: source.foundation, options: [.sortedKeys, .fragmentsAllowed])
        return data.flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }
}

/// `model`: which architecture, and its shape.
public struct ModelSpec: Sendable, Equatable {
    public enum Arch: String, Sendable, CaseIterable {
        case simpleCNN = "simple_cnn", resnet18, resnet34, mlp, sequential
    }

    /// mlp: the activation between its Linear layers.
    public enum Activation: String, Sendable, CaseIterable { case relu, sigmoid }

    public var arch: Arch
    /// simple_cnn: channels per layer, input channels first, classes last.
    public var channels: [Int]?
    public var kernelSizes: [Int]?
    public var strides: [Int]?
    public var batchNorm: Bool
    /// resnet: head outputs (defaults to the data's class count).
    public var classes: Int?
    /// resnet: freeze the body except its batch norm.
    public var frozen: Bool
    /// mlp: layer sizes, input first.
    public var layers: [Int]?
    /// sequential: the layers, in order (`layers` in the spec).
    public var sequentialLayers: [LayerSpec]?
    public var activation: Activation
    /// A PyTorch state_dict file loaded into the model before training.
    public var weights: String?
    /// Prepended to every key of the `weights` file (`"body."` for a torchvision resnet).
    public var weightsPrefix: String
    /// Refuse missing or unexpected keys (true), or load the keys that match (false).
    public var weightsStrict: Bool

    init(_ r: JSONObjectReader) throws {
        guard let arch = try r.choice("arch", Arch.self) else { throw SpecError(path: r.child("arch"), message: "is required") }
        self.arch = arch
        channels = try r.intArray("channels", range: 1...65536)
        kernelSizes = try r.intArray("kernel_sizes", range: 1...31)
        strides = try r.intArray("strides", range: 1...16)
        batchNorm = try r.bool("batch_norm") ?? false
        classes = try r.int("classes", range: 1...1_000_000)
        frozen = try r.bool("frozen") ?? false
        if arch == .sequential {
            sequentialLayers = try r.value("layers").map { try LayerSpec.parseList($0, path: r.child("layers")) }
        } else {
            layers = try r.intArray("layers", range: 1...1_000_000)
        }
        activation = try r.choice("activation", Activation.self) ?? .relu
        weights = try r.string("weights")
        weightsPrefix = try r.string("weights_prefix") ?? ""
        weightsStrict = try r.bool("weights_strict") ?? true
        try r.finish()
        if weights?.isEmpty == true { throw SpecError(path: r.child("weights"), message: "must be a file path") }
        for key in ["weights_prefix", "weights_strict"] where weights == nil && r.has(key) {
            throw SpecError(path: r.child(key), message: "applies only with \"weights\"")
        }
        if activation != .relu && arch != .mlp {
            throw SpecError(path: r.child("activation"), message: "applies to arch \"mlp\" only")
        }
        switch arch {
        case .simpleCNN:
            guard let channels, channels.count >= 2 else {
                throw SpecError(path: r.child("channels"), message: "simple_cnn needs at least two channel counts, e.g. [1, 16, 32, 64, 10]")
            }
            for (key, list) in [("kernel_sizes", kernelSizes), ("strides", strides)] {
                if let list, list.count != channels.count - 1 {
                    throw SpecError(path: r.child(key), message: "needs \(channels.count - 1) entries (one per layer), got \(list.count)")
                }
            }
        case .mlp:
            guard let layers, layers.count >= 2 else {
                throw SpecError(path: r.child("layers"), message: "mlp needs at least two sizes, e.g. [784, 200, 10]")
            }
        case .sequential:
            guard sequentialLayers != nil else {
                throw SpecError(path: r.child("layers"), message: "is required for arch \"sequential\", e.g. [{\"Flatten\": {}}, {\"Linear\": {\"in_features\": 784, \"out_features\": 10}}]")
            }
        case .resnet18, .resnet34:
            break
        }
    }
}

/// `data`: where the images come from.
public struct DataSpec: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        case idx, imageFolder = "image_folder", synthetic
    }

    /// image_folder: whether decoded images are kept for later epochs.
    public enum Cache: String, Sendable, CaseIterable { case none, memory }

    public var format: Format
    public var path: String?
    /// synthetic: image shape (C, H, W).
    public var shape: [Int]
    /// synthetic: number of classes.
    public var classes: Int
    /// synthetic: training and validation images.
    public var trainCount: Int
    public var validCount: Int
    /// image_folder: 1 (gray) or 3 (RGB); nil takes the first training image's.
    public var channels: Int?
    /// image_folder: `[height, width]` every image is resized ("squished") to; nil requires
    /// all images to have one size.
    public var size: [Int]?
    public var normalize: NormalizeSpec
    /// Threads that decode and augment batches; nil: the cores training does not use.
    public var workers: Int?
    public var cache: Cache
    /// Training batches only; off unless asked for.
    public var augment: Augmentation

    init(_ r: JSONObjectReader) throws {
        guard let format = try r.choice("format", Format.self) else { throw SpecError(path: r.child("format"), message: "is required") }
        self.format = format
        path = try r.string("path")
        shape = try r.intArray("shape", range: 1...4096) ?? [1, 28, 28]
        classes = try r.int("classes", range: 2...100_000) ?? 10
        trainCount = try r.int("train_count", range: 1...10_000_000) ?? 512
        validCount = try r.int("valid_count", range: 1...10_000_000) ?? 128
        channels = try r.int("channels")
        size = try r.intArray("size", range: 1...16384)
        normalize = try NormalizeSpec(r)
        workers = try r.int("workers", range: 1...1024)
        cache = try r.choice("cache", Cache.self) ?? .none
        augment = try r.object("augment").map(Augmentation.init) ?? Augmentation()
        try r.finish()
        if format != .synthetic && (path ?? "").isEmpty {
            throw SpecError(path: r.child("path"), message: "is required for format \"\(format.rawValue)\"")
        }
        if shape.count != 3 { throw SpecError(path: r.child("shape"), message: "must be [channels, height, width]") }
        for (key, given) in [("channels", channels != nil), ("size", size != nil), ("cache", r.has("cache"))]
        where given && format != .imageFolder {
            throw SpecError(path: r.child(key), message: "applies to format \"image_folder\" only")
        }
        if let channels, channels != 1 && channels != 3 {
            throw SpecError(path: r.child("channels"), message: "must be 1 (gray) or 3 (RGB), got \(channels)")
        }
        if let size, size.count != 2 { throw SpecError(path: r.child("size"), message: "must be [height, width]") }
    }
}

/// `train`: epochs, batch size, optimizer and schedule.
public struct TrainSpec: Sendable, Equatable {
    public enum OptimizerName: String, Sendable, CaseIterable { case adam, adamw, sgd }
    public enum Schedule: String, Sendable, CaseIterable { case oneCycle = "one_cycle", constant }

    public var epochs = 1
    public var batchSize = 64
    public var optimizer = OptimizerName.adam
    public var lr = 0.003
    public var schedule = Schedule.oneCycle
    public var seed: UInt64 = 42
    public var momentum = 0.9
    public var weightDecay = 0.0
    /// Intra-op threads; nil uses the configured default (online cores).
    public var threads: Int?
    /// Data-parallel: this run is one rank of several; nil trains alone.
    public var distributed: DistributedSpec?

    init(_ reader: JSONObjectReader?) throws {
        guard let r = reader else { return }
        epochs = try r.int("epochs", range: 1...100_000) ?? epochs
        batchSize = try r.int("batch_size", range: 1...65536) ?? batchSize
        optimizer = try r.choice("optimizer", OptimizerName.self) ?? optimizer
        lr = try r.double("lr", range: 1e-12...100) ?? lr
        schedule = try r.choice("schedule", Schedule.self) ?? schedule
        seed = UInt64(try r.int("seed", range: 0...Int(Int32.max)) ?? Int(seed))
        momentum = try r.double("momentum", range: 0...1) ?? momentum
        weightDecay = try r.double("weight_decay", range: 0...10) ?? weightDecay
        threads = try r.int("threads", range: 1...1024)
        distributed = try r.object("distributed").map(DistributedSpec.init)
        try r.finish()
    }
}

/// `hooks[]`: which modules to watch, in which direction, which statistics, how often.
public struct HookSpec: Sendable, Equatable {
    public enum Modules: Sendable, Equatable {
        /// Leaf modules with parameters (fastai's default).
        case params
        /// Every leaf module.
        case all
        case paths([String])
    }


    public var modules: Modules
    public var kind: HookKind
    public var stats: [Stat]
    public var every: Int

    static let defaultJSON = JSONValue.object(["modules": .string("params")])

    public init(modules: Modules = .params, kind: HookKind = .forward, stats: [Stat] = Stat.defaults, every: Int = 1) {
        self.modules = modules
        self.kind = kind
        self.stats = stats
        self.every = every
    }

    init(_ r: JSONObjectReader) throws {
        switch r.value("modules") {
        case nil, .string("params"): modules = .params
        case .string("all"): modules = .all
        case .array:
            modules = .paths(try r.stringArray("modules") ?? [])
        case let other?:
            throw SpecError(path: r.child("modules"), message: "expected \"params\", \"all\" or an array of module paths, got \(other)")
        }
        kind = try r.choice("kind", HookKind.self) ?? .forward
        stats = try r.stringArray("stats").map { try Stat.parse($0, path: r.child("stats")) } ?? Stat.defaults
        every = try r.int("every", range: 1...1_000_000) ?? 1
        try r.finish()
    }
}
