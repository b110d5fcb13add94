import HTTPServer

extension DaemonAPI {
    /// Most layers one `?layers=` may name: the filter is checked per event, so it stays small.
    static let maxFilterLayers = 256

    /// `GET /events[?run=&layers=]`: Server-Sent Events of what the stats writer commits (README,
    /// "Live events"); `Last-Event-ID` resumes. 503 when `http.max_streams` clients stream already.
    static func addEventRoutes(_ router: inout Router, _ core: DaemonCore) {
        router.get("/events") { request in
            let filter = try eventFilter(request, core)
            let last = try request.header("last-event-id").map { try integer($0, name: "Last-Event-ID", range: 0...Int64.max) }
            do throws(EventLogError) {
                let subscription = try core.events.subscribe(filter: filter, after: last)
                // no-store: a cached stream is a stale one; X-Accel-Buffering: nginx must not hold events back.
                return .stream(subscription, contentType: "text/event-stream; charset=utf-8",
                               headers: ["Cache-Control": "no-store", "X-Accel-Buffering": "no"])
            } catch .tooManyStreams {
                throw HTTPError(.serviceUnavailable, code: "too_many_streams",
                                message: EventLogError.tooManyStreams(limit: core.events.maxStreams).description,
                                headers: ["Retry-After": "10"])
            } catch .closed {
                throw HTTPError.unavailable(EventLogError.closed.description, code: "shutting_down")
            }
        }
    }

    static func eventFilter(_ request: HTTPRequest, _ core: DaemonCore) throws -> EventFilter {
        var filter = EventFilter()
        if request.query["run"] != nil { filter.runID = try selectedRun(request, core) }
        if let text = request.query["layers"] {
            let layers = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !layers.contains(where: \.isEmpty), layers.count <= maxFilterLayers else {
                throw HTTPError.badRequest("layers must be 1 to \(maxFilterLayers) comma-separated module paths, got '\(text.prefix(200))'",
                                           code: "invalid_parameter")
            }
            filter.layers = Set(layers)
        }
        return filter
    }
}
