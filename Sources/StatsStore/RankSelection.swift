/// Which data-parallel ranks a per-batch read returns: HTTP's `?rank=`, the CLI's `--rank`.
public enum RankSelection: Sendable, Equatable, CustomStringConvertible {
    /// The file's own rank of the run: 0, but in the files of a run's other ranks.
    case own
    /// One rank.
    case one(Int64)
    /// Every rank of the run's world size, each rank's batches in turn.
    case all

    /// `all` or a rank number (0 or more); nil for anything else.
    public init?(parsing text: String) {
        if text == "all" {
            self = .all
        } else if let rank = Int64(text), rank >= 0, text.allSatisfy(\.isASCII) {
            self = .one(rank)
        } else {
            return nil
        }
    }

    /// The selection as a query parameter would give it (`own` when absent).
    public var description: String {
        switch self {
        case .own: "own"
        case .one(let rank): "\(rank)"
        case .all: "all"
        }
    }
}
