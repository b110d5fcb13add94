import Foundation
import Testing

/// One oracle case of `Fixtures/`, written by `scripts/make_image_fixtures.py`: a JPEG, the
/// pixels PIL decodes from it, and what torch's bilinear `interpolate` makes of those pixels.
struct ImageFixture {
    /// `F.interpolate(x, size, mode="bilinear", align_corners=False)` of the float pixels.
    struct Resize {
        let height: Int
        let width: Int
        /// C×H×W float32 values.
        let values: [Float]
        /// `values` rounded half to even to uint8.
        let bytes: [UInt8]
    }

    /// The cases with pixels (cmyk.jpg has none: hookd refuses it).
    static let names = ["gray_9x13", "rgb_9x13", "rgb_progressive_7x10", "rgb_444_6x5"]

    let name: String
    /// The JPEG inside the test bundle.
    let path: String
    let channels: Int
    let height: Int
    let width: Int
    /// What PIL decodes, C×H×W.
    let pixels: [UInt8]
    /// RGB cases: PIL's `draft("L")`, libjpeg's own gray output.
    let luma: [UInt8]?
    let resized: [Resize]

    /// The file `name` (with extension) of the bundle's `Fixtures/`.
    static func path(_ name: String) throws -> String {
        let url = try #require(
            Bundle.module.url(forResource: (name as NSString).deletingPathExtension,
                              withExtension: (name as NSString).pathExtension, subdirectory: "Fixtures"),
            "fixture \(name) is not in the test bundle")
        return url.path
    }

    static func load(_ name: String) throws -> ImageFixture {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path(name + ".json")))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let bytes = { (key: String, object: [String: Any]) throws -> [UInt8] in
            try #require(object[key] as? [Int], "\(name).json: \(key)").map { UInt8($0) }
        }
        var resized = [Resize]()
        for item in try #require(root["resized"] as? [[String: Any]], "\(name).json: resized") {
            let size = try #require(item["size"] as? [Int], "\(name).json: size")
            // Float32 values written as shortest-repr doubles: Float(Double) restores them exactly.
            let values = try #require((item["values"] as? [NSNumber])?.map { Float($0.doubleValue) })
            resized.append(Resize(height: size[0], width: size[1], values: values, bytes: try bytes("bytes", item)))
        }
        return ImageFixture(
            name: name,
            path: try path(try #require(root["file"] as? String)),
            channels: root["mode"] as? String == "L" ? 1 : 3,
            height: try #require(root["height"] as? Int),
            width: try #require(root["width"] as? Int),
            pixels: try bytes("pixels", root),
            luma: root["luma"] == nil ? nil : try bytes("luma", root),
            resized: resized)
    }
}
