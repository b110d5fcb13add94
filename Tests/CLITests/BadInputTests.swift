import Foundation
import Testing

/// Bad input to the command line: a clear message naming the file, JSON path or layer, and
/// SPEC §3's exit codes (64 usage/spec, 1 runtime). Never a crash.
@Suite("hookd CLI bad input")
struct BadInputTests {
    @Test func malformedSpecJSONIsAUsageError() throws {
        let dir = try Scratch()
        let result = try HookdProcess.run(["train", try dir.write("bad.json", #"{"name": "x", "model": {"#)])
        #expect(result.status == 64)
        #expect(result.stderr.contains("bad.json"))
        #expect(result.stderr.contains("malformed JSON"))
    }

    @Test(arguments: [
        (#"{"model": {"arch": "vgg16"}, "data": {"format": "synthetic"}}"#, "$.model.arch"),
        (#"{"model": {"arch": "mlp", "layers": [64, 4]}, "data": {"format": "synthetic"}, "train": {"epochs": "two"}}"#, "$.train.epochs"),
        (#"{"model": {"arch": "mlp", "layers": [64, 4]}, "data": {"format": "synthetic"}, "trian": {}}"#, "$.trian"),
        (#"{"model": {"arch": "mlp", "layers": [64, 4]}, "data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4}, "hooks": [{"modules": ["9.9"]}]}"#, "$.hooks[0].modules[0]"),
        (#"{"model": {"arch": "simple_cnn", "channels": [3, 8, 4]}, "data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4}}"#, "$.model.channels[0]"),
    ])
    func specErrorsNameTheJSONPath(spec: String, path: String) throws {
        let dir = try Scratch()
        let result = try HookdProcess.run(["train", try dir.write("spec.json", spec)])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(path), "\(result.stderr)")
    }

    @Test func badWeightsFilesAreSpecErrorsNamingTheFile() throws {
        let dir = try Scratch()
        let text = try dir.write("weights.pt", "not a model\n")
        for (weights, reason) in [(text, "not a PyTorch file"), (dir.path("missing.pt"), "cannot open the file")] {
            let spec = try dir.write("spec.json", #"{"model": {"arch": "mlp", "layers": [64, 4], "weights": "\#(weights)"}, "data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4}}"#)
            let result = try HookdProcess.run(["train", spec])
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.contains("$.model.weights: \(weights): \(reason)"), "\(result.stderr)")
        }
        let summary = try HookdProcess.run(["summary", "--arch", "sequential"])
        #expect(summary.status == 64)
        #expect(summary.stderr.contains("--arch sequential has its layers in a spec: use --spec FILE"), "\(summary.stderr)")
    }

    @Test func missingDataDirectoryIsARuntimeErrorNamingIt() throws {
        let dir = try Scratch()
        let spec = try dir.write("spec.json", #"{"model": {"arch": "mlp", "layers": [784, 10]}, "data": {"format": "idx", "path": "/nonexistent/fashion"}}"#)
        let result = try HookdProcess.run(["train", spec])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/fashion"))
    }

    @Test func idxWithWrongMagicOrTruncationNamesTheFile() throws {
        let dir = try Scratch()
        try FileManager.default.createDirectory(atPath: dir.path("idx"), withIntermediateDirectories: true)
        try IDXWriter.write(images: 4, side: 4, to: dir.path("idx"))
        // Wrong magic in the training images.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: dir.path("idx/train-images-idx3-ubyte")))
        bytes[3] = 0x01
        try bytes.write(to: URL(fileURLWithPath: dir.path("idx/train-images-idx3-ubyte")))
        let spec = try dir.write("spec.json", """
            {"model": {"arch": "mlp", "layers": [16, 10]}, "data": {"format": "idx", "path": "\(dir.path("idx"))"}}
            """)
        var result = try HookdProcess.run(["train", spec])
        #expect(result.status == 1)
        #expect(result.stderr.contains("train-images-idx3-ubyte"))
        #expect(result.stderr.contains("0x00000803"), "\(result.stderr)")
        // Truncated labels.
        try IDXWriter.write(images: 4, side: 4, to: dir.path("idx"))
        let labels = try Data(contentsOf: URL(fileURLWithPath: dir.path("idx/t10k-labels-idx1-ubyte")))
        try labels.prefix(labels.count - 2).write(to: URL(fileURLWithPath: dir.path("idx/t10k-labels-idx1-ubyte")))
        result = try HookdProcess.run(["train", spec])
        #expect(result.status == 1)
        #expect(result.stderr.contains("t10k-labels-idx1-ubyte"), "\(result.stderr)")
    }

    @Test func statsOnMissingOrForeignFilesIsAClearError() throws {
        let dir = try Scratch()
        var result = try HookdProcess.run(["stats", "--db", dir.path("missing.sqlite")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("missing.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("missing.sqlite")))
        result = try HookdProcess.run(["runs", "--db", try dir.write("notes.txt", "not a database, just text\n")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("notes.txt"))
    }

    @Test func unknownRunOrLayerInAStatsFileIsAClearError() throws {
        let dir = try Scratch()
        let db = dir.path("stats.sqlite")
        let trained = try HookdProcess.run(["train", try dir.syntheticSpec(batches: 4), "--db", db])
        #expect(trained.status == 0, "\(trained.stderr)")
        var result = try HookdProcess.run(["stats", "--db", db, "--run", "99"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("99"))
        result = try HookdProcess.run(["stats", "--db", db, "--layer", "no.such.layer"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no.such.layer"))
        result = try HookdProcess.run(["stats", "--db", db, "--layer", "0.0", "--format", "json"])
        #expect(result.status == 0)
        #expect(result.stdout.contains(#""batch":[0,1,2,3]"#), "\(result.stdout)")
    }

    @Test func badFlagsAreUsageErrors() throws {
        #expect(try HookdProcess.run(["summary"]).status == 64)
        #expect(try HookdProcess.run(["summary", "--arch", "simple_cnn", "--input", "28x28"]).status == 64)
        #expect(try HookdProcess.run(["train"]).status == 64)
        #expect(try HookdProcess.run(["stats", "--db", "x", "--format", "xml"]).status == 64)
    }
}
