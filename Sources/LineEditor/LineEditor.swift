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
            using_history()
            stifle_history(1000)
            if let historyPath { _ = read_history(historyPath) }
            completionState.withLock { $0 = completer }
            rl_attempted_completion_function = attemptCompletion
            InterruptFlag.install()
        }
    }

    /// Reads a line with the prompt, off the caller's thread.
    public func readLine(prompt: String) async -> LineRead {
        await withCheckedContinuation { continuation in
            queue.async {
                InterruptFlag.clear()
                guard let pointer = readline(prompt) else {
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

    /// True once Ctrl-C was pressed since the last `clearInterrupt()`.
    public static var interruptPending: Bool { InterruptFlag.peek() }

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

/// Ctrl-C as a flag: a `sigaction` handler without `SA_RESTART`, so a blocked read returns.
enum InterruptFlag {
    private static let flag = Atomic<Bool>(false)

    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in InterruptFlag.set() }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    static func set() { flag.store(true, ordering: .relaxed) }
    static func clear() { flag.store(false, ordering: .relaxed) }
    static func peek() -> Bool { flag.load(ordering: .relaxed) }
    static func take() -> Bool { flag.exchange(false, ordering: .relaxed) }
}

/// Ctrl-C handling for runs without a prompt: the same flag, so a script's task can be cancelled.
public enum Interrupts {
    /// Installs the Ctrl-C handler.
    public static func install() { InterruptFlag.install() }
    /// True once Ctrl-C was pressed (and clears it).
    public static func take() -> Bool { InterruptFlag.take() }
}
