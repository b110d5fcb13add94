import CZlib
import Foundation

/// Reads a file through zlib's gz* API, which inflates gzip files and passes plain files
/// through unchanged, so callers never need to know which one they have.
final class GzipReader {
    let path: String
    private let file: gzFile
    /// Bytes handed out so far (decompressed).
    private(set) var offset = 0

    init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError.fileNotFound(path: path)
        }
        guard !isDirectory.boolValue else {
            throw DatasetError.unreadable(path: path, reason: "is a directory")
        }
        guard let file = gzopen(path, "rb") else {
            throw DatasetError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.file = file
        // zlib's default 8 KiB input buffer makes inflating 26 MB of Fashion-MNIST measurably slower.
        gzbuffer(file, 1 << 17)
    }

    deinit { gzclose(file) }

    /// Fills `buffer` as far as the file allows and returns how many bytes were read;
    /// fewer than `buffer.count` means the file ended.
    /// - Throws: `DatasetError.unreadable` for a read error other than an early end of a
    ///   gzip stream (a cut-off `.gz` reads as a short file, which callers report as truncated).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            // gzread takes an unsigned int length; keep each call well inside it.
            let chunk = UInt32(min(buffer.count - filled, 1 << 30))
            let n = gzread(file, buffer.baseAddress! + filled, chunk)
            if n < 0 {
                var code: Int32 = 0
                let message = String(cString: gzerror(file, &code))
                // Z_BUF_ERROR: "unexpected end of file" in a cut-off gzip stream.
                if code == Z_BUF_ERROR { break }
                throw DatasetError.unreadable(path: path, reason: code == Z_ERRNO ? String(cString: strerror(errno)) : message)
            }
            if n == 0 { break }
            filled += Int(n)
        }
        offset += filled
        return filled
    }

    /// Reads exactly `count` bytes into a new array, or throws `truncated` naming the
    /// total size the caller expected and how far the file actually went.
    ///
    /// The buffer starts at 16 MiB at most and doubles as data arrives, rather than being
    /// allocated from the header's promise, so a corrupt header with huge sizes ends as
    /// `truncated`, not as an out-of-memory crash.
    func readExactly(_ count: Int, expectedTotal: Int) throws -> [UInt8] {
        var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: min(count, 16 << 20), alignment: 1)
        defer { storage.deallocate() }
        var filled = 0
        while true {
            let got = try read(into: UnsafeMutableRawBufferPointer(rebasing: storage[filled...]))
            filled += got
            guard filled == storage.count else {
                throw DatasetError.truncated(path: path, expectedBytes: expectedTotal, actualBytes: offset)
            }
            if filled == count { break }
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: min(count, 2 * storage.count), alignment: 1)
            larger.copyMemory(from: UnsafeRawBufferPointer(storage))
            storage.deallocate()
            storage = larger
        }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(storage))
            initialized = count
        }
    }

    /// Counts the bytes left in the file without keeping them.
    func countRemaining() throws -> Int {
        var total = 0
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try scratch.withUnsafeMutableBytes { try read(into: $0) }
            total += n
            if n < scratch.count { return total }
        }
    }
}
