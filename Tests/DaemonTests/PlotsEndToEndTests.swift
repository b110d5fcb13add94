import Foundation
import SVGInspection
import Testing

/// `GET /plots/{layer}.svg` over a real socket against the real daemon: SVG for known layers,
/// SPEC §5's JSON errors for the rest.
@Suite struct PlotsEndToEndTests {
    @Test func plotsOfAFinishedRun() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let c = daemon.client
        let batches = 12
        let id = try daemon.submit(Specs.synthetic(name: "plots", batches: batches,
                                                   hooks: #"[{"modules": "params"}, {"modules": ["0.0"], "stats": ["histogram"]}]"#))
        try daemon.waitForRun(id) { $0["status"] as? String == "finished" }

        let std = try c.get("/plots/0.0.svg?stat=std")
        #expect(std.status == 200 && std.headers["content-type"] == "image/svg+xml", "\(std.status) \(std.text.prefix(300))")
        let line = try ParsedSVG(std.body)
        #expect(line.seriesPoints == batches && line.title == "std of layer 0.0 (forward), run \(id)")
        #expect(try ParsedSVG(c.get("/plots/1.0.svg?run=\(id)&limit=3").body).seriesPoints == 3)
        #expect(try ParsedSVG(c.get("/plots/0.0.svg?stat=mean&from=2&to=5").body).seriesPoints == 4)
        let colorDim = try ParsedSVG(c.get("/plots/0.0.svg?stat=color_dim&limit=4").body)
        #expect(colorDim.columnBatches == [0, 4, 8, 11])

        for (target, status, code) in [
            ("/plots/0.0.svg?stat=median", 400, "invalid_parameter"),
            ("/plots/0.0.svg?limit=1", 400, "invalid_parameter"),
            ("/plots/0.0.svg?limit=10001", 400, "invalid_parameter"),  // a bounded image over HTTP
            ("/plots/0.0.svg?kind=sideways", 400, "invalid_parameter"),
            ("/plots/9.9.svg", 404, "layer_not_found"),
            ("/plots/0.0.svg?run=999", 404, "run_not_found"),
        ] {
            let response = try c.get(target)
            #expect(response.status == status && response.errorCode == code, "\(target): \(response.status) \(response.text)")
            #expect(response.headers["content-type"] == "application/json", "\(target)")
        }
        #expect(try c.get("/plots/0.0.svg?stat=median").errorMessage.contains("color_dim"))
    }
}
