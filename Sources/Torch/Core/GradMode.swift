import CTorch

/// Runs `body` with autograd recording off on this thread, restoring the previous mode after.
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    try withGradMode(false, body)
}

/// Runs `body` with autograd recording set to `enabled`, restoring the previous mode after.
public func withGradMode<T>(_ enabled: Bool, _ body: () throws -> T) rethrows -> T {
    let previous = ct_grad_enabled()
    ct_set_grad_enabled(enabled)
    defer { ct_set_grad_enabled(previous) }
    return try body()
}
