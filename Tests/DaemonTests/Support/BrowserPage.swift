import Foundation

/// One tab of a `HeadlessChromium`, attached as a flat DevTools session.
final class BrowserPage {
    let browser: HeadlessChromium
    let session: String

    /// Opens a tab, enables the domains that report errors, and navigates to `url`.
    init(_ browser: HeadlessChromium, url: String) throws {
        self.browser = browser
        let target = try browser.call("Target.createTarget", ["url": "about:blank"])
        guard let targetID = target["targetId"] as? String else { throw HeadlessChromium.Failure(description: "no targetId in \(target)") }
        let attached = try browser.call("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        guard let session = attached["sessionId"] as? String else { throw HeadlessChromium.Failure(description: "no sessionId in \(attached)") }
        self.session = session
        for domain in ["Page", "Runtime", "Log"] { try browser.call("\(domain).enable", session: session) }
        try browser.call("Page.navigate", ["url": url], session: session)
    }

    /// The value of a JavaScript expression (promises awaited), as JSON turns it into Foundation values.
    ///
    /// - Throws: `Failure` with the exception's text when the expression throws.
    @discardableResult
    func evaluate(_ expression: String) throws -> Any? {
        let result = try browser.call("Runtime.evaluate", [
            "expression": expression, "returnByValue": true, "awaitPromise": true,
        ], session: session)
        if let details = result["exceptionDetails"] as? [String: Any] {
            let exception = details["exception"] as? [String: Any] ?? [:]
            throw HeadlessChromium.Failure(description: "\(expression): \(exception["description"] ?? details["text"] ?? details)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Evaluates `expression` every 100 ms until it is truthy; returns that value.
    ///
    /// - Throws: `Failure` naming `what` (with the page's console) when `timeout` passes first.
    @discardableResult
    func waitFor(_ what: String, _ expression: String, timeout: TimeInterval) throws -> Any {
        let deadline = Date().addingTimeInterval(timeout)
        var last: Any?
        while Date() < deadline {
            last = try evaluate(expression)
            if let value = last, Self.truthy(value) { return value }
            usleep(100_000)
        }
        throw HeadlessChromium.Failure(description: """
            \(what): not within \(timeout) s (last value \(String(describing: last)))
            page console:\n\(browser.console.suffix(30).joined(separator: "\n"))
            """)
    }

    /// A left-button mouse event at viewport coordinates `x`, `y` (CSS pixels), as a user's
    /// (`clickCount` 2 on a press and release: a double-click).
    func mouse(_ type: String, x: Double, y: Double, clickCount: Int = 1) throws {
        try browser.call("Input.dispatchMouseEvent", [
            "type": type, "x": x, "y": y, "button": "left", "buttons": type == "mouseReleased" ? 0 : 1, "clickCount": clickCount,
        ], session: session)
    }

    /// A PNG of the whole page.
    func screenshot() throws -> Data {
        let result = try browser.call("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true], session: session)
        guard let text = result["data"] as? String, let png = Data(base64Encoded: text) else {
            throw HeadlessChromium.Failure(description: "no screenshot data")
        }
        return png
    }

    private static func truthy(_ value: Any) -> Bool {
        switch value {
        case let b as Bool: return b
        case let n as NSNumber: return n.doubleValue != 0
        case let s as String: return !s.isEmpty
        case is NSNull: return false
        default: return true
        }
    }
}
