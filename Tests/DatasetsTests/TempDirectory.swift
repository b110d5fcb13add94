import Foundation

/// A fresh folder under the system temp directory, removed when the value goes away.
final class TempDirectory {
    let path: String

    init() throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("hookd-datasets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/component`, creating intermediate folders for it.
    func file(_ component: String) throws -> String {
        let full = (path as NSString).appendingPathComponent(component)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        return full
    }

    /// Creates `path/component` as an (empty) folder and returns it.
    func folder(_ component: String) throws -> String {
        let full = (path as NSString).appendingPathComponent(component)
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        return full
    }
}
