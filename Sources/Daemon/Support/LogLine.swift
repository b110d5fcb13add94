/// What a log message may put on one journal line: messages quote client input (run names, layer
/// paths, spec errors), so control characters are escaped (a newline or an ANSI escape would
/// forge or hide lines) and an overlong message loses its middle, saying how much, keeping the
/// start (what it is about) and the end (what happened: "queued", "failed: …").
enum LogLine {
    /// Characters kept of one message; a 40 KB run name must not fill every line about its run.
    static let maxCharacters = 1000

    /// `message` with C0/C1 controls and DEL as `\u{…}` escapes, its middle cut past `maxCharacters`.
    static func sanitized(_ message: String) -> String {
        let scalars = Array(message.unicodeScalars)
        guard scalars.count > maxCharacters else { return escaped(scalars[...]) }
        let head = maxCharacters * 2 / 3
        let tail = maxCharacters - head
        return escaped(scalars[..<head]) + " … (\(scalars.count - maxCharacters) characters left out) … "
            + escaped(scalars[(scalars.count - tail)...])
    }

    private static func escaped(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var out = String.UnicodeScalarView()
        for scalar in scalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
