/// Which runs a retention of the newest N ended runs deletes.
public enum RetentionPlan {
    /// Ended runs other than the `keep` that ended last, in id order. "Last" is by
    /// `finished_at`, not id: a run queued later but cancelled early must not outlive a long run
    /// that finishes after it. Runs that may still train never count and are never listed.
    public static func runsToDelete(keeping keep: Int, of runs: [RunRecord]) -> [Int64] {
        let ended = runs.filter(\.status.hasEnded).sorted {
            let (a, b) = ($0.finishedAt ?? $0.createdAt, $1.finishedAt ?? $1.createdAt)
            return a != b ? a > b : $0.id > $1.id
        }
        return ended.dropFirst(max(0, keep)).map(\.id).sorted()
    }
}
