import Foundation
import Testing
@testable import HookKit

/// `JSONValue.parse` is strict RFC 8259: each refusal names its JSON path, and syntax errors
/// their 0-based byte offset, rather than Foundation's (or Swift's) wording.
@Suite("Strict JSON parsing")
struct JSONParserTests {
    static let refused: [(String, String)] = [
        // well-formed but refused, at the value's own path
        (#"{"train": {"epochs": 3, "epochs": 1}}"#, #"$.train.epochs: duplicate key "epochs""#),
        (#"{"a": 1, "a": 1}"#, #"$.a: duplicate key "a""#),
        (#"{"train": {"lr": 1e400}}"#, "$.train.lr: number out of range"),
        (#"[-1e309]"#, "$[0]: number out of range"),
        (#"{"name": "a\u0000b"}"#, "$.name: NUL characters are not allowed"),
        (#"{"a\u0000": 1}"#, "$: NUL characters are not allowed"),
        (String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
         "$" + String(repeating: "[0]", count: 64) + ": nesting deeper than 64 levels"),
        // grammar errors, at `$` with the byte offset and the enclosing value
        (#"{"a": 1 "b": 2}"#, "$: malformed JSON at byte 8: expected ',' or '}'"),
        (#"{"train": {"lr": NaN}}"#, "$: malformed JSON at byte 17 (in $.train.lr): NaN is not allowed in JSON"),
        (#"[Infinity]"#, "$: malformed JSON at byte 1 (in $[0]): Infinity is not allowed in JSON"),
        (#"[-Infinity]"#, "$: malformed JSON at byte 2 (in $[0]): Infinity is not allowed in JSON"),
        (#"[+1]"#, "$: malformed JSON at byte 1 (in $[0]): numbers must not start with '+'"),
        (#"[0x1F]"#, "$: malformed JSON at byte 2 (in $[0]): invalid number"),
        (#"[012]"#, "$: malformed JSON at byte 2 (in $[0]): leading zeros are not allowed in numbers"),
        (#"[1.]"#, "$: malformed JSON at byte 3 (in $[0]): expected a digit"),
        (#"{"a": 1} x"#, "$: malformed JSON at byte 9: unexpected data after the JSON value"),
        ("", "$: malformed JSON at byte 0: unexpected end of input, expected a value"),
        (#"{"model": {"arch": "simple_cnn""#, "$: malformed JSON at byte 31 (in $.model): expected ',' or '}'"),
        ("{\"a\": \"x\ny\"}", "$: malformed JSON at byte 8 (in $.a): unescaped control character U+000A in a string"),
        (#"{"a": "\x"}"#, #"$: malformed JSON at byte 7 (in $.a): invalid escape '\x'"#),
        (#"{"a": "\u12"}"#, #"$: malformed JSON at byte 9 (in $.a): expected four hex digits after \u"#),
        (#"{"a": "\ud800"}"#, #"$: malformed JSON at byte 7 (in $.a): lone surrogate \uD800 (not part of a pair)"#),
        (#"{"a": "\udc00x"}"#, #"$: malformed JSON at byte 7 (in $.a): lone surrogate \uDC00 (not part of a pair)"#),
        (#"{'a': 1}"#, "$: malformed JSON at byte 1: expected a string key"),
        (#"['a']"#, "$: malformed JSON at byte 1 (in $[0]): strings must use double quotes"),
        (#"{"a" 1}"#, "$: malformed JSON at byte 5 (in $.a): expected ':' after the key"),
        (#"[tru]"#, "$: malformed JSON at byte 1 (in $[0]): expected a value"),
    ]

    @Test(arguments: refused)
    func refusalsSayWhatAndWhere(_ json: String, _ expected: String) {
        #expect(throws: Self.error(expected)) { try JSONValue.parse(Data(json.utf8)) }
    }

    @Test func invalidUTF8NamesItsOffset() {
        // 0xC3 0x28: a two-byte lead followed by an ASCII byte; 0xC0 0xAF: an overlong '/'.
        for bad in [[0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80]] as [[UInt8]] {
            let data = Data(#"{"name": ""#.utf8) + Data(bad) + Data(#""}"#.utf8)
            #expect(throws: Self.error("$: malformed JSON at byte 10 (in $.name): invalid UTF-8")) { try JSONValue.parse(data) }
        }
        #expect(throws: Self.error("$: malformed JSON at byte 0: expected a value")) { try JSONValue.parse(Data([0xEF, 0xBB, 0xBF, 0x31])) }
    }

    @Test func acceptsEverythingJSONAllows() throws {
        let text = #" {"s": "\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00 é😀", "n": [0, -0.5, 1E3, 2e-2, 12345678901234567890], "#
            + #""b": [true, false, null], "o": {}, "a": []} "#
        let value = try JSONValue.parse(Data(text.utf8))
        #expect(value == .object([
            "s": .string("\"\\/\u{08}\u{0C}\n\r\té😀 é😀"),
            "n": .array([.number(0), .number(-0.5), .number(1000), .number(0.02), .number(12345678901234567890)]),
            "b": .array([.bool(true), .bool(false), .null]), "o": .object([:]), "a": .array([]),
        ]))
        #expect(try JSONValue.parse(Data("1e-400".utf8)) == .number(0))
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue.parse(Data(deepest.utf8)) }
    }

    /// `"$.a: b"` as the `SpecError` it describes.
    static func error(_ description: String) -> SpecError {
        let split = description.range(of: ": ")!
        return SpecError(path: String(description[..<split.lowerBound]), message: String(description[split.upperBound...]))
    }
}
