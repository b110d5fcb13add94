/// A strict RFC 8259 parser over UTF-8 bytes, so that every refusal can say where it is.
///
/// Foundation's decoder accepts duplicate keys (the first wins, silently dropping what the
/// user wrote last), reports overflow as a Swift `DecodingError`, and gives no position for
/// syntax errors. This parser instead:
/// - reports grammar errors at path `$` with the 0-based byte offset and, where known, the
///   JSON path of the enclosing value: `$: malformed JSON at byte 17 (in $.train): expected ',' or '}'`;
/// - reports values that are well-formed but refused at their own JSON path: duplicate keys,
///   numbers that overflow a Double, NUL characters in strings, nesting deeper than `maxDepth`.
struct JSONParser {
    /// Deep enough for any spec or config; shallow enough that recursion cannot exhaust the stack.
    static let maxDepth = 64

    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The single value `bytes` holds; anything but whitespace after it is an error.
    mutating func document() throws -> JSONValue {
        let value = try value(path: "$", depth: 0)
        skipWhitespace()
        if offset < bytes.count { throw malformed("unexpected data after the JSON value", path: "$") }
        return value
    }

    private mutating func value(path: String, depth: Int) throws -> JSONValue {
        skipWhitespace()
        guard let byte = peek else { throw malformed("unexpected end of input, expected a value", path: path) }
        switch byte {
        case UInt8(ascii: "{"): return try object(path: path, depth: depth + 1)
        case UInt8(ascii: "["): return try array(path: path, depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string(path: path))
        case UInt8(ascii: "t"): return try literal("true", .bool(true), path: path)
        case UInt8(ascii: "f"): return try literal("false", .bool(false), path: path)
        case UInt8(ascii: "n"): return try literal("null", .null, path: path)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number(path: path))
        default: throw unexpectedValue(path: path)
        }
    }

    private mutating func object(path: String, depth: Int) throws -> JSONValue {
        try checkDepth(depth, path: path)
        offset += 1
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if peek == UInt8(ascii: "}") { offset += 1; return .object(fields) }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw malformed("expected a string key", path: path) }
            let key = try string(path: path)
            let child = "\(path).\(key)"
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw malformed("expected ':' after the key", path: child) }
            offset += 1
            let item = try value(path: child, depth: depth)
            // Rejected rather than first- or last-wins: either way one of the user's values is lost.
            if fields.updateValue(item, forKey: key) != nil {
                throw SpecError(path: child, message: "duplicate key \"\(key)\"")
            }
            guard try separator(closing: "}", path: path) else { return .object(fields) }
        }
    }

    private mutating func array(path: String, depth: Int) throws -> JSONValue {
        try checkDepth(depth, path: path)
        offset += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") { offset += 1; return .array(items) }
        while true {
            items.append(try value(path: "\(path)[\(items.count)]", depth: depth))
            guard try separator(closing: "]", path: path) else { return .array(items) }
        }
    }

    /// Consumes `,` (true: another member follows) or `closing` (false).
    private mutating func separator(closing: Character, path: String) throws -> Bool {
        skipWhitespace()
        switch peek {
        case UInt8(ascii: ","): offset += 1; return true
        case closing.asciiValue: offset += 1; return false
        default: throw malformed("expected ',' or '\(closing)'", path: path)
        }
    }

    private func checkDepth(_ depth: Int, path: String) throws {
        if depth > Self.maxDepth {
            throw SpecError(path: path, message: "nesting deeper than \(Self.maxDepth) levels")
        }
    }

    private mutating func literal(_ word: String, _ value: JSONValue, path: String) throws -> JSONValue {
        let expected = Array(word.utf8)
        guard bytes[offset...].starts(with: expected) else { throw unexpectedValue(path: path) }
        offset += expected.count
        return value
    }

    /// A number in JSON's grammar only: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func number(path: String) throws -> Double {
        let start = offset
        if peek == UInt8(ascii: "-") {
            offset += 1
            if bytes[offset...].starts(with: Array("Infinity".utf8)) { throw malformed("Infinity is not allowed in JSON", path: path) }
        }
        if peek == UInt8(ascii: "0") {
            offset += 1
            if let next = peek, next.isDigit { throw malformed("leading zeros are not allowed in numbers", path: path) }
        } else {
            try digits(path: path)
        }
        if peek == UInt8(ascii: ".") { offset += 1; try digits(path: path) }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            offset += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { offset += 1 }
            try digits(path: path)
        }
        // `0x1F`, `1.5f`, `12abc`: one token that is not a number, rather than "expected ','".
        if let next = peek, next.isDigit || next.isLetter || next == UInt8(ascii: ".") {
            throw malformed("invalid number", path: path)
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        guard let n = Double(text), n.isFinite else { throw SpecError(path: path, message: "number out of range") }
        return n
    }

    private mutating func digits(path: String) throws {
        guard let first = peek, first.isDigit else { throw malformed("expected a digit", path: path) }
        while let byte = peek, byte.isDigit { offset += 1 }
    }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { offset += 1 }
    }

    private var peek: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    /// Names the common non-JSON values (NaN, Infinity, `+1`, `'x'`) instead of a bare "unexpected".
    private func unexpectedValue(path: String) -> SpecError {
        let rest = bytes[offset...]
        for word in ["NaN", "Infinity"] where rest.starts(with: Array(word.utf8)) {
            return malformed("\(word) is not allowed in JSON", path: path)
        }
        switch bytes[offset] {
        case UInt8(ascii: "+"): return malformed("numbers must not start with '+'", path: path)
        case UInt8(ascii: "'"): return malformed("strings must use double quotes", path: path)
        default: return malformed("expected a value", path: path)
        }
    }

    /// A grammar error at the current offset; `path` is the value being read when it was found.
    private func malformed(_ detail: String, path: String, at position: Int? = nil) -> SpecError {
        let place = path == "$" ? "" : " (in \(path))"
        return SpecError(path: "$", message: "malformed JSON at byte \(position ?? offset)\(place): \(detail)")
    }
}

extension JSONParser {
    /// A string starting at the opening quote; `path` is its value's (a key's: its object's).
    private mutating func string(path: String) throws -> String {
        offset += 1
        var out: [UInt8] = []
        while true {
            guard let byte = peek else { throw malformed("unterminated string", path: path) }
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                let scalar = try escape(path: path)
                // A NUL survives JSON but is cut off by C strings (SQLite, log lines) downstream.
                if scalar == "\0" { throw SpecError(path: path, message: "NUL characters are not allowed") }
                out.append(contentsOf: String(scalar).utf8)
            case ..<0x20:
                throw malformed("unescaped control character U+\(hex(byte, width: 4)) in a string", path: path)
            case ..<0x80:
                out.append(byte)
                offset += 1
            default:
                out.append(contentsOf: try utf8Scalar(path: path))
            }
        }
    }

    /// One multi-byte UTF-8 sequence, validated (no overlong forms, surrogates or values past U+10FFFF).
    private mutating func utf8Scalar(path: String) throws -> ArraySlice<UInt8> {
        var iterator = bytes[offset...].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else {
            throw malformed("invalid UTF-8", path: path)
        }
        let width = UTF8.width(scalar)
        defer { offset += width }
        return bytes[offset..<offset + width]
    }

    /// The escape at `\`, with `\uD83D\uDE00` surrogate pairs combined.
    private mutating func escape(path: String) throws -> Unicode.Scalar {
        let start = offset
        offset += 1
        guard let letter = peek else { throw malformed("unterminated string", path: path) }
        offset += 1
        switch letter {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"): break
        default:
            let shown = letter < 0x80 && letter >= 0x20 ? String(UnicodeScalar(letter)) : "\\x\(hex(letter, width: 2))"
            throw malformed("invalid escape '\\\(shown)'", path: path, at: start)
        }
        let unit = try hex4(path: path)
        switch unit {
        case 0xD800...0xDBFF:
            guard bytes[offset...].starts(with: Array(#"\u"#.utf8)) else { throw loneSurrogate(unit, path: path, at: start) }
            offset += 2
            let low = try hex4(path: path)
            guard (0xDC00...0xDFFF).contains(low) else { throw loneSurrogate(unit, path: path, at: start) }
            return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
        case 0xDC00...0xDFFF:
            throw loneSurrogate(unit, path: path, at: start)
        default:
            return Unicode.Scalar(unit)!
        }
    }

    private mutating func hex4(path: String) throws -> UInt32 {
        guard offset + 4 <= bytes.count, let unit = UInt32(String(decoding: bytes[offset..<offset + 4], as: UTF8.self), radix: 16),
              bytes[offset..<offset + 4].allSatisfy({ $0.isHexDigit }) else {
            throw malformed("expected four hex digits after \\u", path: path)
        }
        offset += 4
        return unit
    }

    private func loneSurrogate(_ unit: UInt32, path: String, at position: Int) -> SpecError {
        malformed("lone surrogate \\u\(hex(unit, width: 4)) (not part of a pair)", path: path, at: position)
    }

    private func hex(_ value: some BinaryInteger, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

private extension UInt8 {
    var isDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
    var isLetter: Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self | 0x20) }
    var isHexDigit: Bool { isDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self | 0x20) }
}
