import Foundation
import Testing

@testable import Datasets

@Suite("JPEG decoding")
struct JPEGTests {
    @Test("pixels equal what PIL decodes with the same libjpeg-turbo", arguments: ImageFixture.names)
    func decodesLikePIL(name: String) throws {
        let fixture = try ImageFixture.load(name)
        let image = try DecodedImage.read(path: fixture.path)
        #expect(image.channels == fixture.channels && image.height == fixture.height && image.width == fixture.width)
        #expect(image.pixels == fixture.pixels)
    }

    @Test("gray from a colour JPEG is libjpeg's luma, as PIL's draft mode gives it",
          arguments: ImageFixture.names.filter { $0.hasPrefix("rgb") })
    func luma(name: String) throws {
        let fixture = try ImageFixture.load(name)
        let image = try DecodedImage.read(path: fixture.path, channels: 1)
        #expect(image.channels == 1)
        #expect(image.pixels == fixture.luma)
    }

    @Test("a gray JPEG read as RGB repeats the gray in all channels")
    func grayAsRGB() throws {
        let fixture = try ImageFixture.load("gray_9x13")
        let image = try DecodedImage.read(path: fixture.path, channels: 3)
        #expect(image.channels == 3)
        #expect(image.pixels == fixture.pixels + fixture.pixels + fixture.pixels)
    }

    @Test("the contents, not the name, pick the decoder")
    func recognisedByContent() throws {
        let dir = try TempDirectory()
        let fixture = try ImageFixture.load("rgb_9x13")
        let jpegNamedPNG = try dir.file("photo.png")
        try FileManager.default.copyItem(atPath: fixture.path, toPath: jpegNamedPNG)
        #expect(try DecodedImage.read(path: jpegNamedPNG).pixels == fixture.pixels)
        let pngNamedJPEG = try dir.file("scan.jpg")
        let gray = FixtureWriter.pattern(count: 12, seed: 3)
        try FixtureWriter.writePNG(pngNamedJPEG, width: 4, height: 3, channels: 1, hwc: gray)
        #expect(try DecodedImage.read(path: pngNamedJPEG).pixels == gray)
    }

    @Test("a CMYK JPEG is refused, naming the file")
    func cmyk() throws {
        let path = try ImageFixture.path("cmyk.jpg")
        let error = #expect(throws: DatasetError.self) { try DecodedImage.read(path: path) }
        guard case .unsupportedImage(let named, let reason) = error else {
            Issue.record("expected .unsupportedImage, got \(String(describing: error))")
            return
        }
        #expect(named == path)
        #expect(reason.contains("CMYK"))
        #expect(String(describing: error!).contains(path))
    }

    /// PIL refuses all of these too ("image file is truncated"): libjpeg alone would pad the
    /// missing rows with gray and only warn.
    @Test("a cut-off JPEG is corrupt, not a crash and not padded with gray",
          arguments: [("rgb_9x13.jpg", 100), ("rgb_9x13.jpg", -2), ("rgb_9x13.jpg", -10), ("rgb_progressive_7x10.jpg", -10)])
    func truncated(file: String, keep: Int) throws {
        let bytes = try FixtureWriter.bytes(of: try ImageFixture.path(file))
        let dir = try TempDirectory()
        let path = try dir.file("cut.jpg")
        try FixtureWriter.write(path, Array(bytes.prefix(keep > 0 ? keep : bytes.count + keep)), gzip: false)
        let error = #expect(throws: DatasetError.self) { try DecodedImage.read(path: path) }
        guard case .corruptImage(let named, let reason) = error else {
            Issue.record("expected .corruptImage, got \(String(describing: error))")
            return
        }
        #expect(named == path)
        #expect(!reason.isEmpty)
    }

    @Test("a broken header is corrupt; scrambled image data never crashes")
    func corruptData() throws {
        let bytes = try FixtureWriter.bytes(of: try ImageFixture.path("rgb_9x13.jpg"))
        let dir = try TempDirectory()
        // The frame header (SOF0, FF C0) with its component count zeroed.
        let sof = try #require((0..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        var header = bytes
        header[sof + 9] = 0
        let badHeader = try dir.file("header.jpg")
        try FixtureWriter.write(badHeader, header, gzip: false)
        #expect(throws: DatasetError.self) { try DecodedImage.read(path: badHeader) }
        // Every byte of the entropy-coded data flipped: libjpeg may decode garbage or fail, as
        // PIL does, but it must come back either way.
        var scrambled = bytes
        for i in (bytes.count / 2)..<(bytes.count - 2) { scrambled[i] ^= 0x5A }
        let scrambledPath = try dir.file("scrambled.jpg")
        try FixtureWriter.write(scrambledPath, scrambled, gzip: false)
        do {
            #expect(try DecodedImage.read(path: scrambledPath).pixels.count == 3 * 9 * 13)
        } catch let error as DatasetError {
            #expect(String(describing: error).contains(scrambledPath))
        }
    }

    @Test("files that are no PNG or JPEG say what they are", arguments: [
        ([UInt8](), "empty"),
        (Array("just some text".utf8), "neither PNG nor JPEG"),
        (Array("GIF89a".utf8) + [1, 0, 1, 0], "GIF"),
    ])
    func notAnImage(bytes: [UInt8], expected: String) throws {
        let dir = try TempDirectory()
        let path = try dir.file("image.jpg")
        try FixtureWriter.write(path, bytes, gzip: false)
        let error = #expect(throws: DatasetError.self) { try DecodedImage.read(path: path) }
        let text = String(describing: error!)
        #expect(text.hasPrefix(path))
        #expect(text.contains(expected), "\(text)")
    }

    @Test("a missing file is unreadable, naming it")
    func missing() throws {
        #expect(throws: DatasetError.unreadable(path: "/nonexistent/a.jpg", reason: "No such file or directory")) {
            try DecodedImage.read(path: "/nonexistent/a.jpg")
        }
    }
}
