#if canImport(Glibc)
import Glibc
#endif

/// Where a thread runs: its nice value and the CPUs it may use.
///
/// Both are per thread on Linux and inherited by the threads a thread creates, libdispatch's
/// workers included: a worker started from a server thread (nice 10, `http.cpus`) keeps that
/// placement for every later work item. A job that must run at the daemon's own placement
/// captures it once (`current()` on the thread that builds the daemon) and applies it first.
public struct ThreadPlacement: Sendable, Equatable, CustomStringConvertible {
    /// The nice value (-20...19).
    public var nice: Int32
    /// The CPUs, ascending.
    public var cpus: [Int]

    /// A placement of `nice` on `cpus`.
    public init(nice: Int32, cpus: [Int]) {
        self.nice = nice
        self.cpus = cpus.sorted()
    }

    /// The calling thread's placement.
    public static func current() -> ThreadPlacement {
        ThreadPlacement(nice: ThreadPriority.currentNice, cpus: ThreadAffinity.allowedCPUs())
    }

    /// Whether the calling thread runs at this placement now.
    public var isCurrent: Bool { Self.current() == self }

    /// Moves the calling thread to this placement; returns what could not be applied (empty
    /// when it now runs there).
    ///
    /// The CPUs always apply (any CPU of the process's cpuset). A lower nice than the thread
    /// has needs CAP_SYS_NICE or an RLIMIT_NICE allowing it (systemd's `LimitNICE=`); without
    /// either the thread keeps its nice and the problem names why.
    public func apply() -> [String] {
        var problems: [String] = []
        do {
            try ThreadAffinity.pin(to: cpus)
        } catch {
            problems.append("\(error)")
        }
        if ThreadPriority.currentNice != nice {
            let was = ThreadPriority.currentNice
            let error = ThreadPriority.set(nice: nice)
            if error != 0 {
                problems.append("cannot move a thread from nice \(was) to \(nice): \(String(cString: strerror(error))) (needs CAP_SYS_NICE or LimitNICE=)")
            }
        }
        return problems
    }

    public var description: String { "nice \(nice) on CPUs \(cpus)" }
}
