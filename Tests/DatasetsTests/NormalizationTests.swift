import Testing

@testable import Datasets

@Suite("Normalization")
struct NormalizationTests {
    @Test("population mean and std per channel, in [0, 1] units")
    func perChannel() throws {
        // Two RGB images of 1×2: R is {0, 255, 0, 255}, G is constant 51, B is {0, 0, 0, 255}.
        let pixels: [UInt8] = [0, 255, 51, 51, 0, 0, 0, 255, 51, 51, 0, 255]
        let images = try LabeledImages(channels: 3, height: 1, width: 2, pixels: pixels, labels: [0, 0], classes: ["x"])
        let n = try Normalization(computedOver: images)
        #expect(n.channels == 3)
        #expect(abs(n.mean[0] - 0.5) < 1e-6 && abs(n.std[0] - 0.5) < 1e-6)
        #expect(abs(n.mean[1] - 0.2) < 1e-6)
        // A constant channel has std 0, kept as 1 so normalising does not divide by zero.
        #expect(n.std[1] == 1)
        #expect(abs(n.mean[2] - 0.25) < 1e-6 && abs(n.std[2] - Float(0.1875).squareRoot()) < 1e-6)
    }

    @Test("scale and bias reproduce (x/255 - mean)/std")
    func scaleAndBias() {
        let n = Normalization(mean: [0.2860], std: [0.3530])
        let (scale, bias) = n.scaleAndBias()
        for x in [0, 1, 128, 255] {
            let expected = (Float(x) / 255 - 0.2860) / 0.3530
            #expect(abs(Float(x) * scale[0] + bias[0] - expected) < 1e-5)
        }
        #expect(Normalization.identity(channels: 2) == Normalization(mean: [0, 0], std: [1, 1]))
    }

    @Test("LabeledImages rejects inconsistent sizes and labels")
    func validation() {
        #expect(throws: DatasetError.self) {
            try LabeledImages(channels: 1, height: 2, width: 2, pixels: [1, 2, 3], labels: [0], classes: ["a"])
        }
        #expect(throws: DatasetError.self) {
            try LabeledImages(channels: 1, height: 1, width: 1, pixels: [1], labels: [1], classes: ["a"])
        }
        #expect(throws: DatasetError.self) {
            try LabeledImages(channels: 0, height: 1, width: 1, pixels: [], labels: [], classes: ["a"])
        }
    }
}
