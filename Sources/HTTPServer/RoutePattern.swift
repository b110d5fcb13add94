/// A parsed route path such as `/stats/{layer}`: literal segments and named parameters.
struct RoutePattern: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(String)
    }

    let segments: [Segment]
    let description: String

    /// Parses a pattern; a parameter must fill a whole segment (`{name}`).
    init(_ pattern: String) {
        precondition(pattern.hasPrefix("/"), "route pattern must start with '/': \(pattern)")
        self.description = pattern
        self.segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map { segment in
            if segment.hasPrefix("{") && segment.hasSuffix("}") && segment.count > 2 {
                return .parameter(String(segment.dropFirst().dropLast()))
            }
            precondition(!segment.contains("{") && !segment.contains("}"),
                "route parameters must fill a whole segment: \(pattern)")
            return .literal(String(segment))
        }
        let names = segments.compactMap { if case .parameter(let name) = $0 { name } else { nil } }
        precondition(Set(names).count == names.count, "duplicate parameter name in \(pattern)")
    }

    /// Literal segments count more than parameters: `/runs/latest` beats `/runs/{id}`.
    var specificity: [Bool] { segments.map { if case .literal = $0 { true } else { false } } }

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
            case .parameter(let name):
                parameters.append((name, raw))
            }
        }
        return parameters
    }

    /// True when `lhs` should win over `rhs` for the same path.
    static func moreSpecific(_ lhs: RoutePattern, than rhs: RoutePattern) -> Bool {
        for (l, r) in zip(lhs.specificity, rhs.specificity) where l != r { return l }
        return false
    }
}
