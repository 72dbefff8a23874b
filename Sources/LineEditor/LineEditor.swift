@preconcurrency import CEditLine
import Foundation
import Synchronization

/// What one read at the prompt gave.
public enum LineRead: Sendable, Equatable {
    /// A line (without its newline).
    case line(String)
    /// Ctrl-C at the prompt: the line is dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the end of input.
    case end
}

/// Line editing with history and completion, over libedit's readline API. libedit blocks and is
/// not thread-safe: every call goes through one serial queue, and this is the only type that
/// touches it.
public final class LineEditor: Sendable {
    private let queue = DispatchQueue(label: "rollout.line-editor")
    private let historyPath: String?

    /// The completer: given the whole line before the cursor and the word being completed,
    /// the candidates. Called on the editor's queue; it may block briefly.
    public typealias Completer = @Sendable (_ lineBeforeCursor: String, _ word: String) -> [String]

    /// Opens the editor: sets the locale so non-ASCII input works, reads the history file,
    /// installs the completer and a Ctrl-C handler that interrupts the read.
    public init(name: String, historyPath: String?, completer: @escaping Completer) {
        self.historyPath = historyPath
        queue.sync {
            if setlocale(LC_CTYPE, "") == nil || String(cString: setlocale(LC_CTYPE, nil)) == "C" {
                setlocale(LC_CTYPE, "C.UTF-8")
            }
            rl_readline_name = UnsafePointer(strdup(name))
            InterruptFlag.install()
            // Before libedit initializes (using_history does): reads go through poll() on stdin
            // and the interrupt pipe, so Ctrl-C ends a read whichever thread the signal hits.
            rl_getc_function = interruptibleGetc
            using_history()
            stifle_history(1000)
            if let historyPath { _ = read_history(historyPath) }
            completionState.withLock { $0 = completer }
            rl_attempted_completion_function = attemptCompletion
        }
    }

    /// Reads a line with the prompt, off the caller's thread.
    public func readLine(prompt: String) async -> LineRead {
        await withCheckedContinuation { continuation in
            queue.async {
                InterruptFlag.clear()
                let pointer = readline(prompt)
                guard let pointer else {
                    continuation.resume(returning: InterruptFlag.take() ? .interrupted : .end)
                    return
                }
                let line = String(cString: pointer)
                free(pointer)
                if InterruptFlag.take() {
                    continuation.resume(returning: .interrupted)
                } else {
                    continuation.resume(returning: .line(line))
                }
            }
        }
    }

    /// Adds a line to the history and saves the history file.
    public func remember(_ line: String) {
        queue.sync {
            add_history(line)
            if let historyPath { _ = write_history(historyPath) }
        }
    }

    /// Writes the history file.
    public func save() {
        queue.sync {
            if let historyPath { _ = write_history(historyPath) }
        }
    }

    /// Forgets a Ctrl-C.
    public static func clearInterrupt() { InterruptFlag.clear() }
}

/// The completer, read by the C callback (which cannot capture).
private let completionState = Mutex<LineEditor.Completer?>(nil)
private let candidates = Mutex<[String]>([])

private func attemptCompletion(
    _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    let word = text.map { String(cString: $0) } ?? ""
    let buffer = rl_line_buffer.map { String(cString: $0) } ?? ""
    let before = String(buffer.utf8.prefix(Int(start))) ?? ""
    let found = completionState.withLock { $0 }?(before, word) ?? []
    candidates.withLock { $0 = found.filter { $0.hasPrefix(word) } }
    rl_attempted_completion_over = 1
    return rl_completion_matches(text, generateCompletion)
}

private func generateCompletion(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    let list = candidates.withLock { $0 }
    guard Int(state) < list.count else { return nil }
    return strdup(list[Int(state)])
}

/// Ctrl-C as a flag, and a byte on a pipe so a read waiting in `poll` wakes up.
enum InterruptFlag {
    private static let flag = Atomic<Bool>(false)
    private static let pipeWrite = Atomic<Int32>(-1)
    static let pipeRead = Atomic<Int32>(-1)

    static func install() {
        if pipeRead.load(ordering: .relaxed) < 0 {
            var fds: [Int32] = [0, 0]
            if pipe(&fds) == 0 {
                _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
                _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
                pipeRead.store(fds[0], ordering: .relaxed)
                pipeWrite.store(fds[1], ordering: .relaxed)
            }
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            InterruptFlag.set()
            var byte: UInt8 = 1
            _ = write(InterruptFlag.pipeWrite.load(ordering: .relaxed), &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    static func set() { flag.store(true, ordering: .relaxed) }
    static func clear() {
        flag.store(false, ordering: .relaxed)
        drainPipe()
    }
    static func peek() -> Bool { flag.load(ordering: .relaxed) }
    static func take() -> Bool { flag.exchange(false, ordering: .relaxed) }

    static func drainPipe() {
        var buffer = [UInt8](repeating: 0, count: 64)
        let fd = pipeRead.load(ordering: .relaxed)
        guard fd >= 0 else { return }
        while read(fd, &buffer, buffer.count) > 0 {}
    }
}

/// libedit's read: one Unicode scalar from stdin (decoded from UTF-8, since libedit takes the
/// value as a wide character), or EOF when Ctrl-C arrives or input ends.
private func interruptibleGetc(_ file: UnsafeMutablePointer<FILE>?) -> Int32 {
    guard let lead = readByte() else { return EOF }
    let length: Int
    switch lead {
    case 0..<0x80: return Int32(lead)
    case 0xC0..<0xE0: length = 1
    case 0xE0..<0xF0: length = 2
    case 0xF0..<0xF8: length = 3
    default: return Int32(0xFFFD)
    }
    var scalar = UInt32(lead) & (0x3F >> length)
    for _ in 0..<length {
        guard let next = readByte() else { return EOF }
        scalar = scalar << 6 | UInt32(next & 0x3F)
    }
    return Int32(bitPattern: scalar)
}

/// One byte from stdin, waiting in poll() beside the interrupt pipe; nil on Ctrl-C or EOF.
private func readByte() -> UInt8? {
    let pipe = InterruptFlag.pipeRead.load(ordering: .relaxed)
    var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: pipe, events: Int16(POLLIN), revents: 0)]
    while true {
        if InterruptFlag.peek() { return nil }
        let ready = poll(&fds, pipe >= 0 ? 2 : 1, -1)
        if ready < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if pipe >= 0, fds[1].revents != 0 { return nil }
        if fds[0].revents != 0 {
            var byte: UInt8 = 0
            let count = read(0, &byte, 1)
            if count == 1 { return byte }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }
}

/// Ctrl-C handling for runs without a prompt: the same flag, so a script's task can be cancelled.
public enum Interrupts {
    /// Installs the Ctrl-C handler.
    public static func install() { InterruptFlag.install() }
    /// True once Ctrl-C was pressed (and clears it).
    public static func take() -> Bool { InterruptFlag.take() }
}
