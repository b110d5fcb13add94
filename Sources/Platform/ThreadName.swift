import CPlatform

/// The calling thread's kernel name (`/proc/<pid>/task/<tid>/comm`, `top -H`).
///
/// Threads inherit their creator's name, so the threads libtorch's OpenMP pool starts from a
/// training job carry the job's thread name; tests and operators find training by it.
public enum ThreadName {
    /// The calling thread's name (at most 15 bytes).
    public static var current: String {
        var buffer = [CChar](repeating: 0, count: 16)
        _ = hookd_current_thread_name(&buffer)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Names the calling thread; the kernel keeps the first 15 bytes (prctl truncates).
    public static func set(_ name: String) {
        _ = hookd_set_current_thread_name(name)
    }
}
