import Foundation

/// A JSON document to send: keys keep their order, non-finite numbers become `null`. The one
/// JSON emitter of every answer hookd renders: HTTP bodies, `hookd stats --format json`, config.
///
/// Hand-built instead of `JSONEncoder` because losses and statistics can be NaN (before the first
/// batch, or in a diverging run) and because `null` must be written, not omitted, where SPEC §5
/// says `id|null`.
public indirect enum JSONOut: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONOut])
    case object([(String, JSONOut)])
    /// Already rendered JSON text, inserted verbatim (e.g. a stored summary).
    case raw(String)

    public static func == (a: JSONOut, b: JSONOut) -> Bool { a.text == b.text }

    /// An integer or `null`.
    public static func int<I: BinaryInteger>(_ value: I?) -> JSONOut { value.map { .int(Int64($0)) } ?? .null }
    /// A number or `null` (also for NaN and infinities).
    public static func number(_ value: Double?) -> JSONOut { value.map { .double($0) } ?? .null }
    /// A string or `null`.
    public static func text(_ value: String?) -> JSONOut { value.map { .string($0) } ?? .null }

    /// Compact JSON text.
    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// Compact JSON text followed by a newline, as UTF-8 bytes (what curl users like to see).
    public var data: Data { Data((text + "\n").utf8) }

    /// Indented JSON text (two spaces per level) for people, e.g. `hookd check-config`.
    public var prettyText: String {
        var out = ""
        writePretty(to: &out, indent: "")
        return out
    }

    private func writePretty(to out: inout String, indent: String) {
        let inner = indent + "  "
        switch self {
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += inner
                item.writePretty(to: &out, indent: inner)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .object(let fields) where !fields.isEmpty:
            out += "{\n"
            for (index, (key, value)) in fields.enumerated() {
                out += inner
                Self.escape(key, into: &out)
                out += ": "
                value.writePretty(to: &out, indent: inner)
                out += index == fields.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        default:
            write(to: &out)
        }
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? "\(d)" : "null"
        case .string(let s): Self.escape(s, into: &out)
        case .raw(let text): out += text
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { out += "," }
                Self.escape(key, into: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    /// JSON string escaping: quotes, backslashes and control characters (as \u00XX or short escapes).
    private static func escape(_ value: String, into out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
