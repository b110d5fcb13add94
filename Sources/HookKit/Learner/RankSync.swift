import Dispatch
import Torch

/// Where the ranks of a data-parallel run agree, once per batch, after every callback's
/// `endBatch`: one small all-reduce (the largest of each rank's flags) says whether the fit
/// stops here, whether a rank failed, and how many bytes the ranks hold for rank 0.
///
/// - A stop asked on any rank (SIGTERM, cancel, `--max-batches`) stops every rank after the same
///   batch, whenever each rank's own request arrived, so a restart resumes them all alike.
/// - A rank that fails at a batch's end (a health rule's `stop`, a non-finite loss) ends every
///   rank there: it throws its own error, the others one naming it.
/// - Rank 0 gathers the others' bytes (`mail`: their statistics) at most every
///   `gatherInterval` seconds, at the last batch of every epoch, and when the fit stops or
///   fails, so its stats file holds every rank's rows at each of those points.
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
    public static let stopCode: Int64 = 1
    public static let cancelCode: Int64 = 2

    public init(group: ProcessGroup) {
        self.group = group
    }

    /// Agrees on the end of the current batch; returns whether every rank stops after it.
    ///
    /// - Parameter failure: this rank's reason to end the fit at this batch, if any.
    /// - Throws: when a rank failed (the caller throws its own `failure`), or when a collective
    ///   does (a rank died or did not answer within the group's timeout).
    func agree(_ learner: Learner, failure: Error?) throws -> Bool {
        let rank = group.rank
        let collects = rank == 0 && (mail?.collects ?? false)
        let due = collects && seconds(since: lastGather) >= gatherInterval
        let agreed = try group.allReduceMax([
            localStopCode?() ?? (learner.stopSignal.isRequested ? Self.stopCode : 0),
            failure != nil ? Int64(rank + 1) : 0,
            due ? 1 : 0,
            collects ? 1 : 0,
            rank == 0 ? 0 : Int64(mail?.pendingCount ?? 0),
        ])
        agreedStopCode = agreed[0]
        let stop = agreed[0] != 0, failedRank = Int(agreed[1]) - 1
        let endOfEpoch = learner.position.batch + 1 >= learner.data.train.batchCount
        if agreed[3] == 0 {
            mail?.discard()
        } else if agreed[4] > 0, agreed[2] != 0 || stop || failedRank >= 0 || endOfEpoch {
            try gather(length: Int(agreed[4]))
        }
        if failedRank >= 0, failure == nil {
            throw TorchError("data parallel", "rank \(failedRank) of \(group.worldSize) failed at batch \(learner.position.iteration), so every rank stops there (its error is in its own log and status)")
        }
        return stop
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
}
