import Foundation

/// Writes a tiny, valid MNIST-layout data set (plain IDX files) for tests.
enum IDXWriter {
    static func write(images: Int, side: Int, to directory: String) throws {
        for split in ["train", "t10k"] {
            var pixels = header(0x0000_0803, [images, side, side])
            pixels.append(contentsOf: (0..<(images * side * side)).map { UInt8($0 % 256) })
            try pixels.write(to: URL(fileURLWithPath: "\(directory)/\(split)-images-idx3-ubyte"))
            var labels = header(0x0000_0801, [images])
            labels.append(contentsOf: (0..<images).map { UInt8($0 % 10) })
            try labels.write(to: URL(fileURLWithPath: "\(directory)/\(split)-labels-idx1-ubyte"))
        }
    }

    private static func header(_ magic: UInt32, _ dims: [Int]) -> Data {
        var data = Data()
        for value in [magic] + dims.map(UInt32.init) { withUnsafeBytes(of: value.bigEndian) { data.append(contentsOf: $0) } }
        return data
    }
}
