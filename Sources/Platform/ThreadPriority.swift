import CPlatform

/// Per-thread nice values on Linux (setpriority on a thread id): the server stays behind
/// training, and a training job takes the daemon's own nice back on whichever thread runs it.
public enum ThreadPriority {
    /// The calling thread's nice value (-20...19).
    public static var currentNice: Int32 { hookd_current_thread_nice() }

    /// Applies `nice` to the calling thread unless this thread already did; true on success.
    /// Lowering priority (a higher nice) always works; raising it needs CAP_SYS_NICE.
    @discardableResult
    public static func applyOnce(nice: Int32) -> Bool { hookd_nice_current_thread_once(nice) == 0 }

    /// Sets the calling thread's nice to `nice`; returns 0 or the errno. Raising priority (a
    /// lower nice) needs CAP_SYS_NICE or an RLIMIT_NICE that allows it (systemd's `LimitNICE=`).
    public static func set(nice: Int32) -> Int32 { hookd_set_current_thread_nice(nice) }
}
