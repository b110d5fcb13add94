import Foundation
import Logging

/// swift-log handler writing `level: message` lines to stderr, without timestamps (journald adds
/// them); one line per message whatever it quotes (`LogLine`).
public struct StderrLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String

    /// A handler for `label` (shown as the line's prefix).
    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let line = "\(label) \(event.level): \(LogLine.sanitized("\(event.message)"))\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
