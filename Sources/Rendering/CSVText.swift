import Foundation

/// CSV cells (RFC 4180): quoted only when needed; numbers round-trip; NaN is an empty cell,
/// which pandas reads back as NaN.
enum CSVText {
    static func cell(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : (value.isNaN ? "" : (value > 0 ? "inf" : "-inf"))
    }

    static func number(_ value: Double?) -> String {
        value.map(number) ?? ""
    }

    static func line(_ cells: [String]) -> String {
        cells.joined(separator: ",") + "\n"
    }
}
