import Foundation
import Testing
import TestRanks
@testable import HookKit
import Torch

/// The ranks' per-batch agreement, with two real ranks (Gloo over loopback, one thread each)
/// training tiny learners: under `DataParallel` the flags travel with the gradients; without it
/// (`dataParallel: false`), in an all-reduce of their own during the next batch.
@Suite("RankSync: the ranks agree at every batch's end without waiting for each other each batch")
struct RankSyncTests {
    /// What one rank saw of its fit.
    struct Outcome: Sendable {
        var batches: [Int]
        var stopped: Bool
        var waitedAtOnce: Int
        var error: String?
    }

    /// Trains `epochs` epochs of 10 batches on every rank; `configure` may plan or ask things
    /// per rank (its recorder is the one in the callbacks).
    static func train(epochs: Int = 1, dataParallel: Bool = true,
                      _ configure: @escaping @Sendable (Int, Learner, EventRecorder) -> Void) -> [Outcome] {
        let master = Ranks.master()
        return Ranks.run(2) { rank in
            let group = try ProcessGroup(master: master, rank: rank, worldSize: 2, timeout: 30)
            let model = try tinyModel()
            let learner = try Learner(model: model, data: try tinyBunch(train: 160, seed: UInt64(rank + 1)),
                                      optimizer: SGD(model.parameters(), learningRate: 0.05))
            let recorder = EventRecorder()
            learner.callbacks = dataParallel ? [DataParallel(group: group), recorder] : [recorder]
            let sync = RankSync(group: group)
            learner.rankSync = sync
            configure(rank, learner, recorder)
            var error: String?
            do { try learner.fit(epochs: epochs) } catch let e { error = "\(e)" }
            #expect(sync.carrier == nil, "the carrier goes with the fit")
            return Outcome(batches: recorder.trainedBatches.map(\.iteration), stopped: learner.wasStopped,
                           waitedAtOnce: sync.agreementsWaitedAtOnce, error: error)
        }.map { result in
            switch result {
            case .success(let outcome): outcome
            case .failure(let error): Outcome(batches: [], stopped: false, waitedAtOnce: -1, error: "rank did not run: \(error)")
            }
        }
    }

    @Test("an uneventful fit waits for its agreements only at its first batch and at each epoch's last",
          arguments: [true, false])
    func offTheCriticalPath(dataParallel: Bool) {
        let outcomes = Self.train(epochs: 2, dataParallel: dataParallel) { _, _, _ in }
        for (rank, outcome) in outcomes.enumerated() {
            #expect(outcome.error == nil, "rank \(rank)")
            #expect(outcome.batches == Array(0..<20), "rank \(rank)")
            #expect(!outcome.stopped)
            // Batch 0 (the fit's first), 9 and 19 (the epochs' last); the other 17 ran during the next batch.
            #expect(outcome.waitedAtOnce == 3, "rank \(rank)")
        }
    }

    @Test("a planned end on one rank (--max-batches) stops every rank exactly there")
    func plannedEnd() {
        for end in [1, 2, 6] {
            let outcomes = Self.train { rank, learner, _ in if rank == 1 { learner.stopAtIteration = end } }
            for (rank, outcome) in outcomes.enumerated() {
                #expect(outcome.error == nil, "rank \(rank)")
                #expect(outcome.batches == Array(0..<end), "end \(end), rank \(rank)")
                #expect(outcome.stopped, "end \(end), rank \(rank)")
            }
        }
    }

    @Test("a stop asked on one rank mid-epoch stops both after the next batch, the same one", arguments: [true, false])
    func stopRequest(dataParallel: Bool) {
        // Rank 1 asks at the end of batch 3 (its 4th); the ranks hear of it during batch 4.
        let outcomes = Self.train(dataParallel: dataParallel) { rank, _, recorder in if rank == 1 { recorder.stopAfterBatches = 4 } }
        for (rank, outcome) in outcomes.enumerated() {
            #expect(outcome.error == nil, "rank \(rank)")
            #expect(outcome.batches == Array(0..<5), "rank \(rank)")
            #expect(outcome.stopped, "rank \(rank)")
        }
    }

    @Test("waiting for every agreement at once (the other half of --sync-ab) stops both at the very batch asked")
    func waitingEveryBatch() {
        let outcomes = Self.train { rank, learner, recorder in
            learner.rankSync?.waitsEveryBatch = true
            if rank == 1 { recorder.stopAfterBatches = 4 }
        }
        for (rank, outcome) in outcomes.enumerated() {
            #expect(outcome.error == nil, "rank \(rank)")
            #expect(outcome.batches == Array(0..<4), "rank \(rank)")
            #expect(outcome.waitedAtOnce == 4, "rank \(rank)")
        }
    }

    @Test("a failure at one rank's batch end ends both after the next batch: its own error there, one naming it here")
    func failure() {
        struct Saturated: Error, CustomStringConvertible { var description: String { "saturated on rank 1" } }
        final class FailAt: LearnerCallback {
            func endBatch(_ learner: Learner) throws {
                if learner.position.iteration == 3 { learner.failAtBatchEnd(Saturated()) }
            }
        }
        let outcomes = Self.train { rank, learner, _ in if rank == 1 { learner.callbacks.append(FailAt()) } }
        for (rank, outcome) in outcomes.enumerated() {
            #expect(outcome.batches == Array(0..<5), "rank \(rank)")
        }
        #expect(outcomes[1].error == "saturated on rank 1")
        #expect(outcomes[0].error?.contains("rank 1 of 2 failed, so every rank stops after batch 4") == true, "\(outcomes[0].error ?? "no error")")
    }
}
