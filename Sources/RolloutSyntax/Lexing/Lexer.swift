/// Turns a script's text into tokens. Statements end at a newline or `;`; `#` at the start of a
/// word starts a comment; a `\` before a newline continues the line; strings may span lines.
public struct Lexer {
    /// A comment: the line it is on, its text, and whether it is the whole line.
    public struct Comment: Sendable, Equatable {
        /// The line, from 1.
        public var line: Int
        /// The text after `#` (and one space).
        public var text: String
        /// True when nothing but blanks comes before it on its line.
        public var fullLine: Bool

        /// True for the `#!` line that makes a script executable: an instruction to the system,
        /// not words for a reader.
        public var isShebang: Bool { line == 1 && text.hasPrefix("!") }
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0

    /// The comments read so far, in order.
    public private(set) var comments: [Comment] = []
    /// The problems found so far.
    public private(set) var diagnostics: [Diagnostic] = []
    /// True when the text ended inside a string.
    public private(set) var endedInString = false

    /// A lexer over a source file.
    public init(_ source: SourceFile) {
        bytes = source.bytes
    }

    /// Every token, ending with `.end`.
    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        repeat { tokens.append(next()) } while tokens.last?.kind != .end
        return tokens
    }

    /// The next token; `.end` at the end, and again after it.
    public mutating func next() -> Token {
        skipBlanksAndComments()
        let start = index
        guard let byte = peek() else { return Token(kind: .end, range: start..<start) }
        let kind: TokenKind
        switch byte {
        case UInt8(ascii: "\n"):
            index += 1
            newLine()
            kind = .newline
        case UInt8(ascii: ";"):
            index += 1
            kind = .semicolon
        case UInt8(ascii: "{"):
            index += 1
            kind = .openBrace
        case UInt8(ascii: "}"):
            index += 1
            kind = .closeBrace
        case UInt8(ascii: "\""):
            kind = .string(string())
        default:
            if let comparison = comparison() {
                kind = .comparison(comparison)
            } else if byte == UInt8(ascii: "=") {
                index += 1
                kind = .equals
            } else {
                kind = .word(word())
            }
        }
        return Token(kind: kind, range: start..<index)
    }

    // MARK: Reading

    private func peek(_ ahead: Int = 0) -> UInt8? {
        index + ahead < bytes.count ? bytes[index + ahead] : nil
    }

    private mutating func newLine() {
        line += 1
        lineStart = index
    }

    /// True at a `\` that continues the line (before `\n` or `\r\n`); the length of the continuation.
    private func continuation() -> Int? {
        guard peek() == UInt8(ascii: "\\") else { return nil }
        if peek(1) == UInt8(ascii: "\n") { return 2 }
        if peek(1) == UInt8(ascii: "\r"), peek(2) == UInt8(ascii: "\n") { return 3 }
        return nil
    }

    private mutating func skipBlanksAndComments() {
        while let byte = peek() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                index += 1
            } else if let length = continuation() {
                index += length
                newLine()
            } else if byte == UInt8(ascii: "#") {
                let fullLine = bytes[lineStart..<index].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                let start = index + 1
                while let next = peek(), next != UInt8(ascii: "\n") { index += 1 }
                var text = String(decoding: bytes[start..<index], as: UTF8.self)
                if text.hasPrefix(" ") { text.removeFirst() }
                if text.hasSuffix("\r") { text.removeLast() }
                comments.append(Comment(line: line, text: text, fullLine: fullLine))
            } else {
                return
            }
        }
    }

    /// The longest comparison at the cursor, if one starts there.
    private mutating func comparison() -> Comparison? {
        let found = Comparison.allCases.filter { candidate in
            candidate.rawValue.utf8.enumerated().allSatisfy { peek($0.offset) == $0.element }
        }.max { $0.rawValue.utf8.count < $1.rawValue.utf8.count }
        if let found { index += found.rawValue.utf8.count }
        return found
    }

    private static func endsWord(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: ";"),
            UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "}"):
            return true
        default:
            return false
        }
    }

    /// A bare word, up to a blank, `;`, a quote, a brace or a line continuation.
    private mutating func word() -> Word {
        let start = index
        var parts = PartsBuilder()
        while let byte = peek(), !Self.endsWord(byte), continuation() == nil {
            if byte == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "$") {
                index += 2
                parts.literal.append(UInt8(ascii: "$"))
                // An escaped reference is literal up to its closing brace.
                if peek() == UInt8(ascii: "{") {
                    while let next = peek(), next != UInt8(ascii: "}"), next != UInt8(ascii: "\n") {
                        parts.literal.append(next)
                        index += 1
                    }
                    if peek() == UInt8(ascii: "}") {
                        parts.literal.append(UInt8(ascii: "}"))
                        index += 1
                    }
                }
            } else if byte == UInt8(ascii: "$"), peek(1) == UInt8(ascii: "{") {
                parts.flush()
                if let variable = variable() { parts.parts.append(variable) }
            } else {
                parts.literal.append(byte)
                index += 1
            }
        }
        return Word(parts: parts.finish(), quoted: false, range: start..<index)
    }

    /// A string from its opening quote to its closing one, with escapes and `${...}`.
    private mutating func string() -> Word {
        let start = index
        index += 1
        var parts = PartsBuilder()
        var closed = false
        while let byte = peek() {
            if byte == UInt8(ascii: "\"") {
                index += 1
                closed = true
                break
            }
            if byte == UInt8(ascii: "\\"), let escaped = peek(1) {
                index += 2
                switch escaped {
                case UInt8(ascii: "n"): parts.literal.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): parts.literal.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"): parts.literal.append(escaped)
                case UInt8(ascii: "\n"): newLine()
                default: parts.literal += [byte, escaped]
                }
            } else if byte == UInt8(ascii: "$"), peek(1) == UInt8(ascii: "{") {
                parts.flush()
                if let variable = variable() { parts.parts.append(variable) }
            } else {
                index += 1
                if byte == UInt8(ascii: "\n") { newLine() }
                parts.literal.append(byte)
            }
        }
        if !closed {
            endedInString = true
            diagnostics.append(Diagnostic("unterminated string", at: start..<start + 1, note: "close it with \""))
        }
        return Word(parts: parts.finish(), quoted: true, range: start..<index)
    }

    /// `${NAME}` or `${NAME:-default}` at the cursor.
    private mutating func variable() -> WordPart? {
        let start = index
        index += 2
        let nameStart = index
        while let byte = peek(), VariableName.isNameByte(byte) { index += 1 }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        var fallback: String?
        if peek() == UInt8(ascii: ":"), peek(1) == UInt8(ascii: "-") {
            index += 2
            let fallbackStart = index
            while let byte = peek(), byte != UInt8(ascii: "}"), byte != UInt8(ascii: "\n") { index += 1 }
            fallback = String(decoding: bytes[fallbackStart..<index], as: UTF8.self)
        }
        guard peek() == UInt8(ascii: "}"), VariableName.isValid(name) else {
            diagnostics.append(
                Diagnostic(
                    "malformed variable reference", at: start..<start + 2,
                    note: "write ${NAME} or ${NAME:-default}; \(VariableName.rule)"))
            while let byte = peek(), !Self.endsWord(byte), byte != UInt8(ascii: "}") { index += 1 }
            if peek() == UInt8(ascii: "}") { index += 1 }
            return nil
        }
        index += 1
        return .variable(name: name, fallback: fallback)
    }
}

/// Gathers a word's parts: literal bytes until a variable, then the variable, and so on.
private struct PartsBuilder {
    var parts: [WordPart] = []
    var literal: [UInt8] = []

    mutating func flush() {
        guard !literal.isEmpty else { return }
        parts.append(.literal(String(decoding: literal, as: UTF8.self)))
        literal.removeAll()
    }

    mutating func finish() -> [WordPart] {
        flush()
        return parts
    }
}
