import Testing

@testable import Datasets

@Suite("Synthetic data")
struct SyntheticDataTests {
    @Test("shape, label range and class names")
    func shape() throws {
        let data = try SyntheticData.make(count: 50, channels: 3, height: 5, width: 7, classes: 4, seed: 1)
        #expect(data.count == 50)
        #expect(data.shape == [3, 5, 7])
        #expect(data.pixels.count == 50 * 3 * 5 * 7)
        #expect(data.labels.allSatisfy { (0..<4).contains($0) })
        #expect(Set(data.labels).count == 4)
        #expect(data.classes == ["class0", "class1", "class2", "class3"])
    }

    @Test("the seed fixes everything; another seed changes it")
    func deterministic() throws {
        let a = try SyntheticData.make(count: 20, channels: 1, height: 4, width: 4, classes: 3, seed: 9)
        let b = try SyntheticData.make(count: 20, channels: 1, height: 4, width: 4, classes: 3, seed: 9)
        let c = try SyntheticData.make(count: 20, channels: 1, height: 4, width: 4, classes: 3, seed: 10)
        #expect(a.pixels == b.pixels && a.labels == b.labels)
        #expect(a.pixels != c.pixels)
    }

    @Test("classes are learnable: nearest class mean beats chance by far on valid")
    func learnable() throws {
        let splits = try SyntheticData.splits(trainCount: 500, validCount: 200, channels: 1, height: 8, width: 8, classes: 5, seed: 4)
        let size = splits.train.imageSize
        var means = [Double](repeating: 0, count: 5 * size)
        var counts = [Double](repeating: 0, count: 5)
        for (n, label) in splits.train.labels.enumerated() {
            counts[Int(label)] += 1
            for i in 0..<size { means[Int(label) * size + i] += Double(splits.train.pixels[n * size + i]) }
        }
        for k in 0..<5 { for i in 0..<size { means[k * size + i] /= max(1, counts[k]) } }
        var correct = 0
        for (n, label) in splits.valid.labels.enumerated() {
            let distances = (0..<5).map { k in
                (0..<size).reduce(0.0) { sum, i in
                    let d = Double(splits.valid.pixels[n * size + i]) - means[k * size + i]
                    return sum + d * d
                }
            }
            if distances.firstIndex(of: distances.min()!) == Int(label) { correct += 1 }
        }
        #expect(Double(correct) / 200 > 0.9, "accuracy \(correct)/200")
    }

    @Test("bad sizes are rejected")
    func invalid() {
        #expect(throws: DatasetError.self) { try SyntheticData.make(count: 1, channels: 0, height: 1, width: 1, classes: 1, seed: 0) }
        #expect(throws: DatasetError.self) { try SyntheticData.make(count: 1, channels: 1, height: 1, width: 1, classes: 0, seed: 0) }
        #expect(throws: DatasetError.self) { try SyntheticData.make(count: -1, channels: 1, height: 1, width: 1, classes: 1, seed: 0) }
    }
}
