import Foundation

/// Image folders in fastai's `ImageDataBunch.from_folder` layout:
/// `root/train/<class>/*` and `root/valid/<class>/*`.
///
/// Classes are the sorted names of `train`'s subfolders; `valid` may hold a subset of them.
/// Files named `*.png`, `*.jpg` or `*.jpeg` (any case) are read, in sorted order, so the same
/// folder always gives the same arrays; their contents, not their names, say whether they are
/// PNG or JPEG. Other files (`Thumbs.db`, `notes.txt`) and hidden entries (`.DS_Store`) are
/// skipped, as torchvision's `ImageFolder` skips them.
public enum ImageFolder {
    /// Loads both splits as `LabeledImages` of one shape, every image decoded up front
    /// (`open` streams instead).
    /// - Parameters: as `open`.
    /// - Throws: as `open`, and for the first file (by order) that does not decode:
    ///   `.corruptImage`, `.unsupportedImage`, `.sizeMismatch`, naming the path.
    public static func load(root: String, channels: Int? = nil, size: (height: Int, width: Int)? = nil) throws
        -> DatasetSplits
    {
        let (train, valid) = try open(root: root, channels: channels, size: size)
        return try DatasetSplits(train: train.decodeAll(), valid: valid.decodeAll())
    }

    /// Lists both splits' files; images are decoded when a loader asks for them.
    /// - Parameters:
    ///   - root: the folder holding `train` and `valid`.
    ///   - channels: 1 (gray) or 3 (RGB); nil takes the first training image's (colour → 3).
    ///   - size: `(height, width)` every image is resized to, ignoring its aspect ratio
    ///     (fastai's `Resize(method='squish')`) by bilinear interpolation as
    ///     `F.interpolate(mode="bilinear", align_corners=False, antialias=False)` computes it,
    ///     rounded back to bytes. Nil keeps images as they are, which must then all have the
    ///     first training image's size.
    ///   - cache: keep each image once decoded (`data.cache: "memory"`).
    /// - Throws: `DatasetError`: `.directoryNotFound`, `.noImages`, `.emptyClass`,
    ///   `.unknownClass`, `.invalidArgument`, and for the first training image's header
    ///   `.corruptImage`, `.unsupportedImage`, naming the path.
    public static func open(root: String, channels: Int? = nil, size: (height: Int, width: Int)? = nil,
                            cache: Bool = false) throws -> (train: ImageFiles, valid: ImageFiles)
    {
        if let channels, channels != 1 && channels != 3 {
            throw DatasetError.invalidArgument("channels must be 1 (gray) or 3 (RGB), got \(channels)")
        }
        if let size, size.height <= 0 || size.width <= 0 {
            throw DatasetError.invalidArgument("image size must be positive, got \(size.height)×\(size.width)")
        }
        try requireDirectory(root)
        let trainDir = join(root, "train")
        let validDir = join(root, "valid")
        try requireDirectory(trainDir)
        try requireDirectory(validDir)

        let classes = try subfolders(of: trainDir)
        guard !classes.isEmpty else { throw DatasetError.noImages(path: trainDir) }
        let trainFiles = try listImages(split: trainDir, folders: classes, classes: classes)
        let validFolders = try subfolders(of: validDir)
        guard !validFolders.isEmpty else { throw DatasetError.noImages(path: validDir) }
        let validFiles = try listImages(split: validDir, folders: validFolders, classes: classes)

        let shape = try Shape(first: trainFiles[0].path, channels: channels, size: size)
        let split = { (files: [Entry]) in
            ImageFiles(paths: files.map(\.path), labels: files.map(\.label), classes: classes, shape: shape, cache: cache)
        }
        return (split(trainFiles), split(validFiles))
    }

    /// The shape every image ends up with, and whether images of another size are resized to it
    /// or refused.
    struct Shape: Sendable {
        let channels: Int
        let height: Int
        let width: Int
        let resize: Bool
        /// The image that fixed the size when none was asked for (for the error message).
        let setBy: String

        /// The first training image fixes whatever the caller left open (its header is enough).
        init(first path: String, channels: Int?, size: (height: Int, width: Int)?) throws {
            let first = try ImageFormat.open(path: path)
            self.channels = channels ?? first.sourceChannels
            height = size?.height ?? first.height
            width = size?.width ?? first.width
            resize = size != nil
            setBy = path
        }
    }

    private struct Entry: Sendable {
        let path: String
        let label: Int64
    }

    private static func listImages(split: String, folders: [String], classes: [String]) throws -> [Entry] {
        var entries = [Entry]()
        for folder in folders {
            let dir = join(split, folder)
            guard let label = classes.firstIndex(of: folder) else {
                throw DatasetError.unknownClass(path: dir, className: folder, known: classes)
            }
            let names = try contents(of: dir).filter { name in
                ImageFormat.fileExtensions.contains((name as NSString).pathExtension.lowercased())
                    && !isDirectory(join(dir, name))
            }
            guard !names.isEmpty else { throw DatasetError.emptyClass(path: dir) }
            entries += names.map { Entry(path: join(dir, $0), label: Int64(label)) }
        }
        return entries
    }

    private static func subfolders(of dir: String) throws -> [String] {
        try contents(of: dir).filter { isDirectory(join(dir, $0)) }
    }

    /// Visible entries, sorted by code points like Python's `sorted` so class indices match fastai's.
    private static func contents(of dir: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: dir)
                .filter { !$0.hasPrefix(".") }
                .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        } catch {
            throw DatasetError.unreadable(path: dir, reason: "cannot list the folder: \(error.localizedDescription)")
        }
    }

    private static func requireDirectory(_ path: String) throws {
        guard isDirectory(path) else { throw DatasetError.directoryNotFound(path: path) }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    private static func join(_ a: String, _ b: String) -> String { (a as NSString).appendingPathComponent(b) }
}
