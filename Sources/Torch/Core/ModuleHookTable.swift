/// The forward hooks of one module, in registration order.
///
/// Safe against changes from inside a hook: each call iterates a snapshot, and a hook removed
/// by an earlier one in the same call does not fire; a hook added during a call fires next time.
final class ModuleHookTable {
    private var preHooks: [(id: Int, body: ForwardPreHook)] = []
    private var forwardHooks: [(id: Int, body: ForwardHook)] = []
    private var live = Set<Int>()
    private var nextID = 0

    var hasPreHooks: Bool { !preHooks.isEmpty }
    var hasForwardHooks: Bool { !forwardHooks.isEmpty }
    var count: Int { live.count }

    func addPreHook(_ body: @escaping ForwardPreHook) -> Int {
        nextID += 1
        preHooks.append((nextID, body))
        live.insert(nextID)
        return nextID
    }

    func addForwardHook(_ body: @escaping ForwardHook) -> Int {
        nextID += 1
        forwardHooks.append((nextID, body))
        live.insert(nextID)
        return nextID
    }

    func remove(_ id: Int) {
        guard live.remove(id) != nil else { return }
        preHooks.removeAll { $0.id == id }
        forwardHooks.removeAll { $0.id == id }
    }

    func runPreHooks(_ module: Module, _ input: Tensor) throws -> Tensor {
        var x = input
        for (id, body) in preHooks where live.contains(id) {
            if let replaced = try body(module, x) { x = replaced }
        }
        return x
    }

    func runForwardHooks(_ module: Module, _ input: Tensor, _ output: Tensor) throws -> Tensor {
        var y = output
        for (id, body) in forwardHooks where live.contains(id) {
            if let replaced = try body(module, input, y) { y = replaced }
        }
        return y
    }
}

/// A registered forward or pre-forward hook; `remove()` is idempotent.
public final class ModuleHookHandle {
    private weak var table: ModuleHookTable?
    private let id: Int

    init(table: ModuleHookTable, id: Int) {
        self.table = table
        self.id = id
    }

    /// Unregisters the hook; it never fires again. Safe to call twice or from inside a hook.
    public func remove() { table?.remove(id) }
}
