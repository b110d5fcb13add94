import Torch

/// `train.distributed`: this run is one rank of a data-parallel run (SPEC.md §4), e.g.
/// `{"world_size": 2, "rank": 0, "master": "10.0.0.1:29500", "timeout_seconds": 300}`.
public struct DistributedSpec: Sendable, Equatable {
    /// Ranks in the run.
    public var worldSize: Int
    /// This process's rank; nil when the launcher gives it (`--rank`, `RANK`) or, failing that,
    /// the rendezvous assigns it.
    public var rank: Int?
    /// Where rank 0 hosts the rendezvous store.
    public var master: ProcessGroup.Master
    /// Bound on the rendezvous and on every collective.
    public var timeoutSeconds: Double

    public init(worldSize: Int, rank: Int?, master: ProcessGroup.Master, timeoutSeconds: Double = 300) {
        self.worldSize = worldSize
        self.rank = rank
        self.master = master
        self.timeoutSeconds = timeoutSeconds
    }

    init(_ r: JSONObjectReader) throws {
        guard let worldSize = try r.int("world_size", range: 1...65536) else {
            throw SpecError(path: r.child("world_size"), message: "is required")
        }
        let text = try r.requiredString("master")
        guard let master = ProcessGroup.Master(parsing: text) else {
            throw SpecError(path: r.child("master"), message: "must be HOST:PORT (port 1-65535), got \"\(text)\"")
        }
        let rank = try r.int("rank", range: 0...65535)
        let timeout = try r.double("timeout_seconds", range: 1...86400) ?? 300
        try r.finish()
        self.init(worldSize: worldSize, rank: rank, master: master, timeoutSeconds: timeout)
        if let rank { try Self.check(rank: rank, worldSize: worldSize, path: r.child("rank")) }
    }

    /// Refuses a rank outside 0..<worldSize, naming `path` (a JSON path or a flag).
    public static func check(rank: Int, worldSize: Int, path: String) throws {
        guard (0..<worldSize).contains(rank) else {
            throw SpecError(path: path, message: "rank \(rank) must be in 0..<\(worldSize) (the world size)")
        }
    }
}
