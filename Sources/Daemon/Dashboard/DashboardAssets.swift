import Foundation
import HTTPServer

/// The dashboard's files, fixed at build time and read once at start-up: the page's own HTML, CSS
/// and JavaScript (embedded in the binary) and Debian's dygraphs (`libjs-dygraphs`).
///
/// Requests name an entry of this table, never a file: no request path reaches the file system.
/// Embedding the page's own files makes `swift run`, `.build/release/hookd` and the systemd unit
/// serve the same bytes wherever the binary runs from; dygraphs is read from its package so that
/// Debian's security updates of it apply.
struct DashboardAssets: Sendable {
    /// An asset's bytes and `Content-Type`.
    struct Asset: Sendable {
        var body: Data
        var contentType: String
    }

    /// Where `libjs-dygraphs` installs the chart library.
    static let dygraphsDirectory = "/usr/share/javascript/dygraphs"
    /// The dygraphs files the page loads, by the name `/ui/` serves them under.
    static let dygraphsFiles: [(name: String, contentType: String)] = [
        ("dygraph.min.js", javascript), ("dygraph.min.css", css),
    ]

    static let javascript = "text/javascript; charset=utf-8"
    static let css = "text/css; charset=utf-8"
    static let html = "text/html; charset=utf-8"

    /// Same-origin everything and no inline script or style: the page fetches only from the daemon.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// `/ui/{name}` entries.
    let assets: [String: Asset]
    /// Why the page cannot work (dygraphs missing), nil when it can.
    let problem: String?

    /// Takes the embedded files and reads dygraphs from `dygraphsDirectory`.
    init(dygraphsDirectory: String = Self.dygraphsDirectory) {
        var assets: [String: Asset] = [
            "index.html": Asset(body: Data(PackageResources.index_html), contentType: Self.html),
            "style.css": Asset(body: Data(PackageResources.style_css), contentType: Self.css),
            "favicon.svg": Asset(body: Data(PackageResources.favicon_svg), contentType: "image/svg+xml"),
            "api.js": Asset(body: Data(PackageResources.api_js), contentType: Self.javascript),
            "charts.js": Asset(body: Data(PackageResources.charts_js), contentType: Self.javascript),
            "colordim.js": Asset(body: Data(PackageResources.colordim_js), contentType: Self.javascript),
            "app.js": Asset(body: Data(PackageResources.app_js), contentType: Self.javascript),
        ]
        var missing: [String] = []
        for file in Self.dygraphsFiles {
            let path = dygraphsDirectory + "/" + file.name
            if let data = FileManager.default.contents(atPath: path) {
                assets[file.name] = Asset(body: data, contentType: file.contentType)
            } else {
                missing.append(path)
            }
        }
        self.assets = assets
        problem = missing.isEmpty ? nil
            : "the dashboard needs Debian's libjs-dygraphs (\(missing.joined(separator: ", ")) not readable): "
            + "install it (apt-get install libjs-dygraphs) and restart hookd"
    }

    /// `GET /`: the page, or 503 saying what to install.
    func page() -> HTTPResponse {
        if let problem { return HTTPResponse.error(status: .serviceUnavailable, code: "dashboard_unavailable", message: problem) }
        return response(assets["index.html"]!)
    }

    /// `GET /ui/{name}`: an asset, or 404 for a name outside the table.
    func asset(named name: String) throws -> HTTPResponse {
        guard let asset = assets[name] else {
            throw HTTPError.notFound("no dashboard asset '\(name)'; the page's assets are \(assets.keys.sorted().joined(separator: ", "))", code: "not_found")
        }
        return response(asset)
    }

    private func response(_ asset: Asset) -> HTTPResponse {
        HTTPResponse(status: .ok, headers: [
            "Content-Type": asset.contentType,
            // Revalidate every load: a restarted (upgraded) daemon must never mix old and new files.
            "Cache-Control": "no-cache",
            "Content-Security-Policy": Self.contentSecurityPolicy,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        ], body: asset.body)
    }
}
