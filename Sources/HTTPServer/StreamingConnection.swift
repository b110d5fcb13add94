import CMicroHTTPD
import Synchronization

/// One connection sending an `HTTPBodyStream`: microhttpd pulls through `pull`, and the stream's
/// `wake` resumes the connection that `pull` parked.
///
/// microhttpd 0.9.75 makes two rules this type keeps: a content reader that returns 0 in internal
/// polling mode is called again at once (busy waiting) unless it suspended the connection, and
/// resuming a connection that is not suspended is undefined behaviour. So `pull` suspends under
/// the lock that `wake` checks, and only the caller that sees `.suspended` resumes.
///
/// `@unchecked Sendable`: `connection` is an opaque microhttpd handle used only for
/// MHD_suspend_connection (on microhttpd's thread, inside the reader) and MHD_resume_connection
/// (safe from any thread); everything mutable is in `state`.
final class StreamingConnection: @unchecked Sendable {
    enum Phase {
        /// microhttpd may call `pull` at any time.
        case active
        /// Suspended by `pull`; the next wake resumes.
        case suspended
        /// Resumed; microhttpd will call `pull` again shortly.
        case resuming
        /// The response is gone.
        case finished
    }

    struct State {
        var phase = Phase.active
        /// A wake arrived while `pull` was reading: do not park, pull again.
        var woken = false
        /// The server is stopping: end the body at the next pull.
        var ending = false
    }

    let connection: OpaquePointer
    let stream: any HTTPBodyStream
    private let state = Mutex(State())
    private weak var registry: OpenStreams?

    init(connection: OpaquePointer, stream: any HTTPBodyStream, registry: OpenStreams) {
        self.connection = connection
        self.stream = stream
        self.registry = registry
    }

    /// Starts the stream and registers with the server's open streams.
    func start() {
        registry?.add(self)
        stream.start { [weak self] in self?.wake() }
    }

    /// MHD_ContentReaderCallback's body: bytes written, 0 after parking, or an end marker.
    func pull(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let ending = state.withLock { s -> Bool in
            s.phase = .active
            s.woken = false
            return s.ending
        }
        if ending { return endOfStream }
        switch stream.read(into: buffer) {
        case .bytes(let count):
            return count
        case .end:
            return endOfStream
        case .wait:
            // A parked connection is not polled: a client gone now would go unnoticed until the
            // next write. End it here instead, so its slot (and stream) come free.
            if hookd_mhd_peer_closed(connection) != 0 { return endOfStream }
            return state.withLock { s -> Int in
                if s.ending { return endOfStream }
                if s.woken { return 0 }  // news came during the read: microhttpd calls again at once
                s.phase = .suspended
                MHD_suspend_connection(connection)  // inside the lock: a wake must see it done
                return 0
            }
        }
    }

    /// Asks microhttpd to pull again; from any thread.
    func wake() {
        let resume = state.withLock { s -> Bool in
            switch s.phase {
            case .suspended:
                s.phase = .resuming
                return true
            case .active:
                s.woken = true
                return false
            case .resuming, .finished:
                return false
            }
        }
        // Outside the lock: the phase already keeps any other caller from resuming twice, and
        // microhttpd cannot call `pull` before this resume.
        if resume { MHD_resume_connection(connection) }
    }

    /// Ends the body at the next pull and resumes a parked connection (server stop).
    func end() {
        state.withLock { $0.ending = true }
        wake()
    }

    /// Whether microhttpd still holds this connection suspended (or has not yet taken the resume).
    var isParked: Bool {
        state.withLock { $0.phase == .suspended || $0.phase == .resuming }
    }

    /// MHD_ContentReaderFreeCallback's body: the response is destroyed.
    func finish() {
        let first = state.withLock { s -> Bool in
            defer { s.phase = .finished }
            return s.phase != .finished
        }
        guard first else { return }
        registry?.remove(self)
        stream.finish()
    }

    // MHD_CONTENT_READER_END_OF_STREAM; to a client that left, the last chunk fails and
    // microhttpd closes quietly (END_WITH_ERROR would log an "application error").
    private var endOfStream: Int { -1 }
}
