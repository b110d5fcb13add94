import Foundation

/// Decoded images kept after their first decode (`data.cache: "memory"`), so later epochs
/// skip the decoder. Room for the whole split is reserved at once but, being untouched
/// virtual memory, costs only the images stored so far.
///
/// `@unchecked Sendable`: `stored` is read and written only while holding `lock`; a slot's
/// bytes are written once, before its flag is set under the lock, and only read after.
final class DecodedCache: @unchecked Sendable {
    private let lock = NSLock()
    private let imageSize: Int
    private let storage: UnsafeMutablePointer<UInt8>
    private var stored: [Bool]

    init(count: Int, imageSize: Int) {
        self.imageSize = imageSize
        storage = .allocate(capacity: max(1, count * imageSize))
        stored = [Bool](repeating: false, count: count)
    }

    deinit { storage.deallocate() }

    /// Copies image `index` into `slot` if it is cached.
    func copy(_ index: Int, into slot: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        lock.lock()
        let hit = stored[index]
        lock.unlock()
        if hit { slot.baseAddress!.update(from: storage + index * imageSize, count: imageSize) }
        return hit
    }

    /// Keeps `image` as image `index` (two threads decoding one image store the same bytes).
    func store(_ index: Int, _ image: UnsafeMutableBufferPointer<UInt8>) {
        lock.lock()
        defer { lock.unlock() }
        guard !stored[index] else { return }
        (storage + index * imageSize).update(from: image.baseAddress!, count: imageSize)
        stored[index] = true
    }
}
