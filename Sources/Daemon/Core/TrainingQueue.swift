import Dispatch
import Logging
import Platform

/// Where runs train, one at a time: a serial `DispatchQueue` whose jobs run at the daemon's own
/// nice and CPUs, whichever thread submits them.
///
/// Why that needs care: libdispatch on Linux runs a queue's jobs on worker threads it starts
/// (pthread_create) from whichever thread wakes the queue, and a thread inherits its creator's
/// nice and CPU mask; an idle worker is reused for later jobs. A run queued by `POST /runs` from
/// a server thread (nice 10, `http.cpus`) would train there, and so would the libtorch OpenMP
/// threads it starts, out of reach: raising priority back needs privileges. Two guards:
/// - Only threads at the daemon's placement wake the queue. From any other thread (a server
///   thread), `async` hops through `relay` first: `hookd serve` passes the main queue, drained
///   by the main thread parked in its run loop (`MainRunLoop`). Not `dispatchMain()`: on Linux
///   it ends the main thread, and the main queue's jobs then run on workers the submitter starts.
/// - Each job first moves its thread to the placement (its CPUs always apply; a lower nice
///   needs CAP_SYS_NICE or the unit's `LimitNICE=`) and names it `hookd.training`, so the OpenMP
///   threads it starts inherit all three; a placement it cannot take is logged.
///
/// Workers have the default pthread stack (RLIMIT_STACK: 8 MiB under systemd), as libtorch's
/// autograd wants, like the main thread's.
final class TrainingQueue: Sendable {
    /// The name training threads carry while a job runs (`top -H`, /proc, the tests' check).
    static let threadName = "hookd.training"
    private let queue = DispatchQueue(label: TrainingQueue.threadName)
    private let placement: ThreadPlacement
    private let relay: DispatchQueue?
    private let logger: Logger

    /// - Parameters:
    ///   - placement: the daemon's own nice and CPUs (`training.cpus` when set).
    ///   - relay: a queue served by a thread at `placement`, for submissions from other threads;
    ///     nil submits directly (the job still takes its placement).
    init(placement: ThreadPlacement, relay: DispatchQueue?, logger: Logger) {
        self.placement = placement
        self.relay = relay
        self.logger = logger
    }

    /// Runs `job` after every job queued before it, at the daemon's placement.
    func async(_ job: @escaping @Sendable () -> Void) {
        let placed: @Sendable () -> Void = { [placement, logger] in
            let name = ThreadName.current
            let problems = placement.apply()
            if !problems.isEmpty { logger.warning("training thread not at \(placement): \(problems.joined(separator: "; "))") }
            ThreadName.set(Self.threadName)
            defer { ThreadName.set(name) }
            job()
        }
        if let relay, !placement.isCurrent {
            relay.async { [queue] in queue.async(execute: placed) }
        } else {
            queue.async(execute: placed)
        }
    }

    /// Waits for the jobs already on the queue, then runs `job` on the calling thread (never
    /// call it from a job: it would wait for itself). A job still hopping through the relay is
    /// not waited for; the daemon's shutdown does not need it to be (it leaves such a run queued).
    func sync(_ job: () -> Void) {
        queue.sync(execute: job)
    }
}
