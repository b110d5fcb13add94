import Foundation
import Testing

@testable import Datasets

@Suite("IDX data sets")
struct IDXDatasetTests {
    /// Writes an MNIST-layout folder: 3 train and 2 t10k images of 4×5, train gzip'd, t10k plain.
    static func writeDataset(in dir: String, trainLabels: [UInt8] = [2, 0, 1], validLabels: [UInt8] = [1, 1]) throws
        -> (train: [UInt8], valid: [UInt8])
    {
        let train = FixtureWriter.pattern(count: trainLabels.count * 20, seed: 3)
        let valid = FixtureWriter.pattern(count: validLabels.count * 20, seed: 4)
        let join = { (name: String) in (dir as NSString).appendingPathComponent(name) }
        try FixtureWriter.writeIDX(join("train-images-idx3-ubyte.gz"), magic: 0x803, dims: [trainLabels.count, 4, 5], payload: train, gzip: true)
        try FixtureWriter.writeIDX(join("train-labels-idx1-ubyte.gz"), magic: 0x801, dims: [trainLabels.count], payload: trainLabels, gzip: true)
        try FixtureWriter.writeIDX(join("t10k-images-idx3-ubyte"), magic: 0x803, dims: [validLabels.count, 4, 5], payload: valid, gzip: false)
        try FixtureWriter.writeIDX(join("t10k-labels-idx1-ubyte"), magic: 0x801, dims: [validLabels.count], payload: validLabels, gzip: false)
        return (train, valid)
    }

    @Test("loads train and t10k splits exactly, gzip'd and plain")
    func load() throws {
        let dir = try TempDirectory()
        let (train, valid) = try Self.writeDataset(in: dir.path)
        let splits = try IDXDataset.load(directory: dir.path)
        #expect(splits.train.count == 3 && splits.valid.count == 2)
        #expect(splits.train.shape == [1, 4, 5])
        #expect(splits.train.pixels == train)
        #expect(splits.valid.pixels == valid)
        #expect(splits.train.labels == [2, 0, 1])
        #expect(splits.valid.labels == [1, 1])
        #expect(splits.classes == IDXDataset.digitClasses)
    }

    @Test("class names: given, or Fashion-MNIST's for a folder named so")
    func classNames() throws {
        let dir = try TempDirectory()
        let fashion = try dir.folder("fashion-mnist")
        _ = try Self.writeDataset(in: fashion)
        #expect(try IDXDataset.load(directory: fashion).classes == IDXDataset.fashionMNISTClasses)
        #expect(try IDXDataset.load(directory: fashion, classes: ["a", "b", "c"]).classes == ["a", "b", "c"])
    }

    @Test("a missing folder is named")
    func missingDirectory() throws {
        let dir = try TempDirectory()
        let path = dir.path + "/absent"
        #expect(throws: DatasetError.directoryNotFound(path: path)) { try IDXDataset.load(directory: path) }
    }

    @Test("a missing file names both names tried")
    func missingFile() throws {
        let dir = try TempDirectory()
        _ = try Self.writeDataset(in: dir.path)
        try FileManager.default.removeItem(atPath: dir.path + "/t10k-labels-idx1-ubyte")
        let error = #expect(throws: DatasetError.self) { try IDXDataset.load(directory: dir.path) }
        #expect(error == .fileNotFound(path: dir.path + "/t10k-labels-idx1-ubyte(.gz)"))
    }

    @Test("images and labels counts must agree")
    func countMismatch() throws {
        let dir = try TempDirectory()
        _ = try Self.writeDataset(in: dir.path)
        try FixtureWriter.writeIDX(dir.path + "/t10k-labels-idx1-ubyte", magic: 0x801, dims: [3], payload: [0, 1, 2], gzip: false)
        #expect(throws: DatasetError.countMismatch(
            imagesPath: dir.path + "/t10k-images-idx3-ubyte", images: 2,
            labelsPath: dir.path + "/t10k-labels-idx1-ubyte", labels: 3)) { try IDXDataset.load(directory: dir.path) }
    }

    @Test("a label outside the classes is reported with its index")
    func labelOutOfRange() throws {
        let dir = try TempDirectory()
        _ = try Self.writeDataset(in: dir.path, trainLabels: [2, 10, 1])
        #expect(throws: DatasetError.labelOutOfRange(path: dir.path + "/train-labels-idx1-ubyte.gz", index: 1, label: 10, classes: 10)) {
            try IDXDataset.load(directory: dir.path)
        }
        #expect(throws: DatasetError.labelOutOfRange(path: dir.path + "/train-labels-idx1-ubyte.gz", index: 0, label: 2, classes: 2)) {
            try IDXDataset.load(directory: dir.path, classes: ["a", "b"])
        }
    }

    @Test("train and t10k images must have one size")
    func sizeMismatch() throws {
        let dir = try TempDirectory()
        _ = try Self.writeDataset(in: dir.path)
        try FixtureWriter.writeIDX(dir.path + "/t10k-images-idx3-ubyte", magic: 0x803, dims: [2, 5, 4],
                                   payload: FixtureWriter.pattern(count: 40, seed: 0), gzip: false)
        #expect(throws: DatasetError.sizeMismatch(path: dir.path + "/t10k-images-idx3-ubyte", expected: "1×4×5", found: "1×5×4")) {
            try IDXDataset.load(directory: dir.path)
        }
    }
}
