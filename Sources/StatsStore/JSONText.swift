import Foundation

/// The little JSON the store writes and reads itself: shapes, stat names, counts, CLI output.
///
/// Hand-written rather than `JSONEncoder` because statistics can be NaN or infinite (a diverging
/// run), which JSON cannot hold: they render as `null` instead of failing the whole answer.
public enum JSONText {
    /// A quoted, escaped JSON string.
    public static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A JSON number, or `null` when not finite.
    public static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "null"
    }

    /// An optional number: `null` when nil or not finite.
    static func number(_ value: Double?) -> String {
        value.map(number) ?? "null"
    }

    /// An optional integer: `null` when nil.
    static func integer<I: BinaryInteger>(_ value: I?) -> String {
        value.map { "\($0)" } ?? "null"
    }

    /// An optional string: `null` when nil.
    static func string(_ value: String?) -> String {
        value.map(string) ?? "null"
    }

    /// `[1,2,3]`, the compact form stored in `output_shape` and `counts`.
    static func integers<I: BinaryInteger>(_ values: [I]) -> String {
        "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
    }

    /// `["mean","std"]`, the form stored in `hooks.stats`.
    static func strings(_ values: [String]) -> String {
        "[" + values.map(string).joined(separator: ",") + "]"
    }

    /// Parses `[1,2,3]`; nil when the text is not a JSON array of integers.
    static func parseIntegers(_ text: String) -> [Int64]? {
        try? JSONDecoder().decode([Int64].self, from: Data(text.utf8))
    }

    /// Parses `["a","b"]`; nil when the text is not a JSON array of strings.
    static func parseStrings(_ text: String) -> [String]? {
        try? JSONDecoder().decode([String].self, from: Data(text.utf8))
    }
}
