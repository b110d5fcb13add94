import CPlatform

/// The process's limit on open files (RLIMIT_NOFILE): a server with many connections needs one
/// descriptor each, and systemd's default soft limit is 1024.
public enum OpenFileLimit {
    /// Raises the soft limit to at least `count` where the hard limit allows; returns the limits
    /// in force afterwards (`UInt64.max` for unlimited), or nil when they cannot be read.
    @discardableResult
    public static func raise(toAtLeast count: Int) -> (soft: UInt64, hard: UInt64)? {
        var soft: UInt64 = 0
        var hard: UInt64 = 0
        guard hookd_raise_open_file_limit(UInt64(max(0, count)), &soft, &hard) == 0 else { return nil }
        return (soft, hard)
    }
}
