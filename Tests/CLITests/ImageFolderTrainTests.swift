import Foundation
import Testing

/// `hookd train` on an image folder as people have them: JPEGs (gray and colour, baseline and
/// progressive) and a PNG of different sizes, with stray files beside them.
@Suite("hookd train on image folders")
struct ImageFolderTrainTests {
    /// The JPEGs that `scripts/make_image_fixtures.py` wrote for the Datasets tests, read by path.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DatasetsTests/Fixtures")

    /// train/cat: 9×13 RGB, 6×5 RGB (4:4:4), 9×13 gray; train/dog: 7×10 progressive, 9×13 RGB;
    /// valid/cat: 6×5 RGB; valid/dog: 7×10 progressive.
    static func writeFolder(in dir: Scratch) throws -> String {
        let files = [
            "train/cat/1.jpg": "rgb_9x13.jpg", "train/cat/2.jpeg": "rgb_444_6x5.jpg", "train/cat/3.JPG": "gray_9x13.jpg",
            "train/dog/1.jpg": "rgb_progressive_7x10.jpg", "train/dog/2.jpg": "rgb_9x13.jpg",
            "valid/cat/1.jpg": "rgb_444_6x5.jpg", "valid/dog/1.jpg": "rgb_progressive_7x10.jpg",
        ]
        for (name, fixture) in files {
            let target = dir.url.appendingPathComponent("images/\(name)")
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(fixture), to: target)
        }
        try dir.write("images/train/dog/Thumbs.db", "not an image")
        return dir.path("images")
    }

    static func spec(in dir: Scratch, folder: String, data: String) throws -> String {
        try dir.write("spec.json", """
            {"name": "photos", "model": {"arch": "simple_cnn", "channels": [3, 4, 2], "batch_norm": true},
             "data": {"format": "image_folder", "path": "\(folder)"\(data)},
             "train": {"epochs": 1, "batch_size": 2, "threads": 1}}
            """)
    }

    @Test func trainsOnJPEGsOfDifferentSizesWithASize() throws {
        let dir = try Scratch()
        let folder = try Self.writeFolder(in: dir)
        let db = dir.path("stats.sqlite")
        let result = try HookdProcess.run(["train", try Self.spec(in: dir, folder: folder, data: #", "size": [8, 8]"#), "--db", db])
        #expect(result.status == 0, "\(result.stderr)")
        let file = try SQLiteFile(db)
        #expect(try file.text("SELECT status FROM runs") == "finished")
        // 5 training images in batches of 2: 3 batches, each hooked layer with parameters recorded.
        #expect(try file.int("SELECT count(DISTINCT batch) FROM activation_stats") == 3)
    }

    @Test func withoutASizeTheOddImageIsNamed() throws {
        let dir = try Scratch()
        let folder = try Self.writeFolder(in: dir)
        let result = try HookdProcess.run(["train", try Self.spec(in: dir, folder: folder, data: "")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(folder)/train/cat/2.jpeg"), "\(result.stderr)")
        #expect(result.stderr.contains("data.size"), "\(result.stderr)")
    }

    @Test func aTruncatedJPEGMidEpochStopsTheRunNamingItAndKeepsTheBatchesBefore() throws {
        let dir = try Scratch()
        // 40 training images, so the cut file (at its seeded place in the shuffle) comes after a
        // few trained batches; with imagenet statistics nothing reads it before training. Rows of
        // those batches also show that training began before the folder was decoded: a loader
        // decoding up front would have failed on the file before the first batch.
        let source = try Data(contentsOf: Self.fixtures.appendingPathComponent("rgb_9x13.jpg"))
        for (split, count) in [("train", 20), ("valid", 1)] {
            for label in ["cat", "dog"] {
                let folder = dir.url.appendingPathComponent("images/\(split)/\(label)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for i in 0..<count { try source.write(to: folder.appendingPathComponent("\(i).jpg")) }
            }
        }
        let bad = dir.path("images/train/dog/17.jpg")
        try source.prefix(source.count / 2).write(to: URL(fileURLWithPath: bad))
        let spec = try Self.spec(in: dir, folder: dir.path("images"), data: #", "size": [8, 8], "normalize": "imagenet""#)
        let db = dir.path("stats.sqlite")
        let result = try HookdProcess.run(["train", spec, "--db", db])
        #expect(result.status == 1)
        #expect(result.stderr.contains(bad), "\(result.stderr)")
        let file = try SQLiteFile(db)
        #expect(try file.text("SELECT status FROM runs") == "failed")
        let trained = try file.int("SELECT count(DISTINCT batch) FROM activation_stats")
        #expect(trained > 0 && trained < 20, "batches recorded before the cut file: \(trained)")
    }
}
