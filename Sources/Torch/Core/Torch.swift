import CTorch

/// Process-wide libtorch settings.
public enum Torch {
    /// Seeds libtorch's default generator (initialisation, dropout, randn).
    public static func manualSeed(_ seed: UInt64) { ct_manual_seed(seed) }

    /// Intra-op threads used by libtorch's parallel kernels.
    ///
    /// Set it explicitly: on these VMs libtorch's default undercounts cores (PERF-NOTES item 1).
    public static var threads: Int {
        get { Int(ct_get_num_threads()) }
        set { ct_set_num_threads(Int32(max(1, newValue))) }
    }

    /// The libtorch version hookd is built against.
    public static var version: String { String(cString: ct_version()) }
}
