import Foundation

/// A serial executor on one long-lived thread, created with the daemon: where runs train.
///
/// Not a `DispatchQueue`: on Linux, libdispatch starts a new worker thread from whichever thread
/// calls `async`, and the worker inherits that thread's nice value and CPU mask. A run queued by
/// `POST /runs` would then train on a thread created by a server thread, at the server's nice 10
/// and on `http.cpus`, and so would libtorch's OpenMP threads it starts; lowering nice back needs
/// privileges the service does not have. This thread is created by the thread that builds the
/// daemon (nice 0, the process's CPUs) and is pinned with the process (`training.cpus`).
///
/// `@unchecked Sendable`: `jobs` and `stopped` are read and written only while holding `condition`.
final class TrainingThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopped = false

    /// Starts the thread, named `name` (at most 15 characters show in `top` and /proc).
    init(name: String) {
        let thread = Thread { [self] in
            // Foundation on Linux hands the name to the kernel (for /proc and top) only once the
            // thread runs; set before start, it is kept in Swift alone.
            Thread.current.name = String(name.prefix(15))
            run()
        }
        thread.stackSize = 8 << 20  // libtorch's autograd recursion wants a main-thread-sized stack
        thread.start()
    }

    /// Runs `job` after every job queued before it.
    func async(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs `job` after every job queued before it and waits for it (never call it from the
    /// training thread itself: it would wait for itself).
    func sync(_ job: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        async {
            job()
            done.signal()
        }
        done.wait()
    }

    /// Lets the thread end once the jobs queued so far have run (daemon objects in tests).
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
