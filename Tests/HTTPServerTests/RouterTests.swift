import Foundation
import Synchronization
import Testing

@testable import HTTPServer

@Suite("Router (pure, no socket)")
struct RouterTests {
    struct Boom: Error, CustomStringConvertible {
        var description: String { "secret internal detail /var/lib/hookd" }
    }

    /// Collects what `onInternalError` reports.
    final class ErrorLog: Sendable {
        let lines = Mutex<[String]>([])
    }

    static func router(token: String? = nil, errors: ErrorLog? = nil) -> Router {
        var router = Router(token: token.flatMap(BearerToken.init)) { request, error in
            errors?.lines.withLock { $0.append("\(request.path): \(error)") }
        }
        router.get("/health") { _ in .text("ok") }
        router.get("/runs") { _ in .text("list") }
        router.post("/runs") { _ in .text("queued", status: .accepted) }
        router.get("/runs/{id}") { request in .text("run \(try request.parameter("id"))") }
        router.delete("/runs/{id}") { request in .text("cancel \(try request.parameter("id"))") }
        router.get("/runs/latest") { _ in .text("latest") }
        router.get("/stats/{layer}") { request in
            .text("layer=\(try request.parameter("layer")) kind=\(request.query["kind"] ?? "-")")
        }
        router.get("/conflict") { _ in throw HTTPError.conflict("run 3 is already running", code: "run_active") }
        router.get("/boom") { _ in throw Boom() }
        router.post("/open", requiresToken: false) { _ in .text("open") }
        return router
    }

    func get(_ target: String, _ router: Router = RouterTests.router()) -> HTTPResponse {
        router.handle(HTTPRequest(method: .get, target: target))
    }

    @Test func unknownPathIs404JSON() {
        let response = get("/nope")
        #expect(response.status == .notFound)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.bodyText == #"{"error":{"code":"not_found","message":"no such endpoint: /nope"}}"#)
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let response = Self.router().handle(HTTPRequest(method: .put, target: "/runs/3"))
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers["Allow"] == "DELETE, GET, HEAD")
        let json = try JSONSerialization.jsonObject(with: response.body) as? [String: [String: String]]
        #expect(json?["error"]?["code"] == "method_not_allowed")
    }

    @Test func pathParametersArePercentDecoded() {
        #expect(get("/stats/body.layer1.0.conv1").bodyText == "layer=body.layer1.0.conv1 kind=-")
        #expect(get("/stats/body%2Elayer1%2E0%2econv1").bodyText == "layer=body.layer1.0.conv1 kind=-")
        #expect(get("/stats/a%2Fb").bodyText == "layer=a/b kind=-")
        #expect(get("/stats/caf%C3%A9").bodyText == "layer=café kind=-")
    }

    @Test func malformedPercentEncodingIs400() {
        #expect(get("/stats/bad%zz").status == .badRequest)
        #expect(get("/stats/bad%C3").status == .badRequest)  // truncated UTF-8
    }

    @Test("a control character in a path segment is 400: a NUL would end the C string SQLite binds")
    func controlCharactersInPathsAre400() {
        for segment in ["0.0%00", "0.0%0A", "a%1Fb", "a%7F"] {
            #expect(get("/stats/\(segment)").status == .badRequest, "\(segment)")
        }
        // Query values keep their raw text instead, which handlers then refuse as ill-formed.
        let request = HTTPRequest(method: .get, target: "/stats/x?kind=for%00ward")
        #expect(request.query["kind"] == "for%00ward")
    }

    @Test func queryIsDecoded() {
        let request = HTTPRequest(method: .get, target: "/stats/x?kind=for%77ard&name=a+b%20c&flag&bad=%zz&kind=backward#frag")
        #expect(request.path == "/stats/x")
        #expect(request.query["kind"] == "backward")  // last wins
        #expect(request.query["name"] == "a b c")
        #expect(request.query["flag"] == "")
        #expect(request.query["bad"] == "%zz")
        #expect(get("/stats/x?kind=forward").bodyText == "layer=x kind=forward")
    }

    @Test func literalRouteBeatsParameter() {
        #expect(get("/runs/latest").bodyText == "latest")
        #expect(get("/runs/42").bodyText == "run 42")
        #expect(get("/runs/42/").bodyText == "run 42")  // a trailing slash is tolerated
    }

    @Test func headFallsBackToGet() {
        let response = Self.router().handle(HTTPRequest(method: .head, target: "/health"))
        #expect(response.status == .ok)
    }

    @Test func thrownHTTPErrorBecomesJSON() {
        let response = get("/conflict")
        #expect(response.status == .conflict)
        #expect(response.bodyText == #"{"error":{"code":"run_active","message":"run 3 is already running"}}"#)
    }

    @Test func otherErrorsBecome500WithoutLeaking() {
        let errors = ErrorLog()
        let response = get("/boom", Self.router(errors: errors))
        #expect(response.status == .internalServerError)
        #expect(response.bodyText == #"{"error":{"code":"internal_error","message":"internal server error"}}"#)
        #expect(!response.bodyText.contains("secret"))
        #expect(errors.lines.withLock { $0 } == ["/boom: secret internal detail /var/lib/hookd"])
    }

    @Test func tokenGuardsMutatingRoutes() {
        let router = Self.router(token: "s3cret")
        let missing = router.handle(HTTPRequest(method: .post, target: "/runs"))
        #expect(missing.status == .unauthorized)
        #expect(missing.headers["WWW-Authenticate"] == "Bearer")
        #expect(missing.bodyText.contains(#""code":"unauthorized""#))
        let wrong = router.handle(HTTPRequest(method: .delete, target: "/runs/1", headers: ["Authorization": "Bearer nope"]))
        #expect(wrong.status == .unauthorized)
        let right = router.handle(HTTPRequest(method: .delete, target: "/runs/1", headers: ["authorization": "bearer s3cret"]))
        #expect(right.status == .ok)
        #expect(right.bodyText == "cancel 1")
        #expect(router.handle(HTTPRequest(method: .get, target: "/runs")).status == .ok)
        #expect(router.handle(HTTPRequest(method: .post, target: "/open")).status == .ok)
    }

    @Test func withoutTokenMutatingRoutesAreOpen() {
        #expect(Self.router().handle(HTTPRequest(method: .post, target: "/runs")).status == .accepted)
    }

    @Test func unknownPathIs404EvenWithToken() {
        let router = Self.router(token: "s3cret")
        #expect(router.handle(HTTPRequest(method: .post, target: "/nope")).status == .notFound)
    }
}
