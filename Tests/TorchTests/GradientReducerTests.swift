import Foundation
import Testing
import TestRanks
@testable import Torch

/// DDP's overlap: gradient-accumulator hooks launch each bucket's all-reduce during backward.
@Suite("GradientReducer: all-reduce launched from gradient hooks, during backward")
struct GradientReducerTests {
    /// loss = sum(a * x * b): backward produces b's gradient before it reaches a (a's path goes
    /// through the product), as a later layer's before an earlier one's.
    struct Step {
        let a: Tensor, b: Tensor, loss: Tensor
        init(rank: Int) throws {
            a = try Tensor([1, 1], shape: [2]).requiresGrad(true)
            b = try Tensor([3], shape: [1]).requiresGrad(true)
            let x = try Tensor([Float(rank + 1), Float(2 * (rank + 1))], shape: [2])
            loss = try (a * x * b).sum()
        }
    }

    /// Runs `body` on both ranks of a new group of 2, each with its rank's `Step`.
    static func onTwoRanks<T: Sendable>(_ body: @escaping @Sendable (ProcessGroup, Step) throws -> T) -> [Result<T, Error>] {
        let master = Ranks.master()
        return Ranks.run(2) { rank in
            try body(try ProcessGroup(master: master, rank: rank, worldSize: 2, timeout: 30), try Step(rank: rank))
        }
    }

    @Test("2 ranks: the first bucket starts before backward reaches the second; gradients become the ranks' average",
          arguments: [true, false])
    func overlapsAndAverages(pairwise: Bool) throws {
        let results = Self.onTwoRanks { group, step in
            let reducer = try GradientReducer(group: group, buckets: [[step.b], [step.a]])
            try reducer.setExchangesPairwise(pairwise)
            // Seen by a's own gradient hook, which runs before a's gradient is accumulated.
            nonisolated(unsafe) var launchedWhenAArrived = -1
            let probe = try step.a.registerGradHook { _ in
                launchedWhenAArrived = reducer.launchedBuckets
                return nil
            }
            try reducer.prepareForBackward()
            try step.loss.backward()
            let launchedAfterBackward = reducer.launchedBuckets
            let missing = try reducer.finishBackward()
            probe.remove()
            return (launchedWhenAArrived, launchedAfterBackward, missing, try step.a.grad!.floats(), try step.b.grad!.floats())
        }
        for (rank, result) in results.enumerated() {
            let (whenA, afterBackward, missing, a, b) = try result.get()
            #expect(whenA == 1, "rank \(rank): b's bucket was launched while backward was still on its way to a")
            #expect(afterBackward == 2, "rank \(rank): both launched by the hooks, before finishBackward")
            #expect(missing == nil)
            // Rank r's gradients: b = 3 (r + 1), a = 3 (r + 1) [1, 2]; averaged over r = 0, 1.
            #expect(b == [4.5], "rank \(rank)")
            #expect(a == [4.5, 9], "rank \(rank)")
        }
    }

    @Test("unarmed, a backward stays local and launches nothing; armed again, the next step reduces")
    func onlyBetweenPrepareAndFinish() throws {
        let results = Self.onTwoRanks { group, step in
            let reducer = try GradientReducer(group: group, buckets: [[step.b, step.a]])
            try step.loss.backward(retainGraph: true)
            let local = (reducer.launchedBuckets, try step.b.grad!.floats())
            try step.b.setGrad(nil)
            try step.a.setGrad(nil)
            try reducer.prepareForBackward()
            try step.loss.backward()
            _ = try reducer.finishBackward()
            return (local, try step.b.grad!.floats())
        }
        for (rank, result) in results.enumerated() {
            let ((launched, local), reduced) = try result.get()
            #expect(launched == 0)
            #expect(local == [Float(3 * (rank + 1))])
            #expect(reduced == [4.5])
        }
    }

    @Test("2 ranks exchange their buckets by default, and the exchange's averages equal the ring all-reduce's to the bit")
    func exchangeEqualsRing() throws {
        let results = Self.onTwoRanks { group, _ in
            // Gradients of many magnitudes, different on each rank: loss = sum(w * x) gives w.grad = x.
            let values = { (count: Int, scale: Float) in
                (0..<count).map { i in scale * Float(sin(Double(i * (group.rank + 3)) * 1.7)) * Float(1 + i % 7) }
            }
            let w = try Tensor(values(3000, 1), shape: [3, 1000]).requiresGrad(true)
            let v = try Tensor(values(50, 1), shape: [50]).requiresGrad(true)
            let x = try Tensor(values(3000, 1000), shape: [3, 1000])
            let y = try Tensor(values(50, 1e-3), shape: [50])
            let reducer = try GradientReducer(group: group, buckets: [[v], [w]])
            let byDefault = reducer.exchangesPairwise
            var averages: [[Float]] = []
            for pairwise in [true, false] {
                try reducer.setExchangesPairwise(pairwise)
                try w.setGrad(nil)
                try v.setGrad(nil)
                try reducer.prepareForBackward()
                try ((w * x).sum() + (v * y).sum()).backward()
                #expect(throws: TorchError.self) { try reducer.setExchangesPairwise(!pairwise) }
                #expect(try reducer.finishBackward() == nil)
                averages.append(try w.grad!.floats() + v.grad!.floats())
            }
            return (byDefault, averages[0], averages[1])
        }
        var seen: [[Float]] = []
        for (rank, result) in results.enumerated() {
            let (byDefault, exchanged, ringed) = try result.get()
            #expect(byDefault, "rank \(rank)")
            #expect(exchanged.map(\.bitPattern) == ringed.map(\.bitPattern), "rank \(rank)")
            seen.append(exchanged)
        }
        #expect(seen.count == 2 && seen[0].map(\.bitPattern) == seen[1].map(\.bitPattern), "both ranks hold the same average")
    }

    @Test("2 ranks: a step that ends with a parameter missing leaves receives posted; a later reducer on the group still averages")
    func abandonedExchange() throws {
        let results = Self.onTwoRanks { group, step in
            let unused = try Tensor([5], shape: [1]).requiresGrad(true)
            var failed: GradientReducer? = try GradientReducer(group: group, buckets: [[step.b], [unused], [step.a]])
            try failed!.prepareForBackward()
            try step.loss.backward()
            let missing = try failed!.finishBackward()
            failed = nil
            let next = try Step(rank: group.rank)
            let reducer = try GradientReducer(group: group, buckets: [[next.b], [next.a]])
            try reducer.prepareForBackward()
            try next.loss.backward()
            #expect(try reducer.finishBackward() == nil)
            return (missing, try next.a.grad!.floats(), try next.b.grad!.floats())
        }
        for (rank, result) in results.enumerated() {
            let (missing, a, b) = try result.get()
            #expect(missing == 1, "rank \(rank)")
            #expect(a == [4.5, 9] && b == [4.5], "rank \(rank)")
        }
    }

    @Test("2 ranks: one leaves between steps; the other's next exchange fails naming the collective and itself, in an error, not an abort")
    func peerLeavesBetweenSteps() throws {
        let results = Self.onTwoRanks { group, step in
            let reducer = try GradientReducer(group: group, buckets: [[step.b], [step.a]])
            try reducer.prepareForBackward()
            try step.loss.backward(retainGraph: true)
            _ = try reducer.finishBackward()
            guard group.rank == 0 else { return "" }
            // Rank 1's group (its connections) closes when its closure returns; let Gloo see it.
            Thread.sleep(forTimeInterval: 1)
            do {
                try reducer.prepareForBackward()
                try step.loss.backward()
                _ = try reducer.finishBackward()
                return "no error"
            } catch let error as TorchError {
                return error.message
            }
        }
        let message = try results[0].get()
        #expect(message.contains("all_reduce across 2 ranks failed on rank 0"), "\(message)")
    }

    @Test("the setting takes effect: a rank exchanging and a rank in the ring never meet, and both fail within the timeout")
    func modesDoNotMeet() throws {
        let master = Ranks.master()
        let started = Date()
        let results = Ranks.run(2) { rank in
            let group = try ProcessGroup(master: master, rank: rank, worldSize: 2, timeout: 2)
            let step = try Step(rank: rank)
            let reducer = try GradientReducer(group: group, buckets: [[step.b], [step.a]])
            try reducer.setExchangesPairwise(rank == 0)
            #expect(reducer.exchangesPairwise == (rank == 0))
            try reducer.prepareForBackward()
            try step.loss.backward()
            _ = try reducer.finishBackward()
        }
        for (rank, result) in results.enumerated() {
            #expect(throws: TorchError.self, "rank \(rank)") { try result.get() }
        }
        #expect(Date().timeIntervalSince(started) < 20)
    }

    @Test("only a world of two exchanges: one rank keeps Gloo's all-reduce and refuses the exchange")
    func exchangeNeedsTwoRanks() throws {
        let group = try ProcessGroup(master: Ranks.master(), rank: 0, worldSize: 1, timeout: 10)
        let reducer = try GradientReducer(group: group, buckets: [[try Tensor([1], shape: [1]).requiresGrad(true)]])
        #expect(!reducer.exchangesPairwise)
        let error = #expect(throws: TorchError.self) { try reducer.setExchangesPairwise(true) }
        #expect(error?.message.contains("only two ranks exchange") == true)
        try reducer.setExchangesPairwise(false)
    }

    @Test("a parameter without a gradient is reported, and later buckets wait for it (launch order is bucket order)")
    func missingGradient() throws {
        let group = try ProcessGroup(master: Ranks.master(), rank: 0, worldSize: 1, timeout: 10)
        let step = try Step(rank: 0)
        let unused = try Tensor([5], shape: [1]).requiresGrad(true)
        let reducer = try GradientReducer(group: group, buckets: [[step.b], [unused], [step.a]])
        try reducer.prepareForBackward()
        try step.loss.backward()
        #expect(reducer.launchedBuckets == 1)
        #expect(try reducer.finishBackward() == 1)
    }

    @Test("side values ride on the last bucket: every rank gets every rank's largest, exactly, and the gradients stay the average",
          arguments: [true, false])
    func sideValues(pairwise: Bool) throws {
        let results = Self.onTwoRanks { group, step in
            let reducer = try GradientReducer(group: group, buckets: [[step.b], [step.a]], sideValueCount: 3)
            try reducer.setExchangesPairwise(pairwise)
            // Past 2^24 (a float's exact integers) and near 2^48, the largest allowed.
            let rank = group.rank
            let big: Int64 = (1 << 48) - 1 - Int64(rank)
            try reducer.sendSideValues([Int64(rank + 1), (1 << 40) + Int64(rank), rank == 0 ? big : 0])
            try reducer.prepareForBackward()
            try step.loss.backward(retainGraph: true)
            _ = try reducer.finishBackward()
            let carried = reducer.receivedSideValues()
            let gradients = (try step.a.grad!.floats(), try step.b.grad!.floats())
            // The next step sends nothing: nothing is received.
            try step.a.setGrad(nil)
            try step.b.setGrad(nil)
            try reducer.prepareForBackward()
            try step.loss.backward()
            _ = try reducer.finishBackward()
            return (carried, gradients, reducer.receivedSideValues() == nil)
        }
        for (rank, result) in results.enumerated() {
            let (carried, gradients, nothingAfter) = try result.get()
            #expect(carried == [2, (1 << 40) + 1, (1 << 48) - 1], "rank \(rank)")
            #expect(gradients.0 == [4.5, 9] && gradients.1 == [4.5], "rank \(rank)")
            #expect(nothingAfter, "rank \(rank)")
        }
    }

    @Test("side values outside 0..<2^48 are refused, and so are side values on a reducer made without them")
    func sideValuesRefused() throws {
        let group = try ProcessGroup(master: Ranks.master(), rank: 0, worldSize: 1, timeout: 10)
        let step = try Step(rank: 0)
        let reducer = try GradientReducer(group: group, buckets: [[step.b, step.a]], sideValueCount: 1)
        for value: Int64 in [-1, 1 << 48] {
            let error = #expect(throws: TorchError.self) { try reducer.sendSideValues([value]) }
            #expect(error?.message.contains("outside 0..<2^48") == true)
        }
        let plain = try GradientReducer(group: group, buckets: [[try Tensor([1], shape: [1]).requiresGrad(true)]])
        #expect(plain.receivedSideValues() == nil)
    }

    @Test("a tensor that is not a leaf requiring grad is refused")
    func refusesNonLeaf() throws {
        let group = try ProcessGroup(master: Ranks.master(), rank: 0, worldSize: 1, timeout: 10)
        let frozen = try Tensor([1], shape: [1])
        let error = #expect(throws: TorchError.self) { _ = try GradientReducer(group: group, buckets: [[frozen]]) }
        #expect(error?.message.contains("is not a leaf that requires grad") == true)
    }
}
