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
    /// Loads both splits as `LabeledImages` of one shape.
    /// - Parameters:
    ///   - root: the folder holding `train` and `valid`.
    ///   - channels: 1 (gray) or 3 (RGB); nil takes the first training image's (colour → 3).
    ///   - size: required `(height, width)`; nil takes the first training image's.
    /// - Throws: `DatasetError`: `.directoryNotFound`, `.noImages`, `.emptyClass`,
    ///   `.unknownClass`, `.corruptImage`, `.unsupportedImage`, `.sizeMismatch`,
    ///   `.invalidArgument`, naming the path.
    public static func load(root: String, channels: Int? = nil, size: (height: Int, width: Int)? = nil) throws
        -> DatasetSplits
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

        // The first training image fixes whatever the caller left open.
        let first = try ImageFormat.open(path: trainFiles[0].path)
        let shape = (
            channels: channels ?? first.sourceChannels,
            height: size?.height ?? first.height,
            width: size?.width ?? first.width)
        let train = try decode(trainFiles, shape: shape, classes: classes)
        let valid = try decode(validFiles, shape: shape, classes: classes)
        return try DatasetSplits(train: train, valid: valid)
    }

    private struct Entry: Sendable {
        let path: String
        let label: Int64
    }

    /// Decodes every file into one N×C×H×W array, on all cores: each file writes only its
    /// own slot of the array, and the first error (by file order) is reported.
    private static func decode(_ files: [Entry], shape: (channels: Int, height: Int, width: Int), classes: [String])
        throws -> LabeledImages
    {
        let imageSize = shape.channels * shape.height * shape.width
        let expected = "\(shape.height)×\(shape.width)"
        let firstError = FirstError()
        var pixels = [UInt8](repeating: 0, count: files.count * imageSize)
        pixels.withUnsafeMutableBufferPointer { all in
            let base = DisjointSlots(base: all.baseAddress!)
            let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, files.count))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var scratch = [UInt8]()
                for index in stride(from: worker, to: files.count, by: workers) {
                    if firstError.isSet(before: index) { return }
                    let path = files[index].path
                    do {
                        let reader = try ImageFormat.open(path: path)
                        guard reader.height == shape.height, reader.width == shape.width else {
                            throw DatasetError.sizeMismatch(
                                path: path, expected: expected, found: "\(reader.height)×\(reader.width)")
                        }
                        let slot = UnsafeMutableBufferPointer(start: base.base + index * imageSize, count: imageSize)
                        try reader.finish(channels: shape.channels, into: slot, scratch: &scratch)
                    } catch {
                        firstError.record(error, at: index)
                    }
                }
            }
        }
        if let error = firstError.error { throw error }
        return LabeledImages(
            unchecked: shape.channels, shape.height, shape.width, pixels, files.map(\.label), classes)
    }

    /// The pixel array shared by the decode workers.
    ///
    /// `@unchecked Sendable`: safe without a lock because each iteration writes only its own
    /// disjoint `imageSize` slot, and `concurrentPerform` returns (a join) before the array
    /// is read or the pointer's scope ends.
    private struct DisjointSlots: @unchecked Sendable {
        let base: UnsafeMutablePointer<UInt8>
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
