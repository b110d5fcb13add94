import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes whole files so that readers and crashes see either the old content or the new.
public enum AtomicFile {
    /// Writes `data` to a temporary file beside `url`, fsyncs it, renames it over `url`, and
    /// fsyncs the directory so the rename itself survives a power loss.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent().path
        let temporary = url.path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw posixError("open \(temporary)") }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    let error = posixError("write \(temporary)")
                    close(fd)
                    throw error
                }
                offset += n
            }
        }
        guard fsync(fd) == 0 else {
            let error = posixError("fsync \(temporary)")
            close(fd)
            throw error
        }
        close(fd)
        guard rename(temporary, url.path) == 0 else { throw posixError("rename to \(url.path)") }
        ok = true
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
    }

    private static func posixError(_ what: String) -> TorchError {
        TorchError("file", "\(what): \(String(cString: strerror(errno)))")
    }
}
