import Foundation
import Testing

/// `hookd train` streams an image folder: its memory follows the batches in flight, not the
/// number of files.
@Suite("hookd train streams image folders")
struct StreamingMemoryTests {
    /// `count` training JPEGs (copies of a 9×13 fixture, each resized to 128² = 48 KiB decoded)
    /// in two classes, and two validation ones.
    static func writeFolder(in dir: Scratch, count: Int) throws -> String {
        let source = try Data(contentsOf: ImageFolderTrainTests.fixtures.appendingPathComponent("rgb_9x13.jpg"))
        for (split, perClass) in [("train", count / 2), ("valid", 1)] {
            for label in ["cat", "dog"] {
                let folder = dir.url.appendingPathComponent("images/\(split)/\(label)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for i in 0..<perClass { try source.write(to: folder.appendingPathComponent("\(i).jpg")) }
            }
        }
        return dir.path("images")
    }

    /// The peak resident memory (VmHWM) of one `hookd train` epoch over `count` images,
    /// sampled from /proc while it runs; VmHWM only grows, so the last sample is the peak.
    static func peakKiB(count: Int) throws -> Int {
        let dir = try Scratch()
        let folder = try writeFolder(in: dir, count: count)
        let spec = try dir.write("spec.json", """
            {"name": "stream", "model": {"arch": "simple_cnn", "channels": [3, 4, 2], "strides": [4, 4]},
             "data": {"format": "image_folder", "path": "\(folder)", "size": [128, 128], "normalize": "imagenet", "workers": 2},
             "train": {"epochs": 1, "batch_size": 32, "threads": 1}}
            """)
        let process = try HookdProcess.start(["train", spec, "--db", dir.path("stats.sqlite")])
        var peak = 0
        while process.isRunning {
            if let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
               let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
                peak = max(peak, kib)
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "hookd train over \(count) images")
        return peak
    }

    @Test func peakMemoryGrowsUnderTenPercentWhenTheFolderGrowsFourfold() throws {
        // 400 images decoded would be 19 MB; 1,600 would be 79 MB, far more than 10% of the process.
        let small = try Self.peakKiB(count: 400)
        let large = try Self.peakKiB(count: 1600)
        print("peak RSS: \(small) KiB for 400 images, \(large) KiB for 1600 (\(String(format: "%+.1f", 100 * Double(large - small) / Double(small)))%)")
        #expect(small > 0)
        #expect(Double(large) < 1.1 * Double(small), "\(small) KiB for 400 images, \(large) KiB for 1600")
    }
}
