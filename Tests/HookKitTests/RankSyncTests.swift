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
        /// What a test's own callbacks noted (`EventRecorder.events` starting with "note ").
        var notes: [String] = []
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
                           waitedAtOnce: sync.agreementsWaitedAtOnce, error: error,
                           notes: recorder.events.filter { $0.hasPrefix("note ") })
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

    /// Bytes per batch from rank 1 (its iteration; none when `silent`), kept by rank 0.
    final class BatchMail: RankMail, LearnerCallback {
        let silent: Bool
        init(silent: Bool) { self.silent = silent }
        var collects: Bool { true }
        var waiting: [UInt8] = []
        var received: [UInt8] = []
        var pendingCount: Int { waiting.count }
        func take() -> [UInt8] { defer { waiting = [] }; return waiting }
        func discard() { waiting = [] }
        func received(_ bytes: ArraySlice<UInt8>, from rank: Int) throws { received += bytes }
        func endBatch(_ learner: Learner) throws {
            if !silent, learner.rankSync?.group.rank == 1 { waiting.append(UInt8(learner.position.iteration)) }
        }
    }

    /// Rank 0 asks for the others' rows at batch 3's end (a checkpoint due), and notes at each
    /// batch start how far it holds every rank's rows, and whether it holds all of them.
    final class GatherProbe: LearnerCallback {
        let mail: BatchMail, recorder: EventRecorder, asks: Bool
        init(mail: BatchMail, recorder: EventRecorder, asks: Bool) { (self.mail, self.recorder, self.asks) = (mail, recorder, asks) }
        func endBatch(_ learner: Learner) throws {
            if asks, learner.position.iteration == 3 { learner.rankSync?.requestGather() }
        }
        func beginBatch(_ learner: Learner) throws {
            guard let through = learner.rankSync?.rowsCompleteThrough else { return }
            let all = mail.received == (mail.silent ? [] : (0...through).map(UInt8.init))
            recorder.events.append("note \(learner.position.iteration): \(through) \(all)")
        }
    }

    /// A checkpoint at batch 5's start needs every rank's rows through batch 4: asked for at
    /// batch 3's end, they are there, whether rank 1 has rows to send or none.
    @Test("a gather rank 0 asks for mid-epoch holds every rank's rows within two batches, rows or none",
          arguments: [(true, false), (false, false), (true, true), (false, true)])
    func requestedGather(asks: Bool, silent: Bool) {
        let outcomes = Self.train { rank, learner, recorder in
            let mail = BatchMail(silent: silent)
            learner.rankSync?.mail = mail
            learner.rankSync?.gatherInterval = 1e9  // never because of time
            learner.callbacks.insert(mail, at: 0)
            if rank == 0 { learner.callbacks.append(GatherProbe(mail: mail, recorder: recorder, asks: asks)) }
        }
        #expect(outcomes.allSatisfy { $0.error == nil && $0.batches == Array(0..<10) }, "\(outcomes)")
        // "batch: complete through, and all of rank 1's bytes through it there"
        let notes = outcomes[0].notes
        #expect(notes.allSatisfy { $0.hasSuffix("true") }, "\(notes)")
        let first = notes.first { note in Int(note.split(separator: " ")[2])! >= 3 }
        switch (asks, silent) {
        case (true, _): #expect(first == "note 5: 4 true", "\(notes)")
        // Nothing waits: each batch's carried flags say so at the next one's end.
        case (false, true): #expect(first == "note 5: 3 true", "\(notes)")
        // Rank 1's rows wait for the epoch's end.
        case (false, false): #expect(first == nil, "\(notes)")
        }
    }
}
