import Foundation

/// Builds one self-contained SVG document as text: elements with escaped attributes and text.
///
/// Everything a caller passes (layer paths, titles) is escaped here, so no input can end an
/// attribute, open an element or make the document invalid XML.
struct SVGWriter {
    private(set) var text: String

    /// Starts a document of `width` × `height` user units with a white background.
    init(width: Int, height: Int, title: String) {
        text = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
            + #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(width)" height="\#(height)" viewBox="0 0 \#(width) \#(height)" font-family="sans-serif" font-size="12">"#
            + "\n<title>\(Self.escape(title))</title>\n"
            + #"<rect width="\#(width)" height="\#(height)" fill="white"/>"# + "\n"
    }

    /// An empty element, `<name a="…"/>`.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>) {
        text += "<\(name)\(Self.render(attributes))/>\n"
    }

    /// An element holding text, `<name a="…">text</name>`.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, text content: String) {
        text += "<\(name)\(Self.render(attributes))>\(Self.escape(content))</\(name)>\n"
    }

    /// An element holding whatever `body` writes.
    mutating func group(_ name: String = "g", _ attributes: KeyValuePairs<String, String> = [:], _ body: (inout SVGWriter) -> Void) {
        text += "<\(name)\(Self.render(attributes))>\n"
        body(&self)
        text += "</\(name)>\n"
    }

    /// The finished document.
    func finished() -> String { text + "</svg>\n" }

    private static func render(_ attributes: KeyValuePairs<String, String>) -> String {
        attributes.map { #" \#($0.key)="\#(escape($0.value))""# }.joined()
    }

    /// XML-escapes `raw`; characters XML 1.0 cannot hold at all (C0 controls but tab, newline and
    /// carriage return, lone surrogates cannot occur in a String) become U+FFFD.
    static func escape(_ raw: String) -> String {
        // Most values (numbers, colours) need nothing: 0xEF starts U+FFFE and U+FFFF in UTF-8.
        let special: (UInt8) -> Bool = { $0 < 0x20 || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 == 0xEF }
        guard raw.utf8.contains(where: special) else { return raw }
        var out = ""
        out.reserveCapacity(raw.utf8.count)
        for scalar in raw.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += "&#\(scalar.value);"
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A coordinate with at most two decimals and no trailing zeros (`67.5`, `12`): enough for
    /// a screen, a third of the bytes. Formatted by hand: a colorful dimension has thousands.
    static func number(_ value: Double) -> String {
        guard value.isFinite, Swift.abs(value) < 1e15 else { return "0" }
        let cents = Int((Swift.abs(value) * 100).rounded())
        let sign = value < 0 && cents != 0 ? "-" : ""
        let (whole, fraction) = cents.quotientAndRemainder(dividingBy: 100)
        switch fraction {
        case 0: return "\(sign)\(whole)"
        case let f where f % 10 == 0: return "\(sign)\(whole).\(f / 10)"
        case let f: return "\(sign)\(whole).\(f < 10 ? "0" : "")\(f)"
        }
    }
}
