import Rendering
import Testing

@testable import Daemon

@Suite struct JSONOutTests {
    @Test func rendersNullsForNonFiniteNumbersAndEscapes() {
        let value = JSONOut.object([
            ("a", .number(.nan)), ("b", .int(nil as Int?)), ("c", .string("q\"\\\n\u{1}")), ("d", .array([.double(0.5), .bool(true)])),
            ("e", .raw("[1]")),
        ])
        #expect(value.text == #"{"a":null,"b":null,"c":"q\"\\\n\u0001","d":[0.5,true],"e":[1]}"#)
        #expect(JSONOut.object([("k", .array([.int(1)]))]).prettyText == "{\n  \"k\": [\n    1\n  ]\n}")
    }
}
