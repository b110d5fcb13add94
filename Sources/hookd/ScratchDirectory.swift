import Foundation

/// A private directory under the system's temporary directory (`TMPDIR`), for files a command
/// needs only while it runs.
struct ScratchDirectory {
    let url: URL

    /// Creates `<tmp>/<prefix><random>`, readable by this user only.
    init(prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent(prefix + UUID().uuidString, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    }

    /// Deletes the directory and everything in it.
    func remove() { try? FileManager.default.removeItem(at: url) }
}
