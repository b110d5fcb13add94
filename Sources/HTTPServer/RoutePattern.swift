/// A parsed route path such as `/stats/{layer}` or `/plots/{layer}.svg`: literal segments and
/// named parameters, each filling a segment up to an optional literal suffix.
struct RoutePattern: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal(String)
        /// `{name}` then `suffix` (empty for a whole segment): `{layer}.svg` takes `0.0` from `0.0.svg`.
        case parameter(String, suffix: String)
    }

    let segments: [Segment]
    let description: String

    /// Parses a pattern; a parameter starts its segment (`{name}` or `{name}.ext`).
    init(_ pattern: String) {
        precondition(pattern.hasPrefix("/"), "route pattern must start with '/': \(pattern)")
        self.description = pattern
        self.segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map { segment in
            if segment.hasPrefix("{"), let close = segment.firstIndex(of: "}"), segment.distance(from: segment.startIndex, to: close) > 1 {
                let suffix = segment[segment.index(after: close)...]
                precondition(!suffix.contains("{") && !suffix.contains("}"), "one parameter per segment: \(pattern)")
                return .parameter(String(segment[segment.index(after: segment.startIndex)..<close]), suffix: String(suffix))
            }
            precondition(!segment.contains("{") && !segment.contains("}"),
                "route parameters must start their segment: \(pattern)")
            return .literal(String(segment))
        }
        let names = segments.compactMap { if case .parameter(let name, _) = $0 { name } else { nil } }
        precondition(Set(names).count == names.count, "duplicate parameter name in \(pattern)")
    }

    /// Literal segments count more than parameters: `/runs/latest` beats `/runs/{id}`, and
    /// `/files/{name}.svg` beats `/files/{name}` (a literal suffix is literal text).
    var specificity: [Int] {
        segments.map {
            switch $0 {
            case .literal: 2
            case .parameter(_, let suffix): suffix.isEmpty ? 0 : 1
            }
        }
    }

    /// Raw (still encoded) values of the parameters when `rawSegments` fits this pattern.
    func match(_ rawSegments: [Substring]) -> [(name: String, raw: Substring)]? {
        guard rawSegments.count == segments.count else { return nil }
        var parameters: [(name: String, raw: Substring)] = []
        for (segment, raw) in zip(segments, rawSegments) {
            switch segment {
            case .literal(let literal):
                // Literals compare decoded, so `/h%65alth` still reaches `/health`.
                guard raw == literal || PercentDecoding.decode(raw, plusAsSpace: false) == literal else {
                    return nil
                }
            case .parameter(let name, let suffix):
                // The suffix compares raw: `%2Esvg` is not `.svg`. A value may not be empty.
                guard raw.hasSuffix(suffix), raw.count > suffix.count else { return nil }
                parameters.append((name, raw.dropLast(suffix.count)))
            }
        }
        return parameters
    }

    /// True when `lhs` should win over `rhs` for the same path.
    static func moreSpecific(_ lhs: RoutePattern, than rhs: RoutePattern) -> Bool {
        for (l, r) in zip(lhs.specificity, rhs.specificity) where l != r { return l > r }
        return false
    }
}
