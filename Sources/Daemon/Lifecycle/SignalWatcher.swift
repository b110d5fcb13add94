import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGTERM and SIGINT into one call of a handler on a Dispatch queue.
///
/// The signals are ignored at the process level (`SIG_IGN`) so their default action cannot kill
/// the daemon mid-batch; a `DispatchSource` still sees them. Later signals are ignored: the first
/// one already started an orderly shutdown.
///
/// `@unchecked Sendable`: `sources` is an immutable array; after init the sources are only
/// cancelled, and libdispatch serialises that on each source's own target queue (`hookd.signals`).
public final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    /// Starts watching; `handler` runs once, on a background queue, with the signal number.
    public init(signals: [Int32] = [SIGTERM, SIGINT], handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "hookd.signals")
        let once = OnceFlag()
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { if once.claim() { handler(number) } }
            source.resume()
            return source
        }
    }

    /// Stops watching.
    public func cancel() { for source in sources { source.cancel() } }
}
