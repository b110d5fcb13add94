import Dispatch
import Foundation
import HookKit

/// Turns SIGINT and SIGTERM into a stop request at the next batch boundary.
///
/// The default actions are ignored while it lives, so a signal never kills the process
/// mid-write; a second signal is handled the same way (the batch still finishes).
final class StopOnSignals {
    private let sources: [DispatchSourceSignal]

    init(_ stop: StopSignal) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.request() }
            source.resume()
            return source
        }
    }

    func cancel() {
        sources.forEach { $0.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
