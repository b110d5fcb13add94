import Foundation
import Testing

@testable import Datasets

@Suite("Image folders")
struct ImageFolderTests {
    /// H×W×C bytes for image number `seed`.
    static func pixels(width: Int = 4, height: Int = 3, channels: Int, seed: Int) -> [UInt8] {
        FixtureWriter.pattern(count: width * height * channels, seed: seed)
    }

    /// Channel-first copy of interleaved H×W×C bytes.
    static func planar(_ hwc: [UInt8], channels: Int) -> [UInt8] {
        let plane = hwc.count / channels
        return (0..<channels).flatMap { c in (0..<plane).map { hwc[$0 * channels + c] } }
    }

    /// root/train/{cat,dog}, root/valid/{cat,dog}: cat has two images, the rest one each.
    /// Returns the H×W×C bytes of each image by relative path.
    @discardableResult
    static func writeFolder(_ dir: TempDirectory, channels: Int) throws -> [String: [UInt8]] {
        let files = ["train/cat/b.png", "train/cat/a.png", "train/dog/x.png", "valid/cat/v.png", "valid/dog/w.png"]
        var written = [String: [UInt8]]()
        for (i, name) in files.enumerated() {
            let hwc = pixels(channels: channels, seed: i)
            try FixtureWriter.writePNG(try dir.file(name), width: 4, height: 3, channels: channels, hwc: hwc)
            written[name] = hwc
        }
        // Files the loader must skip: not PNG by name, and hidden.
        try FixtureWriter.write(try dir.file("train/cat/notes.txt"), Array("hello".utf8), gzip: false)
        try FixtureWriter.write(try dir.file("train/dog/.hidden.png"), [1, 2, 3], gzip: false)
        return written
    }

    @Test("PNG round trip is exact for gray and RGB, channel-first", arguments: [1, 3])
    func roundTrip(channels: Int) throws {
        let dir = try TempDirectory()
        let path = try dir.file("image.png")
        let hwc = Self.pixels(channels: channels, seed: 9)
        try FixtureWriter.writePNG(path, width: 4, height: 3, channels: channels, hwc: hwc)
        let image = try DecodedImage.read(path: path)
        #expect(image.channels == channels && image.height == 3 && image.width == 4)
        #expect(image.pixels == Self.planar(hwc, channels: channels))
    }

    @Test("a gray PNG read as RGB repeats the gray in all channels")
    func grayAsRGB() throws {
        let dir = try TempDirectory()
        let path = try dir.file("gray.png")
        let gray = Self.pixels(channels: 1, seed: 2)
        try FixtureWriter.writePNG(path, width: 4, height: 3, channels: 1, hwc: gray)
        let image = try DecodedImage.read(path: path, channels: 3)
        #expect(image.channels == 3)
        #expect(image.pixels == gray + gray + gray)
    }

    @Test("loads gray folders exactly, classes sorted, files in sorted order")
    func loadGray() throws {
        let dir = try TempDirectory()
        let written = try Self.writeFolder(dir, channels: 1)
        let splits = try ImageFolder.load(root: dir.path)
        #expect(splits.classes == ["cat", "dog"])
        #expect(splits.train.shape == [1, 3, 4])
        #expect(splits.train.labels == [0, 0, 1])
        #expect(splits.valid.labels == [0, 1])
        let trainOrder = ["train/cat/a.png", "train/cat/b.png", "train/dog/x.png"]
        #expect(splits.train.pixels == trainOrder.flatMap { written[$0]! })
        #expect(splits.valid.pixels == ["valid/cat/v.png", "valid/dog/w.png"].flatMap { written[$0]! })
    }

    @Test("RGB folders take 3 channels from the first image and are channel-first")
    func loadRGB() throws {
        let dir = try TempDirectory()
        let written = try Self.writeFolder(dir, channels: 3)
        let splits = try ImageFolder.load(root: dir.path)
        #expect(splits.train.shape == [3, 3, 4])
        let expected = ["train/cat/a.png", "train/cat/b.png", "train/dog/x.png"].flatMap {
            Self.planar(written[$0]!, channels: 3)
        }
        #expect(splits.train.pixels == expected)
        // Asking for gray converts: one channel, same size.
        let gray = try ImageFolder.load(root: dir.path, channels: 1)
        #expect(gray.train.shape == [1, 3, 4])
        #expect(gray.train.pixels.count == 3 * 12)
    }

    @Test("an image of another size names the file and both sizes")
    func wrongSize() throws {
        let dir = try TempDirectory()
        try Self.writeFolder(dir, channels: 1)
        let odd = try dir.file("valid/dog/z.png")
        try FixtureWriter.writePNG(odd, width: 5, height: 3, channels: 1, hwc: Self.pixels(width: 5, channels: 1, seed: 0))
        let error = #expect(throws: DatasetError.self) { try ImageFolder.load(root: dir.path) }
        let first = dir.path + "/train/cat/a.png"
        #expect(error == .sizeMismatch(
            path: odd, expected: "3×4 like \(first) (set data.size to resize every image)", found: "3×5"))
        #expect(String(describing: error!).contains(odd))
    }

    @Test("a requested size resizes every image; its own size leaves the pixels alone")
    func requestedSize() throws {
        let dir = try TempDirectory()
        let written = try Self.writeFolder(dir, channels: 1)
        let resized = try ImageFolder.load(root: dir.path, size: (height: 28, width: 20))
        #expect(resized.train.shape == [1, 28, 20] && resized.valid.shape == [1, 28, 20])
        let same = try ImageFolder.load(root: dir.path, size: (height: 3, width: 4))
        #expect(same.train.pixels == ["train/cat/a.png", "train/cat/b.png", "train/dog/x.png"].flatMap { written[$0]! })
    }

    /// train/cat: a.jpg (RGB 9×13), b.png (RGB 3×4); train/dog: c.JPEG (progressive 7×10);
    /// valid/cat: d.jpg (gray 9×13); valid/dog: e.png (gray 3×4); plus stray files to skip.
    static func writeMixedFolder(_ dir: TempDirectory) throws {
        let copies = ["train/cat/a.jpg": "rgb_9x13.jpg", "train/dog/c.JPEG": "rgb_progressive_7x10.jpg",
                      "valid/cat/d.jpg": "gray_9x13.jpg"]
        for (name, fixture) in copies {
            try FileManager.default.copyItem(atPath: try ImageFixture.path(fixture), toPath: try dir.file(name))
        }
        try FixtureWriter.writePNG(try dir.file("train/cat/b.png"), width: 4, height: 3, channels: 3,
                                   hwc: Self.pixels(channels: 3, seed: 1))
        try FixtureWriter.writePNG(try dir.file("valid/dog/e.png"), width: 4, height: 3, channels: 1,
                                   hwc: Self.pixels(channels: 1, seed: 2))
        for stray in ["train/cat/.DS_Store", "train/dog/Thumbs.db", "valid/cat/labels.csv", "valid/dog/._e.png"] {
            try FixtureWriter.write(try dir.file(stray), Array("not an image".utf8), gzip: false)
        }
    }

    @Test("PNG and JPEG files of different sizes load together with a size")
    func mixedFolderWithSize() throws {
        let dir = try TempDirectory()
        try Self.writeMixedFolder(dir)
        let splits = try ImageFolder.load(root: dir.path, size: (height: 5, width: 6))
        // The first training image (a.jpg) is colour, so every image is RGB.
        #expect(splits.train.shape == [3, 5, 6] && splits.valid.shape == [3, 5, 6])
        #expect(splits.train.labels == [0, 0, 1] && splits.valid.labels == [0, 1])
        let imageSize = 3 * 5 * 6
        let rgb = try ImageFixture.load("rgb_9x13").resized[0]
        try #require(rgb.height == 5 && rgb.width == 6)
        BilinearResizeTests.expectBytes(Array(splits.train.pixels.prefix(imageSize)), equal: rgb, "train/cat/a.jpg")
        // A gray file read as RGB is its gray resized, three times.
        let gray = try ImageFixture.load("gray_9x13").resized[0]
        let tripled = ImageFixture.Resize(height: 5, width: 6, values: gray.values + gray.values + gray.values,
                                          bytes: gray.bytes + gray.bytes + gray.bytes)
        BilinearResizeTests.expectBytes(Array(splits.valid.pixels.prefix(imageSize)), equal: tripled, "valid/cat/d.jpg")
    }

    @Test("without a size, a JPEG of another size names the file")
    func mixedFolderWithoutSize() throws {
        let dir = try TempDirectory()
        try Self.writeMixedFolder(dir)
        let error = #expect(throws: DatasetError.self) { try ImageFolder.load(root: dir.path) }
        guard case .sizeMismatch(let path, _, let found) = error else {
            Issue.record("expected .sizeMismatch, got \(String(describing: error))")
            return
        }
        #expect(path == dir.path + "/train/cat/b.png")
        #expect(found == "3×4")
        #expect(String(describing: error!).contains("data.size"))
    }

    @Test("a cut-off or CMYK JPEG in a folder is named", arguments: ["truncated", "cmyk"])
    func badJPEGInFolder(kind: String) throws {
        let dir = try TempDirectory()
        try Self.writeMixedFolder(dir)
        let bad = try dir.file("valid/dog/f.jpg")
        if kind == "cmyk" {
            try FileManager.default.copyItem(atPath: try ImageFixture.path("cmyk.jpg"), toPath: bad)
        } else {
            let bytes = try FixtureWriter.bytes(of: try ImageFixture.path("rgb_9x13.jpg"))
            try FixtureWriter.write(bad, Array(bytes.dropLast(10)), gzip: false)
        }
        let error = #expect(throws: DatasetError.self) { try ImageFolder.load(root: dir.path, size: (height: 5, width: 6)) }
        switch error {
        case .corruptImage(let path, _) where kind == "truncated": #expect(path == bad)
        case .unsupportedImage(let path, _) where kind == "cmyk": #expect(path == bad)
        default: Issue.record("\(kind): unexpected \(String(describing: error))")
        }
    }

    @Test("a corrupt PNG is named", arguments: ["train/dog/y.png", "train/cat/0.png"])
    func corrupt(name: String) throws {
        let dir = try TempDirectory()
        try Self.writeFolder(dir, channels: 1)
        let bad = try dir.file(name)
        try FixtureWriter.write(bad, Array("this is not a png at all".utf8), gzip: false)
        let error = #expect(throws: DatasetError.self) { try ImageFolder.load(root: dir.path) }
        guard case .corruptImage(let path, let reason) = error else {
            Issue.record("expected .corruptImage, got \(String(describing: error))")
            return
        }
        #expect(path == bad)
        #expect(!reason.isEmpty)
    }

    /// Cut in half, libpng fails reading the header; without the last 16 bytes (IEND and the
    /// IDAT checksum) it fails inside `png_image_finish_read`, which once aborted the process.
    @Test("a cut-off PNG is corrupt, not a crash", arguments: [2, 16])
    func truncatedPNG(cut: Int) throws {
        let dir = try TempDirectory()
        try Self.writeFolder(dir, channels: 3)
        let path = dir.path + "/valid/cat/v.png"
        let bytes = try FixtureWriter.bytes(of: path)
        let keep = cut == 2 ? bytes.count / 2 : bytes.count - cut
        try FixtureWriter.write(path, Array(bytes.prefix(keep)), gzip: false)
        let error = #expect(throws: DatasetError.self) { try ImageFolder.load(root: dir.path) }
        guard case .corruptImage(let named, _) = error else {
            Issue.record("expected .corruptImage, got \(String(describing: error))")
            return
        }
        #expect(named == path)
    }

    @Test("an empty class folder is named")
    func emptyClass() throws {
        let dir = try TempDirectory()
        try Self.writeFolder(dir, channels: 1)
        let empty = try dir.folder("train/emu")
        #expect(throws: DatasetError.emptyClass(path: empty)) { try ImageFolder.load(root: dir.path) }
    }

    @Test("a split without class folders has no images")
    func noImages() throws {
        let dir = try TempDirectory()
        _ = try dir.folder("train")
        _ = try dir.folder("valid")
        #expect(throws: DatasetError.noImages(path: dir.path + "/train")) { try ImageFolder.load(root: dir.path) }
    }

    @Test("a validation class unknown to train is an error")
    func unknownClass() throws {
        let dir = try TempDirectory()
        try Self.writeFolder(dir, channels: 1)
        let path = try dir.file("valid/emu/e.png")
        try FixtureWriter.writePNG(path, width: 4, height: 3, channels: 1, hwc: Self.pixels(channels: 1, seed: 0))
        #expect(throws: DatasetError.unknownClass(path: dir.path + "/valid/emu", className: "emu", known: ["cat", "dog"])) {
            try ImageFolder.load(root: dir.path)
        }
    }

    @Test("valid may lack a class; labels still index train's classes")
    func validSubset() throws {
        let dir = try TempDirectory()
        try Self.writeFolder(dir, channels: 1)
        try FileManager.default.removeItem(atPath: dir.path + "/valid/cat")
        let splits = try ImageFolder.load(root: dir.path)
        #expect(splits.valid.labels == [1])
        #expect(splits.valid.classes == ["cat", "dog"])
    }

    @Test("missing root, train or valid folders are named")
    func missingFolders() throws {
        let dir = try TempDirectory()
        #expect(throws: DatasetError.directoryNotFound(path: dir.path + "/nope")) { try ImageFolder.load(root: dir.path + "/nope") }
        try Self.writeFolder(dir, channels: 1)
        try FileManager.default.removeItem(atPath: dir.path + "/valid")
        #expect(throws: DatasetError.directoryNotFound(path: dir.path + "/valid")) { try ImageFolder.load(root: dir.path) }
    }

    @Test("bad arguments are rejected before touching the disk")
    func badArguments() throws {
        #expect(throws: DatasetError.self) { try ImageFolder.load(root: "/nonexistent", channels: 2) }
        #expect(throws: DatasetError.self) { try ImageFolder.load(root: "/nonexistent", size: (height: 0, width: 4)) }
        #expect(throws: DatasetError.invalidArgument("channels must be 1 (gray) or 3 (RGB), got 4")) {
            try DecodedImage.read(path: "/nonexistent.png", channels: 4)
        }
    }
}
