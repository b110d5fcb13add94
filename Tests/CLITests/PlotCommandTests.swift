import Datasets
import Foundation
import SVGInspection
import Testing

/// `hookd plot` on a file `hookd train` recorded: valid, self-contained SVG with one point (or
/// column) per recorded batch, that headless Chromium draws.
@Suite struct PlotCommandTests {
    /// A finished 24-batch run with scalar stats on every parameterised layer and a histogram on 0.0.
    private func trainedFile(_ dir: Scratch) throws -> String {
        let db = dir.path("stats.sqlite")
        let spec = try dir.syntheticSpec(batches: 24, hooks: #"[{"modules": "params"}, {"modules": ["0.0"], "stats": ["histogram"]}]"#)
        let train = try HookdProcess.run(["train", spec, "--db", db])
        #expect(train.status == 0, "\(train.stderr)")
        return db
    }

    private func plot(_ arguments: [String]) throws -> ParsedSVG {
        let result = try HookdProcess.run(["plot"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try ParsedSVG(result.stdout)
    }

    @Test func lineStatsAndColorDimensionHaveOnePointPerBatch() throws {
        let dir = try Scratch()
        let db = try trainedFile(dir)
        let mean = try plot(["--db", db, "--layer", "0.0"])
        #expect(mean.seriesPoints == 24 && mean.title == "mean of layer 0.0 (forward), run 1")
        #expect(!mean.hasExternalReferences)
        #expect(try plot(["--db", db, "--layer", "1.0", "--stat", "near_zero", "--limit", "5"]).seriesPoints == 5)
        #expect(try plot(["--db", db, "--layer", "0.0", "--stat", "std", "--from", "3", "--to", "9"]).seriesPoints == 7)

        let colorDim = try plot(["--db", db, "--run", "1", "--layer", "0.0", "--stat", "color_dim"])
        #expect(colorDim.columnBatches == Array(0..<24))
        #expect(!colorDim.hasExternalReferences)
        #expect(try plot(["--db", db, "--layer", "0.0", "--stat", "color_dim", "--limit", "4"]).columnBatches == [0, 8, 16, 23])

        // -o writes the same document to a file and nothing to stdout.
        let out = dir.path("mean.svg")
        let written = try HookdProcess.run(["plot", "--db", db, "--layer", "0.0", "-o", out])
        #expect(written.status == 0 && written.stdout.isEmpty, "\(written.stderr)")
        #expect(try ParsedSVG(Data(contentsOf: URL(fileURLWithPath: out))).seriesPoints == 24)
    }

    @Test(arguments: [
        (["--layer", "9.9"], "run 1 has no layer '9.9'"),
        (["--layer", "0.0", "--run", "7"], "no run with id 7"),
        (["--layer", "0.0", "--stat", "median"], "'median' is invalid for '--stat"),
        (["--layer", "0.0", "--limit", "1"], "--limit must be at least 2"),
        (["--layer", "0.0", "--kind", "sideways"], "'sideways' is invalid for '--kind"),
    ])
    func usageErrorsExit64(extra: [String], message: String) throws {
        let dir = try Scratch()
        let db = try trainedFile(dir)
        let result = try HookdProcess.run(["plot", "--db", db] + extra)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile)

    @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/setup.sh --peers installs it)"))
    func chromiumRendersBothPlots() throws {
        let chromium = try #require(Self.chromium)
        let dir = try Scratch()
        let db = try trainedFile(dir)
        for stat in ["std", "color_dim"] {
            let svg = dir.path("\(stat).svg"), png = dir.path("\(stat).png")
            #expect(try HookdProcess.run(["plot", "--db", db, "--layer", "0.0", "--stat", stat, "-o", svg]).status == 0)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: chromium)
            process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--screenshot=\(png)", "--window-size=800,500",
                                 "--user-data-dir=\(dir.path("chromium-\(stat)"))", URL(fileURLWithPath: svg).absoluteString]
            let shot = try HookdProcess.collect(process, timeout: 120)
            #expect(shot.status == 0 && FileManager.default.fileExists(atPath: png), "\(shot.stderr)")
            let image = try DecodedImage.read(path: png, channels: 3)
            #expect(image.width == 800 && image.height == 500)
            // The background is white; the plot's ink (line, axes, viridis cells) is not.
            let plane = image.width * image.height
            let inked = (0..<plane).filter { i in (0..<3).contains { image.pixels[$0 * plane + i] < 200 } }.count
            #expect(inked > plane / (stat == "color_dim" ? 3 : 200), "\(stat): \(inked) of \(plane) pixels drawn")
        }
    }
}
