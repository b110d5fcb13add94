import Foundation

/// The error of the lowest-numbered item that failed in a parallel loop, so a parallel
/// decode reports the same file a sequential one would.
///
/// `@unchecked Sendable`: `index` and `error` are read and written only while holding `lock`.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var index = Int.max
    private var stored: Error?

    /// Keeps `error` if no earlier item has failed.
    func record(_ error: Error, at index: Int) {
        lock.lock()
        defer { lock.unlock() }
        if index < self.index {
            self.index = index
            stored = error
        }
    }

    /// Whether an item before `index` already failed (later work is then wasted).
    func isSet(before index: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return self.index < index
    }

    /// The kept error, if any.
    var error: Error? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
