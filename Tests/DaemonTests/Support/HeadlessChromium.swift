import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Debian's `chromium`, headless, driven over the DevTools protocol on a pipe, in real time.
///
/// `--remote-debugging-pipe` makes the browser read commands on its fd 3 and write answers and
/// events on its fd 4, each one JSON text ended by a NUL byte. posix_spawn's file actions put our
/// pipe ends there. Every wait is bounded: a call that gets no answer in time throws.
final class HeadlessChromium {
    static let binary = "/usr/bin/chromium"
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    struct Failure: Error, CustomStringConvertible { let description: String }

    let pid: pid_t
    private let commands: Int32
    private let answers: Int32
    private let profile: TempDirectory
    private var nextID = 0
    private var pending: [UInt8] = []
    /// Console messages and uncaught exceptions of the pages, for failure messages.
    private(set) var console: [String] = []
    /// What a page's `prompt()` is answered with; nil dismisses it.
    var promptAnswer: String?
    /// The messages of the dialogs pages opened, in order.
    private(set) var prompts: [String] = []
    /// Where the browser's stderr goes.
    let logPath: String

    init(windowWidth: Int = 1400, windowHeight: Int = 1800) throws {
        // A write to a pipe whose reader died must fail, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        profile = try TempDirectory()
        logPath = profile.path("chromium.log")
        var toBrowser: [Int32] = [0, 0], fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else {
            throw Failure(description: "pipe: \(String(cString: strerror(errno)))")
        }
        // Our ends stay ours: no other child (a daemon, another browser) inherits them.
        _ = fcntl(toBrowser[1], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fromBrowser[0], F_SETFD, FD_CLOEXEC)
        // Above fd 4, so dup2 to 3 and 4 always makes a copy (which drops O_CLOEXEC).
        let browserReads = fcntl(toBrowser[0], F_DUPFD_CLOEXEC, 10), browserWrites = fcntl(fromBrowser[1], F_DUPFD_CLOEXEC, 10)
        close(toBrowser[0])
        close(fromBrowser[1])
        commands = toBrowser[1]
        answers = fromBrowser[0]
        defer {
            close(browserReads)
            close(browserWrites)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, browserReads, 3)
        posix_spawn_file_actions_adddup2(&actions, browserWrites, 4)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var arguments = [
            Self.binary, "--headless", "--remote-debugging-pipe", "--user-data-dir=\(profile.path("profile"))",
            "--window-size=\(windowWidth),\(windowHeight)", "--hide-scrollbars", "--disable-gpu",
            "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "about:blank",
        ]
        // Chromium refuses to run as root with its sandbox on (test machines and CI run as root).
        if geteuid() == 0 { arguments.insert("--no-sandbox", at: 1) }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, Self.binary, &actions, nil, argv, environ)
        guard status == 0 else {
            close(commands)
            close(answers)
            throw Failure(description: "posix_spawn \(Self.binary): \(String(cString: strerror(status)))")
        }
        pid = child
    }

    /// Sends one command and returns its `result`; events that arrive meanwhile are handled by
    /// `handle(event:)`.
    ///
    /// - Throws: the protocol's error, or `Failure` when no answer comes within `timeout`.
    @discardableResult
    func call(_ method: String, _ params: [String: Any] = [:], session: String? = nil,
              timeout: TimeInterval = 30) throws -> [String: Any] {
        let id = try send(method, params, session: session)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            guard let answer = try nextMessage(until: deadline) else {
                throw Failure(description: "\(method): no answer within \(timeout) s (log: \(log))")
            }
            if answer["id"] as? Int == id {
                if let error = answer["error"] as? [String: Any] {
                    throw Failure(description: "\(method): \(error["message"] ?? error)")
                }
                return answer["result"] as? [String: Any] ?? [:]
            }
            try handle(event: answer)
        }
    }

    /// Writes one command; returns its id without waiting for the answer.
    private func send(_ method: String, _ params: [String: Any], session: String?) throws -> Int {
        nextID += 1
        var message: [String: Any] = ["id": nextID, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(description: "\(method): the browser closed its pipe (log: \(log))") }
            sent += n
        }
        return nextID
    }

    /// Reads until one whole message is buffered; nil once `deadline` passes first.
    private func nextMessage(until deadline: Date) throws -> [String: Any]? {
        while true {
            if let end = pending.firstIndex(of: 0) {
                let text = Data(pending[..<end])
                pending.removeSubrange(...end)
                return try JSONSerialization.jsonObject(with: text) as? [String: Any] ?? [:]
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return nil }
            var descriptor = pollfd(fd: answers, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(left, 1) * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = read(answers, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(description: "the browser exited (log: \(log))") }
            pending += chunk[..<n]
        }
    }

    /// Keeps console lines, and answers `prompt()` dialogs with `promptAnswer` (a page blocked on
    /// a dialog would answer no other command).
    private func handle(event: [String: Any]) throws {
        let params = event["params"] as? [String: Any] ?? [:]
        switch event["method"] as? String {
        case "Page.javascriptDialogOpening":
            prompts.append(params["message"] as? String ?? "")
            _ = try send("Page.handleJavaScriptDialog", ["accept": promptAnswer != nil, "promptText": promptAnswer ?? ""],
                         session: event["sessionId"] as? String)
        case "Runtime.consoleAPICalled":
            let args = (params["args"] as? [[String: Any]] ?? []).map { "\($0["value"] ?? $0["description"] ?? "")" }
            console.append("console.\(params["type"] ?? ""): \(args.joined(separator: " "))")
        case "Runtime.exceptionThrown":
            let details = params["exceptionDetails"] as? [String: Any] ?? [:]
            let exception = details["exception"] as? [String: Any] ?? [:]
            console.append("exception: \(exception["description"] ?? details["text"] ?? "")")
        case "Log.entryAdded":
            let entry = params["entry"] as? [String: Any] ?? [:]
            console.append("log.\(entry["level"] ?? ""): \(entry["text"] ?? "")")
        default: break
        }
        if console.count > 200 { console.removeFirst(console.count - 200) }
    }

    /// The browser's stderr so far (its last 2000 characters).
    var log: String { String(((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").suffix(2000)) }

    /// Asks the browser to quit, then makes sure it did (bounded), and removes its profile.
    func quit() {
        _ = try? call("Browser.close", timeout: 5)
        let deadline = Date().addingTimeInterval(10)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            usleep(50_000)
        }
        close(commands)
        close(answers)
        profile.remove()
    }
}
