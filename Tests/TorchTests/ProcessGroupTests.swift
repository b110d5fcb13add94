import Foundation
import Synchronization
import Testing
import TestRanks
import Torch

@Suite("ProcessGroup: c10d TCPStore + Gloo collectives between real ranks")
struct ProcessGroupTests {
    @Test("all-reduce sums, or averages as DDP, across 3 ranks in one flat bucket")
    func allReduce() throws {
        let master = Ranks.master()
        let results = Ranks.run(3) { rank in
            let group = try ProcessGroup(master: master, rank: rank, worldSize: 3, timeout: 30)
            let r = Float(rank + 1)
            let a = try Tensor([r, 2 * r, 3 * r, 4 * r], shape: [2, 2])
            let b = try Tensor([10 * r], shape: [1])
            try group.allReduce([a, b])
            let c = try Tensor([3 * r, 6 * r], shape: [2])
            try group.allReduce([c], average: true)
            return [try a.floats(), try b.floats(), try c.floats()]
        }
        for result in results {
            let values = try result.get()
            // 1 + 2 + 3 = 6
            #expect(values[0] == [6, 12, 18, 24])
            #expect(values[1] == [60])
            #expect(values[2] == [6, 12])
        }
    }

    @Test("broadcast gives every rank rank 0's values, for any dtype and a strided tensor")
    func broadcast() throws {
        let master = Ranks.master()
        let results = Ranks.run(2) { rank in
            let group = try ProcessGroup(master: master, rank: rank, worldSize: 2, timeout: 30)
            let base = Float(rank * 100)
            let matrix = try Tensor([base + 1, base + 2, base + 3, base + 4, base + 5, base + 6], shape: [2, 3])
            let strided = try matrix.transposed(0, 1)
            let counter = try Tensor(int64: [Int64(rank + 7)], shape: [1])
            try group.broadcast([strided, counter])
            return (try matrix.floats(), try counter.int64s())
        }
        for result in results {
            let (matrix, counter) = try result.get()
            #expect(matrix == [1, 2, 3, 4, 5, 6])
            #expect(counter == [7])
        }
    }

    @Test("a rank started with another world size is refused on both sides within the timeout")
    func mismatchedWorldSize() throws {
        let master = Ranks.master()
        let started = Date()
        let results = Ranks.run(2) { rank in
            _ = try ProcessGroup(master: master, rank: rank, worldSize: rank == 0 ? 2 : 3, timeout: 3)
        }
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(throws: TorchError.self) { try results[0].get() }
        #expect(failure(results[1]).contains("rank 1 was started with world size 3 but rank 0 at \(master) with world size 2"))
        #expect(failure(results[0]).contains("was every rank started with world size 2"))
    }

    @Test("ranks omitted: the one that hosts the store is 0, the others 1 and 2; the group then works")
    func ranksAssignedAtRendezvous() throws {
        let master = Ranks.master()
        let results = Ranks.run(3) { _ in
            let group = try ProcessGroup(master: master, rank: nil, worldSize: 3, timeout: 30)
            let t = try Tensor([Float(group.rank + 1)], shape: [1])
            try group.allReduce([t])
            return (group.rank, try t.floats())
        }
        let outcomes = try results.map { try $0.get() }
        #expect(outcomes.map(\.0).sorted() == [0, 1, 2])
        for (_, sum) in outcomes { #expect(sum == [6]) }
    }

    @Test("ranks omitted, one process too many: it is refused, the others form the group")
    func oneTooMany() throws {
        let master = Ranks.master()
        let settled = Mutex(0)
        let results = Ranks.run(3) { _ in
            let group = Result { try ProcessGroup(master: master, rank: nil, worldSize: 2, timeout: 10) }
            // The group stays up until all three have settled: one arriving after it was gone
            // would host a run of its own.
            settled.withLock { $0 += 1 }
            while settled.withLock({ $0 }) < 3 { usleep(1000) }
            return try group.get().rank
        }
        let ranks = results.compactMap { try? $0.get() }
        #expect(ranks.sorted() == [0, 1])
        let refused = results.map { failure($0) }.filter { !$0.isEmpty }
        #expect(refused.count == 1)
        #expect(refused.first?.contains("no rank left for this process at \(master): it arrived as number 3 of a world size of 2") == true, "\(refused)")
    }

    @Test("rank 0 on a port in use says so")
    func portInUse() throws {
        let master = Ranks.master()
        let blocker = try ProcessGroup(master: master, rank: 0, worldSize: 1, timeout: 5)
        let error = #expect(throws: TorchError.self) {
            _ = try ProcessGroup(master: master, rank: 0, worldSize: 1, timeout: 2)
        }
        #expect(error?.message.contains("rank 0 cannot host the rendezvous store on \(master)") == true)
        #expect(error?.message.contains("Address already in use") == true)
        _ = blocker
    }

    @Test("a rank that leaves fails the other's next collective within the timeout")
    func rankLeaves() throws {
        let master = Ranks.master()
        let started = Date()
        let results = Ranks.run(2) { rank in
            let group = try ProcessGroup(master: master, rank: rank, worldSize: 2, timeout: 5)
            let t = try Tensor([Float(rank)], shape: [1])
            try group.allReduce([t])
            guard rank == 0 else { return }  // rank 1 leaves: its group closes its sockets
            Thread.sleep(forTimeInterval: 0.5)
            try group.allReduce([t])
        }
        #expect(Date().timeIntervalSince(started) < 15)
        try results[1].get()
        #expect(throws: TorchError.self) { try results[0].get() }
        #expect(failure(results[0]).contains("all_reduce across 2 ranks failed on rank 0"))
    }

    /// The message of a rank that failed ("" for one that did not).
    private func failure<T>(_ result: Result<T, Error>) -> String {
        if case .failure(let error) = result { return "\(error)" }
        return ""
    }
}
