#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension HTTPRequest {
    /// Requires `Content-Type: application/json` (parameters such as `charset` allowed).
    /// - Throws: `HTTPError` 415 `unsupported_media_type` otherwise.
    public func requireJSONBody() throws {
        let contentType = header("content-type") ?? ""
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        let trimmed = mediaType.drop(while: { $0 == " " || $0 == "\t" }).reversed()
            .drop(while: { $0 == " " || $0 == "\t" }).reversed()
        guard String(trimmed).lowercased() == "application/json" else {
            let got = contentType.isEmpty ? "no Content-Type" : "Content-Type '\(contentType)'"
            throw HTTPError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "expected Content-Type application/json, got \(got)")
        }
    }

    /// Decodes the JSON body after `requireJSONBody()`.
    /// - Throws: `HTTPError` 415 for a wrong content type; 400 `invalid_json` for an empty or
    ///   malformed body, or one that does not fit `T`, naming the JSON path of the problem
    ///   (e.g. `$.train.epochs`). An `HTTPError` thrown by `T`'s decoder passes through.
    public func decodeJSON<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try requireJSONBody()
        guard !body.isEmpty else {
            throw HTTPError.badRequest("request body is empty, expected JSON", code: "invalid_json")
        }
        do {
            return try decoder.decode(T.self, from: body)
        } catch let error as HTTPError {
            throw error
        } catch let error as DecodingError {
            throw HTTPError.badRequest(Self.describe(error), code: "invalid_json")
        } catch {
            throw HTTPError.badRequest("invalid request body: \(error)", code: "invalid_json")
        }
    }

    /// `$`, `$.train.epochs`, `$.hooks[0].kind`: the JSONPath of a coding path.
    static func jsonPath(_ codingPath: [any CodingKey]) -> String {
        var path = "$"
        for key in codingPath {
            if let index = key.intValue { path += "[\(index)]" } else { path += "." + key.stringValue }
        }
        return path
    }

    /// One message per DecodingError case, always naming where in the document it happened.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            return "wrong type at \(jsonPath(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "missing value at \(jsonPath(context.codingPath)): expected \(type)"
        case .keyNotFound(let key, let context):
            return "missing key at \(jsonPath(context.codingPath + [key]))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let detail = context.underlyingError.map { " (\($0))" } ?? ""
                return "malformed JSON at $: \(context.debugDescription)\(detail)"
            }
            return "invalid value at \(jsonPath(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "invalid JSON: \(error)"
        }
    }
}
