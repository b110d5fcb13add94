import Foundation

/// The JSON arrays the store keeps in text columns (`output_shape`, `counts`, `hooks.stats`).
///
/// Text rather than blobs so `sqlite3`, `json_each` and pandas read them without a byte layout.
/// Foundation writes and reads them: these are storage, not the answers hookd renders
/// (those go through `Rendering`'s one emitter).
enum JSONColumn {
    /// `[1,2,3]`.
    static func text<I: BinaryInteger>(_ values: [I]) -> String {
        "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
    }

    /// `["mean","std"]`.
    static func text(_ values: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(values)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// Parses `[1,2,3]`; nil when the text is not a JSON array of integers.
    static func integers(_ text: String) -> [Int64]? {
        try? JSONDecoder().decode([Int64].self, from: Data(text.utf8))
    }

    /// Parses `["a","b"]`; nil when the text is not a JSON array of strings.
    static func strings(_ text: String) -> [String]? {
        try? JSONDecoder().decode([String].self, from: Data(text.utf8))
    }
}
