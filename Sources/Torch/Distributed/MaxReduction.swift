import CTorch

/// An all-reduce of int64 maxima under way on Gloo's threads (`ProcessGroup.startAllReduceMax`):
/// the rank goes on with its work and waits only when it needs the agreed values.
public final class MaxReduction {
    /// The group it runs on, kept alive until the reduction is freed.
    public let group: ProcessGroup
    public let count: Int
    private let handle: ct_max_reduction

    init(group: ProcessGroup, values: [Int64]) throws {
        var out: ct_max_reduction?
        try values.withUnsafeBufferPointer { buffer in
            try check("all_reduce", ct_all_reduce_max_i64_start(group.handle, buffer.baseAddress, Int32(buffer.count), &out))
        }
        guard let out else { throw TorchError("all_reduce", "no reduction was started") }
        self.group = group
        self.count = values.count
        self.handle = out
    }

    deinit { ct_max_reduction_free(handle) }

    /// The largest value over all ranks at each position, once every rank has sent its values
    /// (at most the group's timeout, then it throws naming the collective).
    public func wait() throws -> [Int64] {
        var result = [Int64](repeating: 0, count: count)
        try result.withUnsafeMutableBufferPointer { buffer in
            try check("all_reduce", ct_max_reduction_wait(handle, buffer.baseAddress))
        }
        return result
    }
}
