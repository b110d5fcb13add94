import Foundation

/// The workers' per-channel sums, added up under a lock.
///
/// `@unchecked Sendable`: `sums` and `squares` are touched only while holding `lock`.
final class ChannelSums: @unchecked Sendable {
    private let lock = NSLock()
    private var sums: [UInt64]
    private var squares: [UInt64]

    init(channels: Int) {
        sums = [UInt64](repeating: 0, count: channels)
        squares = sums
    }

    func add(_ s: [UInt64], _ q: [UInt64]) {
        lock.lock()
        defer { lock.unlock() }
        for c in sums.indices {
            sums[c] &+= s[c]
            squares[c] &+= q[c]
        }
    }

    var values: ([UInt64], [UInt64]) {
        lock.lock()
        defer { lock.unlock() }
        return (sums, squares)
    }
}
