import Foundation

/// MNIST-layout data sets (MNIST, Fashion-MNIST, KMNIST) stored as four IDX files in one folder.
public enum IDXDataset {
    /// Fashion-MNIST's class names, in label order.
    public static let fashionMNISTClasses = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]
    /// MNIST's class names ("0" … "9"), in label order.
    public static let digitClasses = (0..<10).map(String.init)

    /// Loads `train-*` as the training split and `t10k-*` as the validation split.
    ///
    /// Each file is looked up as `NAME` first, then `NAME.gz` (Debian's
    /// `dataset-fashion-mnist` ships the gzip'd ones in /usr/share/datasets/fashion-mnist).
    /// - Parameters:
    ///   - directory: the folder holding the four files.
    ///   - classes: class names; labels must lie in `0..<classes.count`. When nil, the
    ///     Fashion-MNIST names are used if the folder name contains "fashion", else "0"…"9".
    /// - Throws: `DatasetError`: `.directoryNotFound`, `.fileNotFound` (naming both names
    ///   tried), any `IDXFile` error, `.countMismatch`, `.labelOutOfRange`, `.sizeMismatch`
    ///   when train and t10k images differ in size.
    public static func load(directory: String, classes: [String]? = nil) throws -> DatasetSplits {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError.directoryNotFound(path: directory)
        }
        let names = classes ?? defaultClasses(for: directory)
        let train = try loadSplit(directory: directory, prefix: "train", classes: names)
        let valid = try loadSplit(directory: directory, prefix: "t10k", classes: names)
        guard train.split.shape == valid.split.shape else {
            throw DatasetError.sizeMismatch(
                path: valid.imagesPath, expected: describe(train.split.shape), found: describe(valid.split.shape))
        }
        return try DatasetSplits(train: train.split, valid: valid.split)
    }

    /// Reads one images file and one labels file as a split.
    /// - Throws: as `load(directory:classes:)`.
    public static func loadSplit(imagesPath: String, labelsPath: String, classes: [String]) throws -> LabeledImages {
        guard !classes.isEmpty else { throw DatasetError.invalidArgument("a data set needs at least one class") }
        let images = try IDXFile.read(path: imagesPath, kind: .images)
        let labelsFile = try IDXFile.read(path: labelsPath, kind: .labels)
        let count = images.dimensions[0]
        guard count == labelsFile.dimensions[0] else {
            throw DatasetError.countMismatch(
                imagesPath: imagesPath, images: count, labelsPath: labelsPath, labels: labelsFile.dimensions[0])
        }
        let classCount = classes.count
        var labels = [Int64]()
        labels.reserveCapacity(count)
        for (index, byte) in labelsFile.bytes.enumerated() {
            guard Int(byte) < classCount else {
                throw DatasetError.labelOutOfRange(path: labelsPath, index: index, label: Int(byte), classes: classCount)
            }
            labels.append(Int64(byte))
        }
        let (height, width) = (images.dimensions[1], images.dimensions[2])
        guard height > 0, width > 0 else {
            throw DatasetError.sizeMismatch(path: imagesPath, expected: "images of at least 1×1", found: "\(height)×\(width)")
        }
        // IDX images are rows × columns of one byte: already N×1×H×W, no copy needed.
        return LabeledImages(unchecked: 1, height, width, images.bytes, labels, classes)
    }

    private static func loadSplit(directory: String, prefix: String, classes: [String]) throws
        -> (split: LabeledImages, imagesPath: String)
    {
        let imagesPath = try locate(directory: directory, name: "\(prefix)-images-idx3-ubyte")
        let labelsPath = try locate(directory: directory, name: "\(prefix)-labels-idx1-ubyte")
        return (try loadSplit(imagesPath: imagesPath, labelsPath: labelsPath, classes: classes), imagesPath)
    }

    private static func locate(directory: String, name: String) throws -> String {
        let plain = (directory as NSString).appendingPathComponent(name)
        for candidate in [plain, plain + ".gz"] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        throw DatasetError.fileNotFound(path: "\(plain)(.gz)")
    }

    private static func defaultClasses(for directory: String) -> [String] {
        let name = URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent.lowercased()
        return name.contains("fashion") ? fashionMNISTClasses : digitClasses
    }

    private static func describe(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "×") }
}
