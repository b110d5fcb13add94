import Datasets

extension Augmentation {
    /// Reads `data.augment`: `{"flip": true, "pad_crop": 4, "random_resized_crop": {"scale": [0.35, 1]}}`,
    /// every key optional (absent: that change is off).
    init(_ r: JSONObjectReader) throws {
        self.init(flip: try r.bool("flip") ?? false, padCrop: try r.int("pad_crop", range: 0...1024) ?? 0)
        if let crop = try r.object("random_resized_crop") {
            guard let scale = try crop.doubleArray("scale", range: 0...1) else {
                throw SpecError(path: crop.child("scale"), message: "is required, e.g. [0.35, 1]")
            }
            try crop.finish()
            guard scale.count == 2, scale[0] > 0, scale[0] <= scale[1] else {
                throw SpecError(path: crop.child("scale"), message: "must be [smallest, largest] area fractions with 0 < smallest <= largest <= 1")
            }
            resizedCropScale = scale[0]...scale[1]
        }
        try r.finish()
    }
}
