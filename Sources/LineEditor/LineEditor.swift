@preconcurrency import CEditLine
import Foundation
import Synchronization

/// What one read at the prompt gave.
public enum LineRead: Sendable, Equatable {
    /// A line (without its newline).
    case line(String)
    /// Ctrl-X Ctrl-E: the line as typed so far, to be edited in the user's editor.
    case edit(String)
    /// Ctrl-C at the prompt: the line is dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the end of input.
    case end
}

/// Line editing with history, completion and a hint at the right of the line, over libedit's own
/// API (its readline emulation has no right-hand prompt). libedit blocks and is not thread-safe:
/// every call goes through one serial queue, and this is the only type that touches it.
public final class LineEditor: Sendable {
    private let queue = DispatchQueue(label: "rollout.line-editor")
    private let historyPath: String?
    private nonisolated(unsafe) let editLine: OpaquePointer
    private nonisolated(unsafe) let history: OpaquePointer

    /// The completer: given the whole line before the word being completed, and that word, the
    /// candidates. Called on the editor's queue; it may block briefly.
    public typealias Completer = @Sendable (_ lineBeforeWord: String, _ word: String) -> [String]

    /// The hinter: given the line before the cursor, the hint shown at the right of the line, if
    /// any. Called at each key, so it must not block.
    public typealias Hinter = @Sendable (_ lineBeforeCursor: String) -> String?

    /// Opens the editor: sets the locale so non-ASCII input works, reads the history file,
    /// installs the completer, the hinter, Ctrl-X Ctrl-E and a Ctrl-C handler that interrupts the
    /// read; then reads `~/.editrc`, so that a user's own bindings win.
    public init(name: String, historyPath: String?, completer: @escaping Completer, hinter: Hinter? = nil) {
        self.historyPath = historyPath
        if setlocale(LC_CTYPE, "") == nil || String(cString: setlocale(LC_CTYPE, nil)) == "C" {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
        InterruptFlag.install()
        editLine = el_init(name, stdin, stdout, stderr)
        history = history_init()
        callbacks.withLock { $0 = Callbacks(completer: completer, hinter: hinter) }
        rollout_history_size(history, 1000)
        rollout_history_unique(history, 1)
        if let historyPath { rollout_history_load(history, historyPath) }
        rollout_el_editor(editLine, "emacs")
        rollout_el_signal(editLine, 1)
        rollout_el_history(editLine, history)
        rollout_el_prompt(editLine, currentPrompt)
        // Reads go through poll() on stdin and the interrupt pipe, so Ctrl-C ends a read whichever
        // thread the signal hits.
        rollout_el_getc(editLine, interruptibleGetc)
        // Ctrl-R searches history backwards, as in readline (libedit's own emacs keys redraw on it).
        rollout_el_bind(editLine, "^R", "em-inc-search-prev")
        rollout_el_function(editLine, "rollout-complete", "complete the word", completeWord)
        rollout_el_bind(editLine, "^I", "rollout-complete")
        rollout_el_function(editLine, "rollout-edit", "edit the line in $VISUAL or $EDITOR", requestEdit)
        rollout_el_bind(editLine, "^X^E", "rollout-edit")
        if hinter != nil {
            rollout_el_rprompt(editLine, rightPrompt)
            // Typing at the end of the line takes libedit's fast path, which leaves the right-hand
            // prompt as it was: when the hint would change, the next read gives this key first.
            rollout_el_function(editLine, "rollout-hint", "redraw with the hint", redrawHint)
            rollout_el_bind(editLine, "^_", "rollout-hint")
        }
        el_source(editLine, nil)
    }

    deinit {
        el_end(editLine)
        history_end(history)
    }

    /// Reads a line with the prompt, off the caller's thread.
    public func readLine(prompt: String) async -> LineRead {
        await withCheckedContinuation { continuation in
            queue.async {
                InterruptFlag.clear()
                editWanted.store(false, ordering: .relaxed)
                promptText.withLock { text in
                    free(text)
                    text = strdup(prompt)
                }
                var count: Int32 = 0
                let pointer = el_gets(self.editLine, &count)
                if InterruptFlag.take() { return continuation.resume(returning: .interrupted) }
                var line = pointer.map { String(cString: $0) } ?? ""
                if line.hasSuffix("\n") { line.removeLast() }
                // Ctrl-X Ctrl-E ends the read where it is, on an empty line too, and leaves the
                // cursor on that line.
                let edit = editWanted.exchange(false, ordering: .relaxed)
                eraseHint(after: prompt + line, onTheLine: edit)
                if edit {
                    fputs("\n", stdout)
                    fflush(stdout)
                    return continuation.resume(returning: .edit(editedLine.withLock { $0 }))
                }
                guard pointer != nil, count > 0 else { return continuation.resume(returning: .end) }
                continuation.resume(returning: .line(line))
            }
        }
    }

    /// Adds a line to the history and saves the history file.
    public func remember(_ line: String) {
        queue.sync {
            rollout_history_enter(history, line)
            if let historyPath { rollout_history_save(history, historyPath) }
        }
    }

    /// Writes the history file.
    public func save() {
        queue.sync {
            if let historyPath { rollout_history_save(history, historyPath) }
        }
    }

    /// Forgets a Ctrl-C.
    public static func clearInterrupt() { InterruptFlag.clear() }
}

/// What the C callbacks (which cannot capture) read.
private struct Callbacks: Sendable {
    var completer: LineEditor.Completer
    var hinter: LineEditor.Hinter?
}

private let callbacks = Mutex<Callbacks?>(nil)
private let editWanted = Atomic<Bool>(false)
private let editedLine = Mutex("")

// The prompt and the hint as C strings that stay valid until the next one replaces them, as
// libedit reads them after the callback returns.
private let promptText = Mutex<UnsafeMutablePointer<CChar>?>(nil)
private let hintText = Mutex<UnsafeMutablePointer<CChar>?>(nil)

private func currentPrompt(_ editLine: OpaquePointer?) -> UnsafeMutablePointer<CChar>? {
    promptText.withLock { $0 }
}

/// The line from its start to the cursor.
private func lineBeforeCursor(_ editLine: OpaquePointer?) -> String {
    guard let editLine, let info = el_wline(editLine)?.pointee, let start = info.buffer, let cursor = info.cursor else { return "" }
    return wideText(start, cursor)
}

/// libedit's wide characters from `start` up to `end`, as a string.
private func wideText(_ start: UnsafePointer<wchar_t>, _ end: UnsafePointer<wchar_t>) -> String {
    var text = String.UnicodeScalarView()
    text.append(contentsOf: UnsafeBufferPointer(start: start, count: end - start).compactMap { Unicode.Scalar(UInt32(bitPattern: $0)) })
    return String(text)
}

private func rightPrompt(_ editLine: OpaquePointer?) -> UnsafeMutablePointer<CChar>? {
    let state = callbacks.withLock { $0 }
    var hint = state?.hinter?(lineBeforeCursor(editLine)) ?? ""
    lastHint.withLock { $0 = hint }
    // libedit leaves out a right-hand prompt that does not fit beside the line: cut it to fit.
    if let columns = Terminal.size()?.columns, let editLine, let info = el_wline(editLine)?.pointee,
        let start = info.buffer, let end = info.lastchar
    {
        let used = (promptText.withLock { $0.map { String(cString: $0).count } } ?? 0) + (end - start)
        let room = columns - used - 3
        if hint.count > room { hint = room < 12 ? "" : String(hint.prefix(room - 1)) + "…" }
    }
    return hintText.withLock { text in
        free(text)
        text = strdup(hint)
        return text
    }
}

/// Takes the hint off the line just entered (libedit leaves it there, under the output that follows),
/// clearing what follows the typed text on that row. Only a line on one row shows a hint.
private func eraseHint(after typed: String, onTheLine: Bool) {
    let shown = hintText.withLock { text in
        defer { free(text); text = nil }
        return text.map { String(cString: $0).isEmpty == false } ?? false
    }
    guard shown, !typed.contains("\n") else { return }
    let clear = "\u{1B}[\(typed.count + 1)G\u{1B}[K"
    fputs(onTheLine ? clear : "\u{1B}[1A" + clear + "\u{1B}[1B\r", stdout)
    fflush(stdout)
}

private func redrawHint(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 { UInt8(CC_REFRESH) }

/// The hint last drawn, uncut, to know when it would change.
private let lastHint = Mutex("")
/// True during Ctrl-R's search, whose keys must reach it unchanged.
private let searching = Atomic<Bool>(false)

/// Ctrl-_ when the hint for the line as it is now differs from the one drawn, so libedit redraws.
private func hintRedrawKey(_ editLine: OpaquePointer?) -> wchar_t? {
    guard !searching.load(ordering: .relaxed), let hinter = callbacks.withLock({ $0?.hinter }) else { return nil }
    let hint = hinter(lineBeforeCursor(editLine)) ?? ""
    return hint == lastHint.withLock({ $0 }) ? nil : 0x1F
}

private func requestEdit(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    // The whole line, cursor anywhere: el_gets' answer would hold the end of a longer earlier line.
    if let editLine, let info = el_wline(editLine)?.pointee, let start = info.buffer, let end = info.lastchar {
        editedLine.withLock { $0 = wideText(start, end) }
    }
    editWanted.store(true, ordering: .relaxed)
    return UInt8(CC_NEWLINE)
}

/// Tab: one candidate replaces the word (and a space follows); several extend it by what they
/// share, and when they share no more, they are listed under the line.
private func completeWord(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    guard let editLine, let completer = callbacks.withLock({ $0?.completer }) else { return UInt8(CC_ERROR) }
    let before = lineBeforeCursor(editLine)
    let breaks: Set<Character> = [" ", "\t", ";", "{", "}"]
    let start = before.lastIndex(where: { breaks.contains($0) }).map { before.index(after: $0) } ?? before.startIndex
    let word = String(before[start...])
    let found = Array(Set(completer(String(before[..<start]), word).filter { $0.hasPrefix(word) })).sorted()
    guard let first = found.first else { return UInt8(CC_REFRESH_BEEP) }
    let shared = found.dropFirst().reduce(first) { common, next in String(zip(common, next).prefix { $0 == $1 }.map(\.0)) }
    let addition = found.count == 1 ? String(first.dropFirst(word.count)) + " " : String(shared.dropFirst(word.count))
    if !addition.isEmpty {
        el_insertstr(editLine, addition)
        return UInt8(CC_REFRESH)
    }
    fputs("\n" + columns(found) + "\n", stdout)
    fflush(stdout)
    return UInt8(CC_REDISPLAY)
}

/// Candidates in columns as wide as the terminal.
private func columns(_ items: [String]) -> String {
    let width = Terminal.size()?.columns ?? 80
    let cell = (items.map(\.count).max() ?? 0) + 2
    let perLine = max(1, width / cell)
    return stride(from: 0, to: items.count, by: perLine).map { row in
        items[row..<min(row + perLine, items.count)].map { $0.padding(toLength: cell, withPad: " ", startingAt: 0) }
            .joined().trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
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

/// libedit's read: one Unicode scalar from stdin (decoded from UTF-8, since libedit takes it as a
/// wide character); 0, which libedit reads as the end, when Ctrl-C arrives or input ends.
private func interruptibleGetc(_ editLine: OpaquePointer?, _ character: UnsafeMutablePointer<wchar_t>?) -> Int32 {
    if let key = hintRedrawKey(editLine) {
        character?.pointee = key
        return 1
    }
    guard let lead = readByte() else { return 0 }
    // Ctrl-R starts a search; a control key (Enter, Escape, Ctrl-G) ends it.
    if lead == 0x12 { searching.store(true, ordering: .relaxed) } else if lead < 0x20 || lead == 0x7F { searching.store(false, ordering: .relaxed) }
    let length: Int
    switch lead {
    case 0..<0x80: length = 0
    case 0xC0..<0xE0: length = 1
    case 0xE0..<0xF0: length = 2
    case 0xF0..<0xF8: length = 3
    default:
        character?.pointee = 0xFFFD
        return 1
    }
    var scalar = length == 0 ? UInt32(lead) : UInt32(lead) & (0x3F >> length)
    for _ in 0..<length {
        guard let next = readByte() else { return 0 }
        scalar = scalar << 6 | UInt32(next & 0x3F)
    }
    character?.pointee = wchar_t(bitPattern: scalar)
    return 1
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
