/// What `EventLog.read` found for one client.
enum EventLogRead: Equatable {
    /// Wire bytes of the admitted events (maybe none, when the filter admitted none) up to id `through`.
    case events([UInt8], through: Int64)
    /// Nothing newer yet.
    case nothing
    /// The ring dropped events this client had not read.
    case overtaken
    /// The log is closed and the client has read everything.
    case closed
}
