import ArgumentParser
import Foundation
import HookKit
import Torch

/// Which rank of which data-parallel run `hookd train` is, from its flags, else torchrun's
/// variables (`WORLD_SIZE`, `RANK`, `MASTER_ADDR`, `MASTER_PORT`), else the spec's
/// `train.distributed`.
struct DistributedLaunch {
    var worldSize: Int?
    var rank: Int?
    var master: String?
    var environment: [String: String] = ProcessInfo.processInfo.environment

    /// The resolved settings, or nil for a run that trains alone.
    ///
    /// - Throws: `ValidationError` (exit 64) naming the flag or variable that is missing or bad.
    func resolve(_ spec: DistributedSpec?) throws -> DistributedSpec? {
        let worldSize = try worldSize ?? integer("WORLD_SIZE") ?? spec?.worldSize
        guard let worldSize else {
            if rank != nil || master != nil {
                throw ValidationError("--rank and --master need --world-size (or WORLD_SIZE, or train.distributed in the spec)")
            }
            return nil
        }
        guard worldSize >= 1 else { throw ValidationError("--world-size must be at least 1, not \(worldSize)") }
        // No rank anywhere: the rendezvous assigns one (SPEC.md §4).
        let rank = try rank ?? integer("RANK") ?? spec?.rank
        if let rank, !(0..<worldSize).contains(rank) {
            throw ValidationError("--rank \(rank) must be in 0..<\(worldSize) (the world size)")
        }
        return DistributedSpec(worldSize: worldSize, rank: rank, master: try resolveMaster(spec),
                               timeoutSeconds: spec?.timeoutSeconds ?? 300)
    }

    private func resolveMaster(_ spec: DistributedSpec?) throws -> ProcessGroup.Master {
        if let master {
            guard let parsed = ProcessGroup.Master(parsing: master) else {
                throw ValidationError("--master must be HOST:PORT (port 1-65535), not \"\(master)\"")
            }
            return parsed
        }
        if let host = environment["MASTER_ADDR"] {
            guard let text = environment["MASTER_PORT"], let port = UInt16(text), port > 0, !host.isEmpty else {
                throw ValidationError("MASTER_ADDR needs MASTER_PORT, a port in 1-65535 (got \"\(environment["MASTER_PORT"] ?? "")\")")
            }
            return ProcessGroup.Master(host: host, port: port)
        }
        guard let master = spec?.master else {
            throw ValidationError("a data-parallel run needs --master HOST:PORT (or MASTER_ADDR and MASTER_PORT)")
        }
        return master
    }

    private func integer(_ variable: String) throws -> Int? {
        guard let text = environment[variable] else { return nil }
        guard let value = Int(text) else { throw ValidationError("\(variable) must be an integer, not \"\(text)\"") }
        return value
    }
}
