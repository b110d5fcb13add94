import Foundation
import Testing

@testable import Datasets

@Suite("IDX files")
struct IDXFileTests {
    let payload = FixtureWriter.pattern(count: 3 * 4 * 5, seed: 1)

    @Test("reads a plain images file exactly")
    func plain() throws {
        let dir = try TempDirectory()
        let path = try dir.file("images-idx3-ubyte")
        try FixtureWriter.writeIDX(path, magic: 0x803, dims: [3, 4, 5], payload: payload, gzip: false)
        let file = try IDXFile.read(path: path, kind: .images)
        #expect(file.dimensions == [3, 4, 5])
        #expect(file.bytes == payload)
        #expect(file.path == path)
    }

    @Test("inflates a gzip file, whatever its name")
    func gzip() throws {
        let dir = try TempDirectory()
        // No .gz suffix on purpose: zlib recognises the stream, not the name.
        let path = try dir.file("images-no-suffix")
        try FixtureWriter.writeIDX(path, magic: 0x803, dims: [3, 4, 5], payload: payload, gzip: true)
        let raw = try FixtureWriter.bytes(of: path)
        #expect(Array(raw.prefix(2)) == [0x1F, 0x8B], "fixture must really be gzip")
        let file = try IDXFile.read(path: path, kind: .images)
        #expect(file.dimensions == [3, 4, 5])
        #expect(file.bytes == payload)
    }

    @Test("reads a labels file")
    func labels() throws {
        let dir = try TempDirectory()
        let path = try dir.file("labels.gz")
        try FixtureWriter.writeIDX(path, magic: 0x801, dims: [4], payload: [3, 1, 4, 1], gzip: true)
        let file = try IDXFile.read(path: path, kind: .labels)
        #expect(file.dimensions == [4])
        #expect(file.bytes == [3, 1, 4, 1])
    }

    @Test("a missing file names its path")
    func missing() throws {
        let dir = try TempDirectory()
        let path = try dir.file("nothing-here")
        #expect(throws: DatasetError.fileNotFound(path: path)) { try IDXFile.read(path: path, kind: .images) }
    }

    @Test("a wrong magic number says what was expected and found", arguments: [false, true])
    func badMagic(gzip: Bool) throws {
        let dir = try TempDirectory()
        let path = try dir.file("labels-as-images")
        try FixtureWriter.writeIDX(path, magic: 0x801, dims: [4], payload: [0, 1, 2, 3], gzip: gzip)
        let error = #expect(throws: DatasetError.self) { try IDXFile.read(path: path, kind: .images) }
        #expect(error == .badMagic(path: path, expected: 0x803, found: 0x801))
        let text = String(describing: error!)
        #expect(text.contains(path) && text.contains("0x00000803") && text.contains("0x00000801"))
    }

    @Test("a short plain file reports expected and actual byte counts")
    func truncatedPlain() throws {
        let dir = try TempDirectory()
        let path = try dir.file("short")
        // Header promises 16 + 60 = 76 bytes; write 16 + 10.
        try FixtureWriter.writeIDX(path, magic: 0x803, dims: [3, 4, 5], payload: Array(payload.prefix(10)), gzip: false)
        let error = #expect(throws: DatasetError.self) { try IDXFile.read(path: path, kind: .images) }
        #expect(error == .truncated(path: path, expectedBytes: 76, actualBytes: 26))
        #expect(String(describing: error!).contains("76") && String(describing: error!).contains("26"))
    }

    @Test("a file shorter than its header is truncated too")
    func truncatedHeader() throws {
        let dir = try TempDirectory()
        let path = try dir.file("tiny")
        try FixtureWriter.write(path, [0, 0, 8, 3, 0, 0], gzip: false)
        #expect(throws: DatasetError.truncated(path: path, expectedBytes: 16, actualBytes: 6)) {
            try IDXFile.read(path: path, kind: .images)
        }
    }

    @Test("a gzip stream cut short reads as truncated, not as a crash")
    func truncatedGzip() throws {
        let dir = try TempDirectory()
        let path = try dir.file("cut.gz")
        let big = FixtureWriter.pattern(count: 100 * 28 * 28, seed: 7)
        try FixtureWriter.writeIDX(path, magic: 0x803, dims: [100, 28, 28], payload: big, gzip: true)
        let raw = try FixtureWriter.bytes(of: path)
        try FixtureWriter.write(path, Array(raw.prefix(raw.count / 2)), gzip: false)
        let error = #expect(throws: DatasetError.self) { try IDXFile.read(path: path, kind: .images) }
        guard case .truncated(let p, let expected, let actual) = error else {
            Issue.record("expected .truncated, got \(String(describing: error))")
            return
        }
        #expect(p == path)
        #expect(expected == 16 + big.count)
        #expect(actual < expected)
    }

    @Test("bytes after the payload are reported")
    func trailing() throws {
        let dir = try TempDirectory()
        let path = try dir.file("long")
        try FixtureWriter.writeIDX(path, magic: 0x801, dims: [2], payload: [1, 2, 3, 4, 5], gzip: true)
        #expect(throws: DatasetError.trailingBytes(path: path, expectedBytes: 10, actualBytes: 13)) {
            try IDXFile.read(path: path, kind: .labels)
        }
    }

    @Test("a corrupt header with huge sizes fails as truncated without allocating them")
    func hugeHeader() throws {
        let dir = try TempDirectory()
        let path = try dir.file("huge")
        try FixtureWriter.writeIDX(path, magic: 0x803, dims: [60000, 60000, 60000], payload: [1, 2, 3], gzip: false)
        #expect(throws: DatasetError.truncated(path: path, expectedBytes: 16 + 60000 * 60000 * 60000, actualBytes: 19)) {
            try IDXFile.read(path: path, kind: .images)
        }
    }
}
