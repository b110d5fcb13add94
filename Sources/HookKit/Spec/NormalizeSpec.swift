import Datasets

/// `data.normalize`: the per-channel statistics batches are normalised with.
public enum NormalizeSpec: Sendable, Equatable {
    /// Computed over the training split (every image read once before training starts).
    case dataset
    /// Given: `"imagenet"` or `{"mean": [...], "std": [...]}`, so training starts at once.
    case fixed(Normalization)

    /// Reads `reader`'s `normalize` key (absent: `.dataset`).
    init(_ reader: JSONObjectReader) throws {
        let path = reader.child("normalize")
        switch reader.value("normalize") {
        case nil, .string("dataset"): self = .dataset
        case .string("imagenet"): self = .fixed(.imagenet)
        case .object?:
            let r = try reader.object("normalize")!
            guard let mean = try r.doubleArray("mean", range: -1000...1000) else {
                throw SpecError(path: r.child("mean"), message: "is required")
            }
            guard let std = try r.doubleArray("std", range: 1e-6...1000) else {
                throw SpecError(path: r.child("std"), message: "is required")
            }
            try r.finish()
            guard mean.count == std.count, mean.count == 1 || mean.count == 3 else {
                throw SpecError(path: path, message: "needs one mean and one std per channel (1 or 3), got \(mean.count) and \(std.count)")
            }
            self = .fixed(Normalization(mean: mean.map(Float.init), std: std.map(Float.init)))
        case let other?:
            throw SpecError(path: path, message: "expected \"dataset\", \"imagenet\" or {\"mean\": [...], \"std\": [...]}, got \(other)")
        }
    }
}
