import CPlatform
import Foundation

/// Linux CPU affinity per thread: keeps the HTTP server and training on separate cores
/// (PERF-NOTES item 5: pinned apart, neither slows the other).
///
/// Affinity is per thread and inherited by the threads a thread creates; any thread may move
/// itself to any CPU of the process's cpuset, no privilege needed.
public enum ThreadAffinity {
    /// Why a pin failed: the errno and the CPUs asked for.
    public struct Failure: Error, CustomStringConvertible {
        /// The CPUs asked for.
        public let cpus: [Int]
        /// Why the kernel refused (EINVAL: none of them allowed; EPERM; ESRCH: no such thread).
        public let errno: Int32
        public var description: String { "cannot pin to CPUs \(cpus): \(String(cString: strerror(errno)))" }
    }

    /// The CPUs the calling thread may run on now (its affinity mask, e.g. from systemd's CPUAffinity=).
    public static func allowedCPUs() -> [Int] {
        var buffer = [Int32](repeating: 0, count: 8192)
        let count = hookd_allowed_cpus(&buffer, Int32(buffer.count))
        return count > 0 ? buffer.prefix(Int(count)).map(Int.init) : []
    }

    /// Pins one thread (`tid` 0 = the caller) to `cpus`.
    public static func pin(thread tid: Int32 = 0, to cpus: [Int]) throws(Failure) {
        let values = cpus.map { Int32(clamping: $0) }
        let error = values.withUnsafeBufferPointer { hookd_set_thread_affinity(tid, $0.baseAddress, Int32($0.count)) }
        if error != 0 { throw Failure(cpus: cpus, errno: error) }
    }

    /// Pins every thread of this process to `cpus`; threads created later inherit the mask from
    /// their creator, so the whole process stays there unless a thread moves itself (the server's).
    /// Passes over /proc/self/task until no thread is new, as a thread not yet pinned may start
    /// another meanwhile.
    public static func pinProcess(to cpus: [Int]) throws(Failure) {
        var pinned = Set<Int32>()
        while true {
            guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else {
                throw Failure(cpus: cpus, errno: ENOENT)  // no /proc: nothing could be pinned
            }
            let fresh = Set(tasks.compactMap(Int32.init)).subtracting(pinned)
            if fresh.isEmpty { return }
            for tid in fresh {
                do {
                    try pin(thread: tid, to: cpus)
                } catch where error.errno == ESRCH {
                    // The thread ended meanwhile.
                }
                pinned.insert(tid)
            }
        }
    }

    /// Pins the calling thread to `cpus` the first time it asks (server threads, on their first
    /// request); later calls on the same thread cost a branch.
    public static func pinCurrentThreadOnce(to cpus: [Int32]) {
        _ = cpus.withUnsafeBufferPointer { hookd_pin_current_thread_once($0.baseAddress, Int32($0.count)) }
    }
}
