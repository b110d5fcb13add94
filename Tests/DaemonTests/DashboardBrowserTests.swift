import Foundation
import Testing

/// The dashboard in Debian's headless Chromium against the real `hookd serve` training a run:
/// charts drawn from the run's data, live batches appended without a reload, a hook attached and
/// detached with the page's buttons (asking for the token once), a drag-zoom refetching its range,
/// a cancelled run resumed with its button. `HOOKD_SCREENSHOT=1` trains Fashion-MNIST (config/default-run.json)
/// instead of synthetic data and saves the page to docs/dashboard.png.
@Suite(.serialized) struct DashboardBrowserTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let screenshot = ProcessInfo.processInfo.environment["HOOKD_SCREENSHOT"] == "1"

    /// Every leaf with parameters gets mean/std/near_zero (the default hooks), `0.0` a histogram too.
    static let hooks = #"""
        [{"modules":"params","kind":"forward","stats":["mean","std","near_zero"],"every":1},
         {"modules":["0.0"],"kind":"forward","stats":["histogram"],"every":1}]
        """#

    /// Long enough to watch (~20 batches a second of 256 synthetic images); cancelled at the end.
    static func spec() throws -> String {
        if screenshot {
            let text = try String(contentsOf: root.appendingPathComponent("config/default-run.json"), encoding: .utf8)
            // The default run, with the histogram hook the colorful dimension needs.
            let hooksStart = try #require(text.range(of: #""hooks""#))
            return String(text[..<hooksStart.lowerBound]) + #""hooks": \#(hooks)}"#
        }
        return #"""
            {"name":"dashboard","model":{"arch":"simple_cnn","channels":[1,8,16,10],"batch_norm":true},
             "data":{"format":"synthetic","shape":[1,28,28],"classes":10,"train_count":10240,"valid_count":256},
             "train":{"epochs":100,"batch_size":256,"seed":7,"threads":1},"hooks":\#(hooks)}
            """#
    }

    @Test(.enabled(if: HeadlessChromium.isInstalled, "chromium is not installed (scripts/setup.sh installs it)"))
    func theDashboardDrawsTheLiveRunAndAttachesAHook() throws {
        let token = "dashboard-token"
        let fixture = try DaemonFixture(token: token)
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let browser = try HeadlessChromium()
        defer { browser.quit() }
        // A page opened before any run says so, then follows the first run queued.
        let early = try BrowserPage(browser, url: "http://127.0.0.1:\(daemon.port)/")
        try early.waitFor("the empty page", "window.hookd && hookd.state.ready === true && hookd.state.events.readyState === EventSource.OPEN", timeout: 30)
        #expect(try early.evaluate("document.getElementById('run-error').textContent") as? String == "No runs yet: queue one with POST /runs.")

        let run = try daemon.submit(try Self.spec())
        try early.waitFor("the early page follows run \(run)", "hookd.state.run === \(run) && hookd.charts.loss.pointCount() > 0", timeout: 60)
        try daemon.waitForRun(run, timeout: 120) { ($0["global_batch"] as? Int ?? 0) >= 5 }
        let page = try BrowserPage(browser, url: "http://127.0.0.1:\(daemon.port)/")
        try page.waitFor("the page selects the run", "window.hookd && hookd.state.ready === true && hookd.state.run === \(run)", timeout: 30)

        // Loss: the points the page drew are the daemon's, batch for batch.
        try page.waitFor("loss points", "hookd.charts.loss.pointCount() >= 5", timeout: 30)
        let drawn = try #require(try page.evaluate("JSON.stringify([...hookd.charts.loss.series.get('loss')].slice(0, 20))") as? String)
        let points = try #require(try JSONSerialization.jsonObject(with: Data(drawn.utf8)) as? [[Double]])
        let batches = try daemon.client.get("/runs/\(run)/batches?from=\(Int(points[0][0]))&to=\(Int(points.last![0]))").json
        let stored = Dictionary(uniqueKeysWithValues: zip(batches["batch"] as? [Int] ?? [], batches["loss"] as? [Double] ?? []))
        for point in points { #expect(stored[Int(point[0])] == point[1], "loss at batch \(Int(point[0]))") }

        // The three layer-stat charts hold the hooked layers' series, as /stats serves them.
        for stat in ["mean", "std", "near_zero"] {
            try page.waitFor("\(stat) of 0.0", "(hookd.charts.\(stat).series.get('0.0') || new Map()).size >= 5", timeout: 30)
            let first = try #require(try page.evaluate("JSON.stringify([...hookd.charts.\(stat).series.get('0.0')][0])") as? String)
            let point = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [Double])
            let series = try daemon.client.get("/stats/0.0?run=\(run)&from=\(Int(point[0]))&to=\(Int(point[0]))").json
            #expect((series[stat] as? [Double])?.first == point[1], "\(stat) of 0.0 at batch \(Int(point[0]))")
        }
        // Each chart's canvases are painted: dygraphs drew lines, not an empty frame.
        for chart in ["loss", "lr", "mean", "std", "near_zero"] {
            let painted = try page.evaluate(Self.paintedPixels("#\(chart)-chart canvas")) as? Int ?? 0
            #expect(painted > 200, "\(chart) chart: \(painted) painted pixels")
        }

        // The colorful dimension: log1p of the stored counts, one column per batch, in viridis.
        try page.waitFor("colorful dimension", "hookd.colorDim.batch.length >= 5", timeout: 30)
        let column = try #require(try page.evaluate("JSON.stringify([hookd.colorDim.batch[0], hookd.colorDim.values[0]])") as? String)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(column.utf8)) as? [Any])
        let batch = try #require(parsed[0] as? Int)
        let histogram = try daemon.client.get("/histograms/0.0?run=\(run)&from=\(batch)&to=\(batch)").json
        let counts = try #require((histogram["counts"] as? [[Int]])?.first)
        let values = try #require(parsed[1] as? [Double])
        #expect(counts.count == 40 && values.count == 40)
        for (value, count) in zip(values, counts) { #expect(abs(value - log1p(Double(count))) < 1e-12) }
        let canvas = try #require(try page.evaluate("""
            (() => { const c = document.getElementById('colordim'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              const colors = new Set(); for (let i = 0; i < d.length; i += 4) colors.add(d[i] << 16 | d[i + 1] << 8 | d[i + 2]);
              return [c.width, c.height, colors.size, hookd.colorDim.batch.length]; })()
            """) as? [Int])
        #expect(canvas[0] == canvas[3] && canvas[1] == 40 && canvas[2] >= 3, "colordim canvas \(canvas)")
        // Bins bottom-up in viridis, whose green rises with the value: down the first column's
        // pixels (row 39 - bin), green orders the bins as their log1p(count) does.
        let greens = try #require(try page.evaluate("""
            (() => { const c = document.getElementById('colordim'), d = c.getContext('2d').getImageData(0, 0, 1, 40).data;
                     return Array.from({length: 40}, (_, bin) => d[4 * (39 - bin) + 1]); })()
            """) as? [Int])
        let byValue = values.indices.sorted { values[$0] < values[$1] }
        for (lower, higher) in zip(byValue, byValue.dropFirst()) where values[lower] < values[higher] {
            #expect(greens[lower] <= greens[higher], "bin \(lower) (\(values[lower])) vs bin \(higher) (\(values[higher]))")
        }
        #expect(Set(greens).count >= 3, "\(greens)")

        // A batch trained after the page opened appears without a reload: /events appends it.
        try page.waitFor("the event stream opens", "hookd.state.events.readyState === EventSource.OPEN", timeout: 15)
        let seen = try #require(try page.evaluate("hookd.state.lastBatch") as? Int)
        try page.waitFor("live batches after \(seen)", """
            [...hookd.charts.loss.series.get('loss').keys()].some((b) => b > \(seen + 3))
              && [...hookd.charts.mean.series.get('0.0').keys()].some((b) => b > \(seen + 3))
              && hookd.colorDim.batch.some((b) => b > \(seen + 3))
            """, timeout: 30)

        // Attach a hook by clicking the page's button: the POST answers 401, the page asks for
        // the token (once), keeps it for the tab, and the daemon lists the hook.
        browser.promptAnswer = token
        try page.evaluate("""
            document.getElementById('attach-layer').value = '0.2';
            document.getElementById('attach-button').click();
            """)
        try page.waitFor("the page reports the attach", "document.getElementById('hook-message').textContent.includes('0.2')", timeout: 30)
        #expect(browser.prompts.count == 1, "\(browser.prompts)")
        #expect(try page.evaluate("sessionStorage.getItem('hookd.token')") as? String == token)
        let attached = try daemon.hooks(run: run).first { $0["layer"] as? String == "0.2" }
        #expect(attached?["active"] as? Bool == true, "\(String(describing: attached))")
        let hookID = try #require(attached?["id"] as? Int)
        try page.waitFor("the hooks table lists it", "[...document.querySelectorAll('#hooks td')].some((td) => td.textContent === '0.2')", timeout: 30)

        if Self.screenshot {
            // Let the attached hook's series grow a little, then draw the page as a user sees it.
            usleep(3_000_000)
            try Self.root.appendingPathComponent("docs").createDirectoryIfNeeded()
            try page.screenshot().write(to: Self.root.appendingPathComponent("docs/dashboard.png"))
        }

        // Detach it with its row's button: the kept token is sent, no second prompt.
        try page.evaluate("""
            [...document.querySelectorAll('#hooks tbody tr')].find((tr) => tr.cells[0].textContent === '\(hookID)')
              .querySelector('button.detach').click();
            """)
        try page.waitFor("the page reports the detach", "document.getElementById('hook-message').textContent.includes('detached')", timeout: 30)
        #expect(browser.prompts.count == 1)
        let detached = try daemon.hooks(run: run).first { $0["id"] as? Int == hookID }
        #expect(detached?["active"] as? Bool == false && detached?["detached_batch"] is Int, "\(String(describing: detached))")

        // Series come downsampled (limit=); dragging across the loss chart zooms both batch
        // charts and refetches just that range, every batch of it.
        let reads = try #require(try page.evaluate("""
            performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /\\/(batches|stats|histograms)\\b/.test(n))
            """) as? [String])
        #expect(!reads.isEmpty && reads.allSatisfy { $0.contains("limit=") }, "\(reads)")
        let area = try #require(try page.evaluate("""
            (() => { const g = hookd.charts.loss.graph, r = g.graphDiv.getBoundingClientRect(), a = g.getArea();
                     return [r.left + a.x, r.top + a.y, a.w, a.h]; })()
            """) as? [Double])
        let (x0, x1, y) = (area[0] + 0.3 * area[2], area[0] + 0.6 * area[2], area[1] + area[3] / 2)
        try page.mouse("mousePressed", x: x0, y: y)
        for step in 1...5 { try page.mouse("mouseMoved", x: x0 + (x1 - x0) * Double(step) / 5, y: y) }
        try page.mouse("mouseReleased", x: x1, y: y)
        let zoomURL = try #require(try page.waitFor("the zoomed range's read", """
            performance.getEntriesByType('resource').map((e) => e.name).find((n) => n.includes('/batches?') && n.includes('from=')) || ''
            """, timeout: 15) as? String)
        let query = URLComponents(string: zoomURL)?.queryItems ?? []
        let from = try #require(query.first { $0.name == "from" }?.value.flatMap { Int($0) })
        let to = try #require(query.first { $0.name == "to" }?.value.flatMap { Int($0) })
        #expect(from < to)
        try page.waitFor("the zoomed loss series", """
            (() => { const keys = [...hookd.charts.loss.series.get('loss').keys()].filter((b) => b <= \(to));
                     return keys.length === \(to - from + 1) && keys[0] === \(from); })()
            """, timeout: 15)
        let windows = try #require(try page.evaluate("[hookd.charts.loss.graph.xAxisRange(), hookd.charts.lr.graph.xAxisRange()]") as? [[Double]])
        #expect(windows[0] == windows[1], "loss and lr zoom together: \(windows)")
        // A double-click zooms out: the whole run again, downsampled, from its first batch.
        try page.mouse("mousePressed", x: x0, y: y, clickCount: 2)
        try page.mouse("mouseReleased", x: x0, y: y, clickCount: 2)
        try page.waitFor("the whole run after zooming out", """
            !hookd.charts.loss.graph.isZoomed('x') && hookd.charts.loss.series.get('loss').has(\(Int(points[0][0])))
              && !hookd.charts.lr.graph.isZoomed('x')
            """, timeout: 15)

        // Live points beyond twice the limit are thinned, newest kept: a week-long run stays light.
        let thinned = try #require(try page.evaluate("""
            (() => { const chart = new SeriesChart(document.createElement('div'), {limit: 10});
                     const dim = new ColorDim(document.createElement('canvas'), 10);
                     for (let b = 0; b < 1000; b++) { chart.append('x', b, b); dim.append(b, new Array(40).fill(b)); }
                     const kept = [...chart.series.get('x').keys()];
                     return [kept.length, kept[kept.length - 1], dim.batch.length, dim.batch[dim.batch.length - 1]]; })()
            """) as? [Int])
        #expect(thinned[0] <= 20 && thinned[0] >= 10 && thinned[1] == 999 && thinned[2] <= 20 && thinned[2] >= 10 && thinned[3] == 999, "\(thinned)")

        // The page broke no rule of its Content-Security-Policy and hit no error of its own.
        let violations = try page.evaluate("hookd.violations") as? [String]
        #expect(violations == [], "CSP violations: \(String(describing: violations))")
        let errors = try page.evaluate("hookd.state.errors") as? [String]
        #expect(errors == [], "page errors: \(String(describing: errors))")

        // Status changes of any run reach the runs table without a reload: a cancel, a new run.
        let runRow = { (id: Int, status: String) in
            "[...document.querySelectorAll('#runs tbody tr')].some((tr) => tr.dataset.run === '\(id)' && tr.cells[2].textContent === '\(status)')"
        }
        _ = try daemon.client.delete("/runs/\(run)")
        try page.waitFor("run \(run) cancelled in the table", runRow(run, "cancelled"), timeout: 30)
        let next = try daemon.submit(try Self.spec())
        try page.waitFor("run \(next) in the table", runRow(next, "running"), timeout: 60)

        // The cancelled run, still selected, offers its resume: the button queues it again
        // behind the training one (the kept token is sent), and it trains once that one ends.
        try page.waitFor("the resume button", "!document.getElementById('run-actions').hidden", timeout: 30)
        try page.evaluate("document.getElementById('resume-button').click()")
        try page.waitFor("the page reports the resume", "document.getElementById('resume-message').textContent.includes('queued to resume')", timeout: 30)
        try page.waitFor("run \(run) queued in the table", runRow(run, "queued"), timeout: 30)
        #expect(try page.evaluate("document.getElementById('run-actions').hidden") as? Bool == true)
        // The answer stays in sight once the button is gone.
        #expect(try page.evaluate("document.getElementById('resume-message').checkVisibility()") as? Bool == true)
        #expect(browser.prompts.count == 1)
        _ = try daemon.client.delete("/runs/\(next)")
        try page.waitFor("run \(run) trains again", runRow(run, "running"), timeout: 60)
        _ = try daemon.client.delete("/runs/\(run)")
    }

    /// JavaScript counting the non-transparent pixels of every canvas matching `selector`.
    static func paintedPixels(_ selector: String) -> String {
        """
        [...document.querySelectorAll('\(selector)')].reduce((n, c) => {
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
          return n; }, 0)
        """
    }
}

extension URL {
    func createDirectoryIfNeeded() throws { try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true) }
}
