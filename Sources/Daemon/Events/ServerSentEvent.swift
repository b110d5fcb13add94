/// One event of `GET /events`: its type, what filters see (run, layer), and its JSON data.
public struct ServerSentEvent: Sendable, Equatable {
    /// Increasing over the daemon's lifetime; 0 until the log assigns it.
    public var id: Int64 = 0
    /// `progress`, `stats`, `run`, `hook`, `alert` or `gap`.
    public var type: String
    /// The run it belongs to (filters on `?run=`); nil for none.
    public var runID: Int64?
    /// The layer of a `stats` event (filters on `?layers=`).
    public var layer: String?
    /// One line of JSON.
    public var data: String

    /// An event before the log gives it an id.
    public init(type: String, runID: Int64?, layer: String? = nil, data: String) {
        self.type = type
        self.runID = runID
        self.layer = layer
        self.data = data
    }

    /// The wire form: `id`, `event` and `data` lines, then the blank line that dispatches it.
    /// `data` never holds a newline (JSONOut escapes them), so one `data:` line carries it.
    public var wireBytes: [UInt8] {
        Array("id: \(id)\nevent: \(type)\ndata: \(data)\n\n".utf8)
    }
}
