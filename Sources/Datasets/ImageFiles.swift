import Foundation

/// A split of image files, listed up front and decoded (and resized) only when a loader asks
/// for an image, so memory follows the batches in flight rather than the size of the folder.
///
/// Open one with `ImageFolder.open`. With `cache: true` each image is decoded once and kept
/// (`data.cache: "memory"`); otherwise every epoch decodes again.
public struct ImageFiles: ImageSource {
    /// The files, in label-then-name order.
    public let paths: [String]
    public let labels: [Int64]
    public let classes: [String]
    public var channels: Int { shape.channels }
    public var height: Int { shape.height }
    public var width: Int { shape.width }
    let shape: ImageFolder.Shape
    private let cache: DecodedCache?

    init(paths: [String], labels: [Int64], classes: [String], shape: ImageFolder.Shape, cache: Bool) {
        self.paths = paths
        self.labels = labels
        self.classes = classes
        self.shape = shape
        self.cache = cache ? DecodedCache(count: paths.count, imageSize: shape.channels * shape.height * shape.width) : nil
    }

    /// Whether decoded images are kept for later epochs.
    public var isCached: Bool { cache != nil }

    /// Decodes image `index`, resizing it to the split's size when the folder was opened with one.
    /// - Throws: `DatasetError` naming the file: `.corruptImage`, `.unsupportedImage`,
    ///   `.unreadable`, `.sizeMismatch`.
    public func copyImage(_ index: Int, into slot: UnsafeMutableBufferPointer<UInt8>, buffers: inout ImageBuffers) throws {
        if let cache, cache.copy(index, into: slot) { return }
        try decode(paths[index], into: slot, buffers: &buffers)
        cache?.store(index, slot)
    }

    /// Every image decoded into one N×C×H×W array, on all cores; the first error by file
    /// order is the one reported, as a sequential decode would.
    public func decodeAll() throws -> LabeledImages {
        let size = imageSize
        var pixels = [UInt8](repeating: 0, count: count * size)
        let failure = FirstError()
        pixels.withUnsafeMutableBufferPointer { all in
            let slots = DisjointSlots(base: all.baseAddress!)
            let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var buffers = ImageBuffers()
                for index in stride(from: worker, to: count, by: workers) {
                    if failure.isSet(before: index) { return }
                    do { try copyImage(index, into: slots.slot(index, size: size), buffers: &buffers) } catch {
                        failure.record(error, at: index)
                    }
                }
            }
        }
        if let error = failure.error { throw error }
        return LabeledImages(unchecked: channels, height, width, pixels, labels, classes)
    }

    private func decode(_ path: String, into slot: UnsafeMutableBufferPointer<UInt8>, buffers: inout ImageBuffers) throws {
        let reader = try ImageFormat.open(path: path)
        if reader.height == shape.height && reader.width == shape.width {
            try reader.finish(channels: shape.channels, into: slot, scratch: &buffers.interleaved)
            return
        }
        guard shape.resize else {
            throw DatasetError.sizeMismatch(
                path: path, expected: "\(shape.height)×\(shape.width) like \(shape.setBy) (set data.size to resize every image)",
                found: "\(reader.height)×\(reader.width)")
        }
        let count = shape.channels * reader.height * reader.width
        ImageBuffers.reserve(&buffers.original, count)
        var original = buffers.original
        buffers.original = []  // `original` is the only reference while it is written: no copy.
        defer { buffers.original = original }
        try original.withUnsafeMutableBufferPointer { buffer in
            let image = UnsafeMutableBufferPointer(rebasing: buffer[..<count])
            try reader.finish(channels: shape.channels, into: image, scratch: &buffers.interleaved)
            BilinearResize.resize(
                UnsafeBufferPointer(image), channels: shape.channels, from: (reader.height, reader.width),
                to: (shape.height, shape.width), into: slot)
        }
    }
}
