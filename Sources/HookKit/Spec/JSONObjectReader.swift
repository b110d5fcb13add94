/// Reads one JSON object field by field, tracking its path and rejecting keys nobody read.
///
/// Usage: read every field, then call `finish()`; a key that no read asked for is reported
/// as unknown, so typos (`"epoch"` for `"epochs"`) never pass silently.
public final class JSONObjectReader {
    public let path: String
    private let fields: [String: JSONValue]
    private var read = Set<String>()

    public init(_ value: JSONValue, path: String = "$") throws {
        guard case .object(let fields) = value else {
            throw SpecError(path: path, message: "expected an object, got \(value.typeName)")
        }
        self.path = path
        self.fields = fields
    }

    public func child(_ key: String) -> String { "\(path).\(key)" }

    /// The raw value of `key`, or nil when absent (or null).
    public func value(_ key: String) -> JSONValue? {
        read.insert(key)
        guard let v = fields[key], v != .null else { return nil }
        return v
    }

    public func has(_ key: String) -> Bool { fields[key] != nil }

    public func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw mismatch(key, "a string", v) }
        return s
    }

    public func requiredString(_ key: String) throws -> String {
        guard let s = try string(key) else { throw SpecError(path: child(key), message: "is required") }
        return s
    }

    public func bool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .bool(let b) = v else { throw mismatch(key, "a boolean", v) }
        return b
    }

    public func double(_ key: String, range: ClosedRange<Double>? = nil) throws -> Double? {
        guard let v = value(key) else { return nil }
        guard case .number(let n) = v, n.isFinite else { throw mismatch(key, "a number", v) }
        if let range, !range.contains(n) { throw SpecError(path: child(key), message: "must be in \(range.lowerBound)...\(range.upperBound), got \(n)") }
        return n
    }

    public func int(_ key: String, range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let v = value(key) else { return nil }
        guard case .number(let n) = v, n == n.rounded(), abs(n) < 1e15 else { throw mismatch(key, "an integer", v) }
        let i = Int(n)
        if let range, !range.contains(i) { throw SpecError(path: child(key), message: "must be in \(range.lowerBound)...\(range.upperBound), got \(i)") }
        return i
    }

    public func intArray(_ key: String, range: ClosedRange<Int>? = nil) throws -> [Int]? {
        guard let v = value(key) else { return nil }
        guard case .array(let items) = v else { throw mismatch(key, "an array of integers", v) }
        return try items.enumerated().map { index, item in
            guard case .number(let n) = item, n == n.rounded(), abs(n) < 1e15 else {
                throw SpecError(path: "\(child(key))[\(index)]", message: "expected an integer, got \(item.typeName)")
            }
            let i = Int(n)
            if let range, !range.contains(i) {
                throw SpecError(path: "\(child(key))[\(index)]", message: "must be in \(range.lowerBound)...\(range.upperBound), got \(i)")
            }
            return i
        }
    }

    public func doubleArray(_ key: String, range: ClosedRange<Double>? = nil) throws -> [Double]? {
        guard let v = value(key) else { return nil }
        guard case .array(let items) = v else { throw mismatch(key, "an array of numbers", v) }
        return try items.enumerated().map { index, item in
            guard case .number(let n) = item, n.isFinite else {
                throw SpecError(path: "\(child(key))[\(index)]", message: "expected a number, got \(item.typeName)")
            }
            if let range, !range.contains(n) {
                throw SpecError(path: "\(child(key))[\(index)]", message: "must be in \(range.lowerBound)...\(range.upperBound), got \(n)")
            }
            return n
        }
    }

    public func stringArray(_ key: String) throws -> [String]? {
        guard let v = value(key) else { return nil }
        guard case .array(let items) = v else { throw mismatch(key, "an array of strings", v) }
        return try items.enumerated().map { index, item in
            guard case .string(let s) = item else {
                throw SpecError(path: "\(child(key))[\(index)]", message: "expected a string, got \(item.typeName)")
            }
            return s
        }
    }

    /// One of `choices` (case-sensitive), naming them all when the value is something else.
    public func choice<T: RawRepresentable>(_ key: String, _: T.Type) throws -> T? where T.RawValue == String, T: CaseIterable {
        guard let s = try string(key) else { return nil }
        guard let v = T(rawValue: s) else {
            let names = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw SpecError(path: child(key), message: "unknown value \"\(s)\"; expected one of \(names)")
        }
        return v
    }

    public func object(_ key: String) throws -> JSONObjectReader? {
        guard let v = value(key) else { return nil }
        return try JSONObjectReader(v, path: child(key))
    }

    public func array(_ key: String) throws -> [JSONValue]? {
        guard let v = value(key) else { return nil }
        guard case .array(let items) = v else { throw mismatch(key, "an array", v) }
        return items
    }

    /// Throws for the first key (alphabetically) that no read asked for.
    public func finish() throws {
        if let unknown = fields.keys.filter({ !read.contains($0) }).sorted().first {
            throw SpecError(path: child(unknown), message: "unknown key")
        }
    }

    private func mismatch(_ key: String, _ expected: String, _ got: JSONValue) -> SpecError {
        SpecError(path: child(key), message: "expected \(expected), got \(got.typeName)")
    }
}
