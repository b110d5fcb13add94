import Synchronization

/// True for the first `claim()` only, from any thread.
final class OnceFlag: Sendable {
    private let claimed = Atomic<Bool>(false)

    /// Whether this call is the first.
    func claim() -> Bool { !claimed.exchange(true, ordering: .acquiringAndReleasing) }
}
