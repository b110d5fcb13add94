import Dispatch
import Torch

/// Time spent inside a run's forward statistics hooks, for `/metrics` (`hookd_hook_seconds_total`).
///
/// Training queue only: its timing hooks fire during forward passes, `take()` runs at batch ends.
final class HookTimer {
    private var start: UInt64 = 0
    private var nanos: UInt64 = 0

    /// Runs `attach` (which hooks `module`) between two timing hooks: forward hooks run in
    /// registration order, so the two enclose exactly what `attach` registered.
    ///
    /// - Returns: what `attach` returned and the two timing hooks, to remove with it.
    func timing<T>(_ module: Module, _ attach: () throws -> T) rethrows -> (T, [ModuleHookHandle]) {
        let before = module.registerForwardHook { [unowned self] _, _, _ in
            start = DispatchTime.now().uptimeNanoseconds
            return nil
        }
        let attached: T
        do {
            attached = try attach()
        } catch {
            before.remove()
            throw error
        }
        let after = module.registerForwardHook { [unowned self] _, _, _ in
            nanos &+= DispatchTime.now().uptimeNanoseconds &- start
            return nil
        }
        return (attached, [before, after])
    }

    /// Nanoseconds timed since the last call.
    func take() -> UInt64 {
        defer { nanos = 0 }
        return nanos
    }
}
