/// A response body produced over time, such as Server-Sent Events: the server pulls bytes when
/// the client's socket can take them, and parks the connection while the stream has none.
///
/// The server calls `start(wake:)` once, then `read(into:)` on one of its threads, never two at
/// once. When `read` answers `.wait`, the connection is parked (microhttpd suspends it, so no
/// thread spins) until the stream calls `wake`, from any thread. `finish()` comes exactly once,
/// when the response is gone: the client left, the stream ended, or the server stopped.
public protocol HTTPBodyStream: AnyObject, Sendable {
    /// The stream is being sent; `wake` asks the server to call `read` again soon.
    func start(wake: @escaping @Sendable () -> Void)
    /// Copies up to `buffer.count` bytes of the body into `buffer`.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> HTTPStreamRead
    /// The response is over; release what the stream holds for this client.
    func finish()
}
