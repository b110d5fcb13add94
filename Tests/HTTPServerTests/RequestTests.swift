import Foundation
import Testing

@testable import HTTPServer

@Suite("Request helpers, responses, bearer tokens, config")
struct RequestTests {
    struct RunSpec: Decodable {
        struct Train: Decodable { let epochs: Int }
        struct Hook: Decodable { let kind: String }
        let name: String
        let train: Train
        let hooks: [Hook]?
    }

    func json(_ body: String, contentType: String? = "application/json") -> HTTPRequest {
        HTTPRequest(
            method: .post, target: "/runs", headers: contentType.map { ["Content-Type": $0] } ?? [:],
            body: Data(body.utf8))
    }

    func httpError(_ body: () throws -> Void) -> HTTPError? {
        do { try body() } catch let error as HTTPError { return error } catch { return nil }
        return nil
    }

    @Test func headersAreLowerCasedAndJoined() {
        let request = HTTPRequest(method: .get, target: "/", headers: ["X-Thing": "a", "x-thing": "b"])
        #expect(request.headers.keys.sorted() == ["x-thing"])
        #expect(request.header("X-THING")?.split(separator: ",").count == 2)
    }

    @Test func jsonContentTypeWithParametersIsAccepted() throws {
        try json("{}", contentType: "application/json; charset=utf-8").requireJSONBody()
        try json("{}", contentType: "Application/JSON").requireJSONBody()
    }

    @Test func otherContentTypesAre415() {
        for contentType in ["text/plain", "application/jsonx", nil] {
            let error = httpError { try json("{}", contentType: contentType).requireJSONBody() }
            #expect(error?.status == .unsupportedMediaType)
            #expect(error?.code == "unsupported_media_type")
        }
    }

    @Test func decodesValidJSON() throws {
        let spec = try json(#"{"name":"a","train":{"epochs":2}}"#).decodeJSON(RunSpec.self)
        #expect(spec.train.epochs == 2)
    }

    @Test func malformedJSONIs400() {
        let error = httpError { _ = try json(#"{"name": "#).decodeJSON(RunSpec.self) }
        #expect(error?.status == .badRequest)
        #expect(error?.code == "invalid_json")
        #expect(error?.message.hasPrefix("malformed JSON at $") == true)
        #expect(httpError { _ = try json("").decodeJSON(RunSpec.self) }?.status == .badRequest)
    }

    @Test func decodingErrorsNameTheJSONPath() {
        let wrongType = httpError { _ = try json(#"{"name":"a","train":{"epochs":"two"}}"#).decodeJSON(RunSpec.self) }
        #expect(wrongType?.message.contains("$.train.epochs") == true)
        let missing = httpError { _ = try json(#"{"name":"a","train":{"epochs":1},"hooks":[{}]}"#).decodeJSON(RunSpec.self) }
        #expect(missing?.message.contains("$.hooks[0].kind") == true)
        let null = httpError { _ = try json(#"{"name":null,"train":{"epochs":1}}"#).decodeJSON(RunSpec.self) }
        #expect(null?.message.contains("$.name") == true)
    }

    @Test func errorBodyIsExactAndEscaped() {
        let response = HTTPResponse.error(status: .badRequest, code: "bad", message: #"say "hi" / \ ok"#)
        #expect(response.bodyText == #"{"error":{"code":"bad","message":"say \"hi\" / \\ ok"}}"#)
        #expect(response.status == .badRequest)
    }

    @Test func responseHelpersSetContentTypes() throws {
        #expect(HTTPResponse.csv("a,b\n").headers["Content-Type"] == "text/csv; charset=utf-8")
        #expect(HTTPResponse.text("x").headers["Content-Type"] == "text/plain; charset=utf-8")
        let json = try HTTPResponse.json(["path": "0/1"], status: .created)
        #expect(json.status == .created)
        #expect(json.bodyText == #"{"path":"0/1"}"#)
    }

    @Test func bearerTokenComparison() throws {
        let token = try #require(BearerToken("s3cret"))
        #expect(token.matches(authorization: "Bearer s3cret"))
        #expect(token.matches(authorization: "bearer s3cret"))
        #expect(token.matches(authorization: "BEARER  s3cret "))
        #expect(!token.matches(authorization: "Bearer s3cre"))
        #expect(!token.matches(authorization: "Bearer s3cretX"))
        #expect(!token.matches(authorization: "Bearer S3CRET"))
        #expect(!token.matches(authorization: "Basic s3cret"))
        #expect(!token.matches(authorization: "Bearer "))
        #expect(!token.matches(authorization: nil))
        #expect(BearerToken("") == nil)
        #expect(!"\(token)".contains("s3cret"))
    }

    @Test func configProblemsAreReported() {
        #expect(HTTPServerConfig().problems.isEmpty)
        let bad = HTTPServerConfig(maxBodyBytes: -1, connectionLimit: 0, threadCount: 0, threadNice: 40)
        #expect(bad.problems.count == 4)
    }
}
