import Foundation
import Testing
@testable import Daemon

/// `GET /` and `GET /ui/{name}` on the real daemon: the fixed asset table, its headers, and no
/// way from a request path to the file system.
@Suite(.serialized) struct DashboardTests {
    @Test func thePageAndItsAssetsComeFromTheFixedTable() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let c = daemon.client

        let page = try c.get("/")
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.headers["cache-control"] == "no-cache")
        let policy = page.headers["content-security-policy"] ?? ""
        #expect(policy.hasPrefix("default-src 'self'"))
        #expect(policy.contains("script-src 'self';") && !policy.contains("unsafe"))
        #expect(page.headers["x-content-type-options"] == "nosniff")
        // No inline script or style: every <script> names a file, and no style attribute exists.
        let html = page.text
        #expect(html.components(separatedBy: "<script").count - 1 == html.components(separatedBy: "<script src=\"/ui/").count - 1)
        #expect(!html.contains("style=") && !html.contains("<style") && !html.contains("http://") && !html.contains("https://"))

        // Everything the page references is served, with its type.
        let referenced = html.matches(of: #/(?:src|href)="(/ui/[^"]+)"/#).map { String($0.1) }
        #expect(referenced.count == 8, "\(referenced)")
        for path in referenced {
            let asset = try c.get(path)
            #expect(asset.status == 200, "\(path)")
            let type = asset.headers["content-type"] ?? ""
            let expected = path.hasSuffix(".js") ? "text/javascript; charset=utf-8" : path.hasSuffix(".svg") ? "image/svg+xml" : "text/css; charset=utf-8"
            #expect(type == expected, "\(path): \(type)")
            #expect(asset.headers["content-security-policy"] == policy)
        }
        // dygraphs is Debian's file, byte for byte.
        let dygraphs = try Data(contentsOf: URL(fileURLWithPath: "/usr/share/javascript/dygraphs/dygraph.min.js"))
        #expect(try c.get("/ui/dygraph.min.js").body == dygraphs)

        // Names outside the table are 404 JSON, whatever files exist under those names.
        for path in ["/ui/nope.js", "/ui/dygraph.js", "/ui/%2e%2e%2fhookd.json", "/ui/..%2F..%2Fetc%2Fpasswd", "/ui/index.html/x",
                     "/ui/src%2Fdygraph.js", "/ui/", "/ui/.."] {
            let response = try c.get(path)
            #expect(response.status == 404, "\(path): \(response.status)")
            #expect(response.headers["content-type"] == "application/json", "\(path)")
            #expect(response.errorCode == "not_found", "\(path): \(response.text)")
        }
        #expect(try c.get("/ui/app.js").status == 200)
    }

    @Test func withoutDygraphsThePageSaysWhatToInstall() throws {
        let assets = DashboardAssets(dygraphsDirectory: "/nonexistent/dygraphs")
        let page = assets.page()
        #expect(page.status == .serviceUnavailable)
        #expect(page.headers["Content-Type"] == "application/json")
        let error = try #require(try JSONSerialization.jsonObject(with: page.body) as? [String: [String: String]])["error"]
        #expect(error?["code"] == "dashboard_unavailable")
        #expect(error?["message"]?.contains("libjs-dygraphs") == true)
        #expect(error?["message"]?.contains("/nonexistent/dygraphs/dygraph.min.js") == true)
        #expect(assets.problem != nil)
        // The page's own files are embedded, so they are served all the same.
        #expect(try assets.asset(named: "app.js").status == .ok)
        #expect(DashboardAssets().problem == nil)
    }
}
