import CMicroHTTPD

/// Per-thread nice values on Linux (setpriority on a thread id), used to keep the server behind training.
public enum ThreadPriority {
    /// The calling thread's nice value (-20...19).
    public static var currentNice: Int32 { hookd_current_thread_nice() }

    /// Applies `nice` to the calling thread unless this thread already did; true on success.
    /// Lowering priority (a higher nice) always works; raising it needs CAP_SYS_NICE.
    @discardableResult
    public static func applyOnce(nice: Int32) -> Bool { hookd_mhd_nice_current_thread_once(nice) == 0 }
}
