import CMicroHTTPD
import Platform

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The C callbacks microhttpd calls; `cls` is always an unretained `ServerContext`.
enum MHDCallbacks {
    /// MHD_OPTION_URI_LOG_CALLBACK: called once per request with the raw URI, "before we modify
    /// URI *or* args" (connection.c), so path parameters keep an encoded `%2F` apart from `/`.
    /// Its return value becomes `*con_cls`; microhttpd's doc names this the place to
    /// "instantiate their own request objects, freeing them in the notifier
    /// MHD_OPTION_NOTIFY_COMPLETED" — it also marks the request client-aware, so the notifier runs.
    static let uriLog: hookd_mhd_uri_log_callback = { cls, uri, connection in
        let target = uri.map { String(cString: $0) } ?? "/"
        let state = RequestState(target: target, remoteAddress: clientAddress(connection))
        if let cls { Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue().inFlight.add(1, ordering: .relaxed) }
        return Unmanaged.passRetained(state).toOpaque()  // +1, released in `completed`
    }

    /// MHD_OPTION_NOTIFY_COMPLETED: the request is over (answered, failed, timed out or the
    /// daemon stopped); frees the state the URI log callback created.
    static let completed: MHD_RequestCompletedCallback = { cls, connection, conCls, _ in
        guard let conCls, let raw = conCls.pointee else { return }
        let state = Unmanaged<RequestState>.fromOpaque(raw)
        if let cls {
            let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
            doneInFlight(state.takeUnretainedValue(), context)
            if let connection { context.connections.answered(hookd_mhd_socket_context(connection)) }
        }
        state.release()
        conCls.pointee = nil
    }

    /// MHD_OPTION_NOTIFY_CONNECTION: a connection opened or closed. Its socket context is the
    /// `ConnectionTracker` record that times its requests.
    static let connectionNotice: MHD_NotifyConnectionCallback = { cls, connection, socketContext, code in
        guard let cls, let connection, let socketContext else { return }
        let tracker = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue().connections
        if code == .CONNECTION_NOTIFY_STARTED {
            socketContext.pointee = tracker.opened(fd: hookd_mhd_connection_fd(connection))
        } else if let record = socketContext.pointee {
            tracker.closed(record)
            socketContext.pointee = nil
        }
    }

    /// The access handler, following microhttpd's documented pattern (PERF-NOTES item 3):
    /// the first call only notes that headers are in; later calls with `*upload_data_size > 0`
    /// hand over body chunks; the call with `*upload_data_size == 0` after that queues the
    /// response. Queueing on the first call would make microhttpd close the connection.
    static let access: MHD_AccessHandlerCallback = {
        cls, connection, _, method, version, uploadData, uploadDataSize, conCls in
        guard let cls, let connection, let uploadDataSize, let conCls else { return .NO }
        let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
        let maxBody = context.config.maxBodyBytes

        let state: RequestState
        if let raw = conCls.pointee {
            state = Unmanaged<RequestState>.fromOpaque(raw).takeUnretainedValue()
        } else {
            // Not expected (the URI log callback always sets it), but never crash a server thread.
            state = RequestState(target: "/", remoteAddress: nil)
            conCls.pointee = Unmanaged.passRetained(state).toOpaque()
        }

        if !state.sawHeaders {
            state.sawHeaders = true
            if let nice = context.config.threadNice { ThreadPriority.applyOnce(nice: nice) }
            if let cpus = context.serverCPUs { ThreadAffinity.pinCurrentThreadOnce(to: cpus) }
            let httpVersion = version.map { String(cString: $0) } ?? ""
            if let refusal = RequestFraming.problem(version: httpVersion, headers: headers(of: connection)) {
                return answer(refusal, state, on: connection, context)
            }
            // A declared oversize body is refused before it is read. microhttpd: "If response is
            // provided before request is fully received, the rest of the request is discarded and
            // connection is automatically closed after sending response." — what we want here.
            if let declared = declaredContentLength(connection), declared > maxBody {
                return answer(payloadTooLarge(maxBody), state, on: connection, context)
            }
            return .YES
        }

        let chunk = uploadDataSize.pointee
        if chunk > 0 {
            // "The response cannot be queued when this callback is called to process the client
            // upload data": buffer (or discard) and report the whole chunk as processed.
            if !state.tooLarge && state.body.count + chunk <= maxBody, let uploadData {
                state.body.append(UnsafeRawPointer(uploadData).assumingMemoryBound(to: UInt8.self), count: chunk)
            } else {
                // A chunked body without Content-Length outgrew the limit: stop buffering, free what
                // we hold, and swallow up to another maxBodyBytes to answer 413 politely; a client
                // that keeps sending after that loses the connection.
                if !state.tooLarge {
                    state.tooLarge = true
                    state.body = Data()
                }
                state.discardedBytes += chunk
                if state.discardedBytes > max(maxBody, 64 * 1024) { return .NO }
            }
            uploadDataSize.pointee = 0  // "the number of bytes NOT processed"
            return .YES
        }

        if state.tooLarge { return answer(payloadTooLarge(maxBody), state, on: connection, context) }
        let request = HTTPRequest(
            method: HTTPMethod(method.map { String(cString: $0) } ?? ""),
            target: state.target, headers: headers(of: connection), body: state.body,
            remoteAddress: state.remoteAddress)
        return answer(context.router.handle(request), state, on: connection, context)
    }

    /// Queues `response` (a body or a stream) and stops the request clock of its connection.
    static func answer(_ response: HTTPResponse, _ state: RequestState, on connection: OpaquePointer,
                       _ context: ServerContext) -> MHD_Result {
        context.connections.answering(hookd_mhd_socket_context(connection))
        if let stream = response.stream {
            doneInFlight(state, context)  // a stream lasts as long as its client: never waited for
            return queueStream(stream, response, on: connection, context)
        }
        return queue(response, on: connection)
    }

    /// Stops counting `state` as in flight (once).
    static func doneInFlight(_ state: RequestState, _ context: ServerContext) {
        guard state.inFlight else { return }
        state.inFlight = false
        context.inFlight.subtract(1, ordering: .relaxed)
    }

    static func payloadTooLarge(_ limit: Int) -> HTTPResponse {
        .error(status: .payloadTooLarge, code: "payload_too_large",
               message: "request body exceeds the limit of \(limit) bytes")
    }

    /// Hands `response` to microhttpd, which copies the body and adds Content-Length, Date and,
    /// only when the connection must close, `Connection: close`.
    static func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
        let created = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
        guard let mhdResponse = created else { return .NO }
        addHeaders(response, to: mhdResponse)
        let result = MHD_queue_response(connection, UInt32(truncatingIfNeeded: response.status.rawValue), mhdResponse)
        // MHD holds its own reference until the response is sent; drop ours now.
        MHD_destroy_response(mhdResponse)
        return result
    }

    /// Hands a streaming response to microhttpd: size unknown (chunked for HTTP/1.1), pulled
    /// through `streamReader` as the socket drains, the `StreamingConnection` freed with it.
    static func queueStream(
        _ stream: any HTTPBodyStream, _ response: HTTPResponse, on connection: OpaquePointer, _ context: ServerContext
    ) -> MHD_Result {
        let streaming = StreamingConnection(connection: connection, stream: stream, registry: context.streams)
        let retained = Unmanaged.passRetained(streaming)  // +1, released in `streamFreed`
        // 4 KiB pulls: one SSE event or a few fit, and a slow client holds at most that in MHD.
        guard let mhdResponse = MHD_create_response_from_callback(
            UInt64.max, 4096,  // MHD_SIZE_UNKNOWN, a macro Swift does not import
            streamReader, retained.toOpaque(), streamFreed)
        else {
            retained.release()
            stream.finish()
            return .NO
        }
        addHeaders(response, to: mhdResponse)
        streaming.start()
        let result = MHD_queue_response(connection, UInt32(truncatingIfNeeded: response.status.rawValue), mhdResponse)
        MHD_destroy_response(mhdResponse)
        return result
    }

    static let streamReader: MHD_ContentReaderCallback = { cls, _, buffer, max in
        guard let cls, let buffer else { return -2 }  // MHD_CONTENT_READER_END_WITH_ERROR
        let streaming = Unmanaged<StreamingConnection>.fromOpaque(cls).takeUnretainedValue()
        return streaming.pull(into: UnsafeMutableRawBufferPointer(start: buffer, count: max))
    }

    static let streamFreed: MHD_ContentReaderFreeCallback = { cls in
        guard let cls else { return }
        let streaming = Unmanaged<StreamingConnection>.fromOpaque(cls)
        streaming.takeUnretainedValue().finish()
        streaming.release()
    }

    static func addHeaders(_ response: HTTPResponse, to mhdResponse: OpaquePointer) {
        for (name, value) in response.headers {
            // microhttpd owns framing; a second Content-Length would corrupt the response.
            if name.lowercased() == "content-length" || name.lowercased() == "transfer-encoding" { continue }
            _ = MHD_add_response_header(mhdResponse, name, value)  // MHD_NO only for CR/LF in values
        }
    }

    static func declaredContentLength(_ connection: OpaquePointer) -> Int? {
        guard let value = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length") else {
            return nil
        }
        return Int(String(cString: value).trimmingPrefix(" "))
    }

    static func headers(of connection: OpaquePointer) -> [String: String] {
        var headers: [String: String] = [:]
        withUnsafeMutablePointer(to: &headers) { pointer in
            _ = MHD_get_connection_values(connection, .HEADER_KIND, { cls, _, key, value in
                guard let cls, let key else { return .YES }
                let headers = cls.assumingMemoryBound(to: [String: String].self)
                let name = String(cString: key).lowercased()
                let text = value.map { String(cString: $0) } ?? ""
                if let existing = headers.pointee[name] {
                    headers.pointee[name] = existing + ", " + text
                } else {
                    headers.pointee[name] = text
                }
                return .YES
            }, pointer)
        }
        return headers
    }

    static func clientAddress(_ connection: OpaquePointer?) -> String? {
        guard let connection else { return nil }
        var buffer = [CChar](repeating: 0, count: 64)  // >= INET6_ADDRSTRLEN (46)
        let ok = buffer.withUnsafeMutableBufferPointer {
            hookd_mhd_client_address(connection, $0.baseAddress, socklen_t($0.count)) == 0
        }
        guard ok, let end = buffer.firstIndex(of: 0) else { return nil }
        return String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
