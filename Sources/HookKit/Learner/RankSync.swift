import Dispatch
import Torch

/// Where the ranks of a data-parallel run agree at every batch's end, after every callback's
/// `endBatch`: one small all-reduce (the largest of each rank's flags) says whether the fit
/// stops, whether a rank failed, and how many bytes the ranks hold for rank 0.
///
/// The agreement costs no collective of its own on most batches: a batch's flags travel with
/// the next batch's gradient all-reduce (side values of `DataParallel`'s last bucket; without
/// one, an all-reduce of their own during the next batch), and are read at that batch's end.
/// Waited for at its own batch's end, a separate all-reduce cost about 3% of a step on 2 shared
/// cores (`hookd train --sync-ab`, BENCHMARKS.md). What it says is acted on then, on every rank
/// alike; it is waited for at once only when every rank knows to: at a fit's first batch, at an
/// epoch's last, and at the batch after one whose agreement asked for it (a stop, a failure,
/// rows due at rank 0, a planned end).
///
/// - A stop asked on any rank (SIGTERM, cancel) stops every rank after the same batch: the
///   first batch end after every rank has heard of it, one batch after the request at most. A
///   planned end (`Learner.stopAtIteration`, `--max-batches`) is known a batch ahead and stops
///   every rank exactly there.
/// - A rank that fails at a batch's end (a health rule's `stop`, a non-finite loss) trains the
///   next batch like the others, then every rank ends: it throws its own error, the others one
///   naming it.
/// - Rank 0 gathers the others' bytes (`mail`: their statistics) at most every
///   `gatherInterval` seconds, at the last batch of every epoch, when the fit stops or fails,
///   and within two batches of asking (`requestGather`: a checkpoint is due), so its stats file
///   holds every rank's rows at each of those points (`rowsCompleteThrough`).
public final class RankSync {
    public let group: ProcessGroup
    /// What the ranks send rank 0; nil sends nothing.
    public var mail: RankMail?
    /// The longest rank 0 lets the others' rows wait (its stats writer's flush delay).
    public var gatherInterval: Double = 0.25
    private var lastGather = DispatchTime.now()
    /// This rank's stop, as a code the ranks agree on (the largest wins): 0 none, `stopCode`, or
    /// `cancelCode`. Nil: `stopCode` while the learner's stop signal is raised. The daemon tells
    /// a cancel from a shutdown, so a cancel on any rank cancels the run on every rank.
    public var localStopCode: (() -> Int64)?
    /// The stop the ranks agreed on at the last batch boundary (0: none).
    public private(set) var agreedStopCode: Int64 = 0
    /// Waits for every agreement at its own batch's end, in an all-reduce of its own: a stop or a
    /// failure then ends every rank at that very batch, for one more meeting of the ranks per
    /// step. What `hookd train --sync-ab` switches, to measure what carrying the flags saves.
    public var waitsEveryBatch = false
    public static let stopCode: Int64 = 1
    public static let cancelCode: Int64 = 2
    /// This fit's agreements that were waited for at the end of their own batch; the others
    /// ran during the next batch.
    public private(set) var agreementsWaitedAtOnce = 0
    /// The last batch (`position.iteration`) through which rank 0 holds every rank's rows: a
    /// checkpoint may point no later than the batch after it, or a crash would lose rows that
    /// a resume does not train again. Nil until known in this fit.
    public private(set) var rowsCompleteThrough: Int?
    /// Rank 0 asked for the others' rows at the next agreement (`requestGather`).
    private var gatherRequested = false
    /// The gradient reducer whose all-reduce carries the flags (`DataParallel` sets it).
    var carrier: GradientReducer?
    /// How the last batch's flags travel during this batch.
    private enum InFlight {
        /// With this batch's gradients (`carrier`).
        case withGradients
        /// In an all-reduce of their own.
        case alone(MaxReduction)
    }
    private var inFlight: InFlight?
    /// Whether this batch's agreement is waited for at its end: the fit's first batch, or the
    /// last agreement, waited for at once, said a planned end comes next.
    private var waitsAtOnce = true

    public init(group: ProcessGroup) {
        self.group = group
    }

    /// A new fit: its first agreement is waited for at once, and nothing of the last fit is pending.
    func beginFit() {
        inFlight = nil
        waitsAtOnce = true
        agreedStopCode = 0
        agreementsWaitedAtOnce = 0
        rowsCompleteThrough = nil
        gatherRequested = false
    }

    /// Rank 0 wants every rank's rows as soon as the ranks can agree on it (a checkpoint is
    /// due): within two batches, when `rowsCompleteThrough` moves on.
    public func requestGather() { gatherRequested = true }

    /// Ends the current batch on this rank; returns whether every rank stops after it.
    ///
    /// - Parameter failure: this rank's reason to end the fit, if any.
    /// - Throws: once the ranks have agreed that a rank failed: `failure` on that rank, an error
    ///   naming it on the others; or when a collective fails (a rank died or did not answer
    ///   within the group's timeout).
    func agree(_ learner: Learner, failure: Error?) throws -> Bool {
        let endOfEpoch = learner.position.batch + 1 >= learner.data.train.batchCount
        var atOnce = waitsEveryBatch || waitsAtOnce || endOfEpoch
        if let previous = inFlight {
            inFlight = nil
            let flags = Flags(try values(of: previous))
            if !flags.collects { mail?.discard() }
            if flags.nothingWaits { rowsCompleteThrough = learner.position.iteration - 1 }
            atOnce = atOnce || flags.asksToWait
        }
        waitsAtOnce = false
        let mine = localFlags(learner, failure: failure)
        guard atOnce else {
            if let carrier {
                try carrier.sendSideValues(mine.values)
                inFlight = .withGradients
            } else {
                inFlight = .alone(try group.startAllReduceMax(mine.values))
            }
            return false
        }
        let agreed = Flags(try group.allReduceMax(mine.values))
        agreementsWaitedAtOnce += 1
        agreedStopCode = agreed.stopCode
        waitsAtOnce = agreed.endsNext
        let gathers = agreed.gather != .none || agreed.stops || agreed.failedRank != nil || endOfEpoch
        if !agreed.collects {
            mail?.discard()
        } else if agreed.pending > 0, gathers {
            try gather(length: agreed.pending)
        }
        if agreed.nothingWaits || gathers {
            rowsCompleteThrough = learner.position.iteration
            gatherRequested = false
        }
        if let failure, agreed.failedRank != nil { throw failure }
        if let failedRank = agreed.failedRank {
            throw TorchError("data parallel", "rank \(failedRank) of \(group.worldSize) failed, so every rank stops after batch \(learner.position.iteration) (its error is in its own log and status)")
        }
        return agreed.stops
    }

    private func values(of previous: InFlight) throws -> [Int64] {
        switch previous {
        case .alone(let reduction):
            return try reduction.wait()
        case .withGradients:
            guard let values = carrier?.receivedSideValues() else {
                throw TorchError("data parallel", "the ranks' agreement did not travel with this batch's gradients (was backward skipped?)")
            }
            return values
        }
    }

    private func localFlags(_ learner: Learner, failure: Error?) -> Flags {
        let rank = group.rank
        let collects = rank == 0 && (mail?.collects ?? false)
        var stop = localStopCode?() ?? (learner.stopSignal.isRequested ? Self.stopCode : 0)
        // This batch is the last planned one.
        if learner.reachesPlannedEnd(within: 1) { stop = max(stop, Self.stopCode) }
        let due = collects && seconds(since: lastGather) >= gatherInterval
        return Flags(stopCode: stop, failedRank: failure != nil ? rank : nil,
                     gather: gatherRequested ? .asked : due ? .due : .none, collects: collects,
                     pending: rank == 0 ? 0 : mail?.pendingCount ?? 0,
                     endsNext: learner.reachesPlannedEnd(within: 2))
    }

    /// One gather of every rank's waiting bytes, each framed as its length (8 bytes, little
    /// endian) then the bytes, padded to the agreed `length` so every rank sends as many.
    private func gather(length: Int) throws {
        var frame = [UInt8](repeating: 0, count: 8 + length)
        if group.rank != 0, let bytes = mail?.take() {
            withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { frame.replaceSubrange(0..<8, with: $0) }
            frame.replaceSubrange(8..<(8 + bytes.count), with: bytes)
        }
        lastGather = DispatchTime.now()
        guard let frames = try group.gather(frame) else { return }
        for (rank, frame) in frames.enumerated() where rank != 0 {
            let count = frame.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            guard count <= UInt64(length) else {
                throw TorchError("data parallel", "rank \(rank) sent a frame of \(count) bytes in \(length)")
            }
            try mail?.received(frame[8..<(8 + Int(count))], from: rank)
        }
    }

    private func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    /// What rank 0 wants of the others' rows, larger wanting more (the ranks agree on the largest).
    enum GatherWish: Int64 {
        case none = 0
        /// Its flush delay has passed: gathered at the next agreement waited for anyway, or at
        /// once when rows wait.
        case due = 1
        /// `requestGather`: the next agreement is waited for at once, rows or none, so that
        /// `rowsCompleteThrough` moves on within two batches.
        case asked = 2
    }

    /// What one rank says at a batch's end, and, all-reduced, what the ranks agreed (the largest
    /// of each value over the ranks).
    struct Flags {
        /// How many int64s travel (`values`).
        static let count = 6
        var stopCode: Int64
        var failedRank: Int?
        /// Whether rank 0 wants the others' rows now.
        var gather: GatherWish
        /// Rank 0 keeps the others' rows at all.
        var collects: Bool
        /// The most bytes a rank holds for rank 0.
        var pending: Int
        /// A planned end comes after the next batch: its agreement is waited for at once.
        var endsNext: Bool

        init(stopCode: Int64, failedRank: Int?, gather: GatherWish, collects: Bool, pending: Int, endsNext: Bool) {
            self.stopCode = stopCode
            self.failedRank = failedRank
            self.gather = gather
            self.collects = collects
            self.pending = pending
            self.endsNext = endsNext
        }

        init(_ values: [Int64]) {
            self.init(stopCode: values[0], failedRank: values[1] > 0 ? Int(values[1]) - 1 : nil,
                      gather: GatherWish(rawValue: values[2]) ?? .none, collects: values[3] != 0, pending: Int(values[4]),
                      endsNext: values[5] != 0)
        }

        var values: [Int64] {
            [stopCode, Int64(failedRank.map { $0 + 1 } ?? 0), gather.rawValue, collects ? 1 : 0, Int64(pending), endsNext ? 1 : 0]
        }

        var stops: Bool { stopCode != 0 }

        /// No rank held rows for rank 0 at the batch these flags are from (or rank 0 keeps none).
        var nothingWaits: Bool { !collects || pending == 0 }

        /// Whether the ranks wait for the next agreement at once, to act on it at that batch.
        var asksToWait: Bool {
            stops || failedRank != nil || gather == .asked || (gather == .due && pending > 0) || endsNext
        }
    }
}
