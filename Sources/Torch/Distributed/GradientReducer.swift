import CTorch

/// DDP's gradient reducer over a `ProcessGroup`: hooks on every parameter's gradient accumulator
/// put each gradient (times 1 / world size) into its bucket as backward produces it, and start
/// the bucket's all-reduce as soon as the bucket is full, so communication overlaps the rest of
/// backward. Buckets are launched in their order on every rank.
///
/// ```swift
/// let reducer = try GradientReducer(group: group, buckets: [[fc2.weight, fc2.bias], [fc1.weight, fc1.bias]])
/// reducer.prepareForBackward()
/// try loss.backward()
/// if let missing = try reducer.finishBackward() { /* parameter `missing` got no gradient */ }
/// ```
/// Hooks fire only between `prepareForBackward` and `finishBackward`; they go with the reducer.
///
/// The last bucket can also carry `sideValueCount` int64s from every rank (`sendSideValues`):
/// a few numbers the ranks must share each step ride on the gradients' all-reduce rather than
/// costing a collective of their own (each costs ~0.6 ms of CPU on 2 shared cores).
public final class GradientReducer {
    /// Held for as long as the reducer: the shim's reducer borrows the group's handle.
    public let group: ProcessGroup
    public let sideValueCount: Int
    private let handle: ct_gradient_reducer

    /// Hooks every parameter (leaves that require grad) of `buckets`; the last bucket must be
    /// float32 when `sideValueCount` > 0.
    public init(group: ProcessGroup, buckets: [[Tensor]], sideValueCount: Int = 0) throws {
        let parameters: [ct_tensor?] = buckets.flatMap { $0.map(\.handle) }
        let sizes = buckets.map { Int32($0.count) }
        var out: ct_gradient_reducer?
        let status = parameters.withUnsafeBufferPointer { parameters in
            sizes.withUnsafeBufferPointer { sizes in
                ct_gradient_reducer_create(group.handle, parameters.baseAddress, sizes.baseAddress, Int32(sizes.count),
                                           Int32(sideValueCount), &out)
            }
        }
        guard status == CT_OK, let handle = out else { throw TorchError.last("gradient reducer") }
        self.group = group
        self.sideValueCount = sideValueCount
        self.handle = handle
    }

    /// Sends this rank's `sideValueCount` values (each in 0..<2^48) with the next backward's
    /// gradients; every rank must send with the same steps.
    public func sendSideValues(_ values: [Int64]) throws {
        precondition(values.count == sideValueCount, "\(values.count) side values for \(sideValueCount) slots")
        try values.withUnsafeBufferPointer { try check("gradient reducer", ct_gradient_reducer_send_side(handle, $0.baseAddress)) }
    }

    /// After `finishBackward`: the largest of the ranks' side values at each position, when this
    /// step carried them; nil when none were sent before it.
    public func receivedSideValues() -> [Int64]? {
        var values = [Int64](repeating: 0, count: sideValueCount)
        let carried = values.withUnsafeMutableBufferPointer { ct_gradient_reducer_side_maxima(handle, $0.baseAddress) }
        return carried == 1 ? values : nil
    }

    deinit { ct_gradient_reducer_free(handle) }

    /// Arms the hooks for the next backward (DDP's `prepare_for_backward`).
    /// Throws when the ranks exchange and Gloo has already seen the other rank fail.
    public func prepareForBackward() throws { try check("all_reduce", ct_gradient_reducer_prepare(handle)) }

    /// Whether the two ranks of a world of two reduce each bucket by exchanging it (one send and
    /// one receive each, added into the gradients) rather than by Gloo's ring all-reduce, which
    /// waits twice as often. The default at world size 2; the sums are the same to the bit. Set
    /// between steps (`setExchangesPairwise`).
    public var exchangesPairwise: Bool { ct_gradient_reducer_pairwise(handle) != 0 }

    /// Chooses the exchange (only a world of two can) or the ring for the next steps; throws
    /// between `prepareForBackward` and `finishBackward`. `hookd train --reduce-ab` switches it.
    public func setExchangesPairwise(_ pairwise: Bool) throws {
        try check("gradient reducer", ct_gradient_reducer_set_pairwise(handle, pairwise ? 1 : 0))
    }

    /// How many buckets' all-reduces have started since `prepareForBackward`.
    public var launchedBuckets: Int { Int(ct_gradient_reducer_launched(handle)) }

    /// Waits for every bucket's all-reduce (each bounded by the group's timeout) and writes the
    /// averages into the gradients. Returns the index (in bucket order, flattened) of the first
    /// parameter that got no gradient in this backward instead, leaving the gradients alone.
    public func finishBackward() throws -> Int? {
        var missing: Int32 = -1
        try check("all_reduce", ct_gradient_reducer_finish(handle, &missing))
        return missing < 0 ? nil : Int(missing)
    }
}
