#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `rollout check` of a long script on two cores: the halves are parsed and checked at once, the
/// second on a thread of its own from the state most scripts are in at their middle (`Checker.midway`).
/// The halves meet at a line start near the middle; the first half's lexer confirms they meet between
/// two top-level statements. When they do not (a string, a continued line or an else block runs over),
/// an `else` in the second half may belong to a statement in the first, or the first half ends in
/// another state than the second assumed, the script is read whole instead. The answer is the one
/// reading it whole gives.
enum HalvesCheck {
    /// Scripts shorter than this are read whole: a thread costs more than it saves.
    static let minimumBytes = 256 << 10

    /// Every problem, sorted by place; nil when the halves did not meet cleanly.
    static func problems(
        in source: SourceFile, splitAt split: Int, context: RunContext, environment: [String: String]
    ) -> [Diagnostic]? {
        let second = SecondHalf(of: source, from: split, checker: .midway(context: context, environment: environment))
        second.start()
        var checker = Checker(context: context, environment: environment)
        let first = Parser.parse(source, part: 0..<split) { checker.checkInOrder($0) }
        let (guess, secondEnd) = second.finish()
        guard first.endedCleanly, !secondEnd.hasElseWithoutStatement, checker.agrees(with: guess) else { return nil }
        return Checker.sorted(first.diagnostics + secondEnd.diagnostics + checker.diagnostics + guess.diagnostics)
    }

    /// Where a script may be split: the start of a line near the middle that starts with a letter
    /// (a statement, not indented, not a comment) and not with `else`, after a line that does not
    /// continue. Nil for a script shorter than `minimum` bytes or with no such line near the middle.
    static func splitPoint(in bytes: [UInt8], minimum: Int = minimumBytes) -> Int? {
        guard bytes.count >= max(minimum, 2) else { return nil }
        var newline = bytes.count / 2
        for _ in 0..<1000 {
            guard let found = bytes[newline...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            let start = found + 1
            newline = start
            guard start < bytes.count, found > 0, bytes[found - 1] != UInt8(ascii: "\\"), bytes[found - 1] != UInt8(ascii: "\r")
            else { continue }
            let letter = bytes[start] | 0x20
            guard letter >= UInt8(ascii: "a"), letter <= UInt8(ascii: "z") else { continue }
            let word = bytes[start...].prefix { Lexer.isNameByte($0) || $0 == UInt8(ascii: "-") }
            if !word.elementsEqual("else".utf8) { return start }
        }
        return nil
    }
}

/// The second half of a script, parsed and checked on a thread of its own. `finish()` joins the
/// thread: it has ended, and let go of everything it held, before its checker is handed over.
private final class SecondHalf: @unchecked Sendable {
    private let source: SourceFile
    private let split: Int
    // Written by the thread, read after it is joined.
    private var checker: Checker
    private var end: Parser.PartEnd?
    private var thread: pthread_t?

    init(of source: SourceFile, from split: Int, checker: Checker) {
        self.source = source
        self.split = split
        self.checker = checker
    }

    /// Starts on a new thread, or reads here when no thread can start.
    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { context in
            Unmanaged<SecondHalf>.fromOpaque(context!).takeRetainedValue().parseAndCheck()
            return nil
        }, context)
        if started == 0 {
            self.thread = thread
        } else {
            Unmanaged<SecondHalf>.fromOpaque(context).release()
            parseAndCheck()
        }
    }

    /// Waits for the thread; the checker after the half, and how the half ended.
    func finish() -> (Checker, Parser.PartEnd) {
        if let thread { pthread_join(thread, nil) }
        return (checker, end!)
    }

    private func parseAndCheck() {
        end = Parser.parse(source, part: split..<source.bytes.count) { checker.checkInOrder($0) }
    }
}
