import CTorch
import Foundation

/// One rank's membership of a data-parallel group: libtorch's c10d `TCPStore` rendezvous (hosted
/// by rank 0) and `ProcessGroupGloo` collectives, what `torch.distributed` runs with backend
/// "gloo".
///
/// ```swift
/// let group = try ProcessGroup(master: .init(host: "127.0.0.1", port: 29500), rank: 0, worldSize: 2)
/// try group.broadcast(model.stateDict().map(\.tensor))
/// try group.allReduce(gradients, average: true)
/// ```
/// Every call is a collective: all ranks make the same calls in the same order. Each blocks for
/// at most `timeout`, then throws `TorchError` saying what failed (a rank died, stopped
/// answering, the port is in use, the ranks disagree on the world size).
public final class ProcessGroup {
    /// Where rank 0 hosts the rendezvous store.
    public struct Master: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: UInt16

        public init(host: String, port: UInt16) {
            self.host = host
            self.port = port
        }

        /// `HOST:PORT` (`[V6ADDR]:PORT` for IPv6), as torchrun's MASTER_ADDR and MASTER_PORT
        /// together; nil when the host is empty or the port is not in 1...65535.
        public init?(parsing text: String) {
            guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]), port > 0 else {
                return nil
            }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty, !host.contains("[") else { return nil }
            self.init(host: host, port: port)
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    public let rank: Int
    public let worldSize: Int
    public let master: Master
    /// Bound on the rendezvous and on every collective.
    public let timeout: TimeInterval
    let handle: ct_process_group

    /// Joins the group; returns once all `worldSize` ranks have joined. A nil `rank` is assigned
    /// at the rendezvous: 0 for the process that can host the store on `master` (an address of
    /// this machine, the port free), else 1..<worldSize in order of arrival.
    public init(master: Master, rank: Int?, worldSize: Int, timeout: TimeInterval = 300) throws {
        var out: ct_process_group?
        let status = ct_process_group_create(master.host, master.port, Int32(rank ?? -1), Int32(worldSize), timeout, &out)
        guard status == CT_OK, let handle = out else { throw TorchError.last("distributed rendezvous") }
        self.handle = handle
        self.rank = Int(ct_process_group_rank(handle))
        self.worldSize = worldSize
        self.master = master
        self.timeout = timeout
    }

    deinit { ct_process_group_free(handle) }

    /// Overwrites every tensor, in place, with rank `root`'s values (in order, one collective each).
    public func broadcast(_ tensors: [Tensor], from root: Int = 0) throws {
        try withHandles(tensors) { try check("broadcast", ct_broadcast(handle, $0, $1, Int32(root))) }
    }

    /// Sums the tensors over all ranks in place, through one flat buffer (one collective); with
    /// `average`, each rank's values are first multiplied by 1 / world size, as DDP's reducer does.
    /// The tensors must share a dtype.
    public func allReduce(_ tensors: [Tensor], average: Bool = false) throws {
        try withHandles(tensors) { try check("all_reduce", ct_all_reduce(handle, $0, $1, average)) }
    }

    /// Returns once every rank has reached it.
    public func barrier() throws {
        try check("barrier", ct_barrier(handle))
    }

    /// The largest value over all ranks at each position (one collective; at least one value).
    public func allReduceMax(_ values: [Int64]) throws -> [Int64] {
        try startAllReduceMax(values).wait()
    }

    /// Starts `allReduceMax` on Gloo's threads and returns at once: the next collectives may be
    /// called before it is waited for (each rank still starts them all in the same order).
    public func startAllReduceMax(_ values: [Int64]) throws -> MaxReduction {
        try MaxReduction(group: self, values: values)
    }

    /// Every rank's `bytes`, on rank 0 in rank order (nil on the others). Every rank passes the
    /// same count (pad to an agreed length); Gloo moves them, one collective.
    public func gather(_ bytes: [UInt8]) throws -> [[UInt8]]? {
        let length = bytes.count
        var out = [UInt8](repeating: 0, count: rank == 0 ? length * worldSize : 0)
        try bytes.withUnsafeBufferPointer { input in
            try out.withUnsafeMutableBufferPointer { output in
                try check("gather", ct_gather_bytes(handle, input.baseAddress, Int64(length), output.baseAddress))
            }
        }
        guard rank == 0 else { return nil }
        return (0..<worldSize).map { Array(out[($0 * length)..<(($0 + 1) * length)]) }
    }

    private func withHandles(_ tensors: [Tensor], _ body: (UnsafePointer<ct_tensor?>, Int32) throws -> Void) throws {
        guard !tensors.isEmpty else { return }
        let handles: [ct_tensor?] = tensors.map(\.handle)
        try handles.withUnsafeBufferPointer { try body($0.baseAddress!, Int32(tensors.count)) }
    }
}
