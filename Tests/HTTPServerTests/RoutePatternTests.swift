import Testing

@testable import HTTPServer

/// `{name}.ext` parameters: a segment's value up to a literal suffix (layer paths hold dots).
@Suite("RoutePattern suffixes")
struct RoutePatternTests {
    static let router: Router = {
        var router = Router()
        router.get("/plots/{layer}.svg") { request in .text("svg \(try request.parameter("layer"))") }
        router.get("/plots/{layer}") { request in .text("bare \(try request.parameter("layer"))") }
        router.get("/files/{name}.tar.gz") { request in .text("tarball \(try request.parameter("name"))") }
        return router
    }()

    func get(_ target: String) -> HTTPResponse { Self.router.handle(HTTPRequest(method: .get, target: target)) }

    @Test func theSuffixIsCutAndTheRestIsTheValue() {
        #expect(get("/plots/0.0.svg").bodyText == "svg 0.0")
        #expect(get("/plots/body.layer1.0.conv1.svg").bodyText == "svg body.layer1.0.conv1")
        #expect(get("/plots/a%20b.svg").bodyText == "svg a b")
        #expect(get("/files/x.y.tar.gz").bodyText == "tarball x.y")
    }

    @Test("a suffix beats a bare parameter; without it the bare route answers")
    func specificity() {
        #expect(get("/plots/0.0.svgz").bodyText == "bare 0.0.svgz")
        #expect(get("/plots/0.0.png").bodyText == "bare 0.0.png")
        // An empty value does not match the suffixed route.
        #expect(get("/plots/.svg").bodyText == "bare .svg")
        #expect(get("/files/.tar.gz").status == .notFound)
        #expect(get("/files/x.tar").status == .notFound)
    }

    @Test func parsing() {
        #expect(RoutePattern("/plots/{layer}.svg").segments == [.literal("plots"), .parameter("layer", suffix: ".svg")])
        #expect(RoutePattern("/runs/{id}").segments == [.literal("runs"), .parameter("id", suffix: "")])
        #expect(RoutePattern.moreSpecific(RoutePattern("/plots/{layer}.svg"), than: RoutePattern("/plots/{layer}")))
        #expect(RoutePattern.moreSpecific(RoutePattern("/plots/latest"), than: RoutePattern("/plots/{layer}.svg")))
        #expect(!RoutePattern.moreSpecific(RoutePattern("/plots/{layer}"), than: RoutePattern("/plots/{layer}.svg")))
    }
}
