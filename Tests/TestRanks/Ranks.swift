import Foundation
import Synchronization
import TestPorts
import Torch

/// Runs `count` ranks of a process group on their own threads in this process (Gloo connects them
/// over loopback sockets as it would separate processes) and returns each rank's outcome.
public enum Ranks {
    public static func run<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) -> [Result<T, Error>] {
        let results = Mutex<[Int: Result<T, Error>]>([:])
        let done = DispatchGroup()
        for rank in 0..<count {
            done.enter()
            // A thread per rank: each blocks in the rendezvous until all have joined, more than
            // a 2-core machine's dispatch pool would run at once.
            Thread {
                let result = Result { try body(rank) }
                results.withLock { $0[rank] = result }
                done.leave()
            }.start()
        }
        done.wait()
        return results.withLock { r in (0..<count).map { r[$0]! } }
    }

    public static func master() -> ProcessGroup.Master { .init(host: "127.0.0.1", port: FreePort.pick()) }
}
