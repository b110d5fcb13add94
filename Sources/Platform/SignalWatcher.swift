import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGTERM and SIGINT into one call of a handler on a Dispatch queue: the daemon's orderly
/// shutdown, `hookd train`'s stop at the next batch boundary.
///
/// The signals are ignored at the process level (`SIG_IGN`) while it watches, so their default
/// action cannot kill the process mid-batch or mid-write; a `DispatchSource` still sees them.
/// Later signals are ignored: the first one already started the stop.
///
/// `@unchecked Sendable`: `sources` and `numbers` are immutable; after init the sources are only
/// cancelled, and libdispatch serialises that on each source's own target queue (`hookd.signals`).
public final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let numbers: [Int32]

    /// Starts watching; `handler` runs once, on a background queue, with the signal number.
    public init(signals: [Int32] = [SIGTERM, SIGINT], handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "hookd.signals")
        let once = OnceFlag()
        numbers = signals
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { if once.claim() { handler(number) } }
            source.resume()
            return source
        }
    }

    /// Stops watching and gives the signals their default action back (a later Ctrl-C kills).
    public func cancel() {
        for source in sources { source.cancel() }
        for number in numbers { signal(number, SIG_DFL) }
    }
}
