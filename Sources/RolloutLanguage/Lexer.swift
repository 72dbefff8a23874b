/// Turns a script's text into tokens. Statements end at a newline or `;`; `#` at the start of a
/// word starts a comment; a `\` before a newline continues the line; strings may span lines.
public struct Lexer {
    private let source: SourceFile
    private let bytes: [UInt8]
    /// Makes the text of the tokens this lexer reads.
    let text: TokenText
    private var index = 0
    private var line = 1
    private var lineStart = 0
    /// The last column worked out on this line and its offset, so that each token's column is counted
    /// on from the one before instead of from the line's start.
    private var counted = (offset: 0, column: 1)

    /// For a lexer that reads part of a file: the line start where it ends, if a token starts exactly
    /// there. A string or continued line that runs over it carries the lexer on to the end.
    private let stop: Int?
    /// True when it ended at `stop`.
    private(set) var endedAtStop = false

    /// Full-line and trailing comments, by line, for narration.
    public private(set) var comments: [(line: Int, text: String, fullLine: Bool)] = []
    /// Problems found while reading.
    public private(set) var diagnostics: [Diagnostic] = []

    /// A lexer over a source file.
    public init(_ source: SourceFile) {
        self.init(source, from: 0, stop: nil)
    }

    /// A lexer over a file from the line start `start`, ending at the line start `stop` if it lands on it.
    init(_ source: SourceFile, from start: Int, stop: Int?) {
        self.init(TokenText(source), from: start, line: source.location(of: start).line, stop: stop)
    }

    private init(_ text: TokenText, from start: Int, line: Int, stop: Int?) {
        self.text = text
        self.source = text.source
        self.bytes = text.source.bytes
        self.stop = stop
        index = start
        lineStart = start
        self.line = line
        counted = (start, 1)
    }

    /// Every token, ending with `.end`.
    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(bytes.count / 4)
        while true {
            let token = next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var location: SourceLocation {
        mutating get { location(at: index) }
    }

    private mutating func location(at offset: Int) -> SourceLocation {
        if source.isASCII {
            return SourceLocation(fileID: source.fileID, line: line, column: offset - lineStart + 1, offset: offset)
        }
        var (i, column) = counted.offset >= lineStart && counted.offset <= offset ? counted : (lineStart, 1)
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        counted = (offset, column)
        return SourceLocation(fileID: source.fileID, line: line, column: column, offset: offset)
    }

    private mutating func newLine(after offset: Int) {
        line += 1
        lineStart = offset + 1
        counted = (lineStart, 1)
    }

    /// The next token.
    public mutating func next() -> Token {
        token(for: nextLexeme())
    }

    /// The next token without its text: what the parser reads. Plain words and strings are only
    /// measured; the rest are read in full (their problems reported, their lines counted) and read
    /// again by `token(for:)` when their text is needed.
    mutating func nextLexeme() -> Lexeme {
        if index == stop {
            endedAtStop = true
            return Lexeme(.end, plain: true, from: index, to: index, at: location, length: 0)
        }
        skipSpaceAndComments()
        guard index < bytes.count else { return Lexeme(.end, plain: true, from: index, to: index, at: location, length: 0) }
        let start = location
        let begin = index
        let kind: Lexeme.Kind
        switch bytes[index] {
        case UInt8(ascii: "\n"):
            index += 1
            newLine(after: begin)
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
            if let plain = plainString(start) { return plain }
            let token = string(start)
            return Lexeme(.string, plain: false, from: begin, to: index, at: start, length: token.length)
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "<"), UInt8(ascii: ">"):
            if let op = operatorAt(index) {
                index += op.utf8.count
                kind = .op
            } else {
                return word(start, begin: begin)
            }
        default:
            return word(start, begin: begin)
        }
        return Lexeme(kind, plain: true, from: begin, to: index, at: start, length: index - begin)
    }

    /// The token a lexeme from this lexer stands for, with its text.
    func token(for lexeme: Lexeme) -> Token { text.token(for: lexeme) }

    /// A word or string that is not plain, read again from its start on a lexer of its own (its
    /// problems were reported the first time).
    static func reread(_ lexeme: Lexeme, in text: TokenText) -> Token {
        let start = Int(lexeme.start)
        var lexer = Lexer(text, from: start, line: lexeme.location.line, stop: nil)
        lexer.lineStart = text.source.lineStarts[lexeme.location.line - 1]
        lexer.counted = (start, lexeme.location.column)
        return lexeme.kind == .word ? lexer.word(lexeme.location) : lexer.string(lexeme.location)
    }

    private mutating func skipSpaceAndComments() {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                index += 1
            } else if byte == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") {
                index += 2
                newLine(after: index - 1)
            } else if byte == UInt8(ascii: "\\"), index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\r"),
                bytes[index + 2] == UInt8(ascii: "\n")
            {
                index += 3
                newLine(after: index - 1)
            } else if byte == UInt8(ascii: "#") {
                let fullLine = bytes[lineStart..<index].allSatisfy { $0 == 32 || $0 == 9 }
                let start = index + 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                comments.append((line, text.hasPrefix(" ") ? String(text.dropFirst()) : text, fullLine))
            } else {
                return
            }
        }
    }

    private func operatorAt(_ i: Int) -> String? {
        let byte = bytes[i]
        let nextByte = i + 1 < bytes.count ? bytes[i + 1] : 0
        switch (byte, nextByte) {
        case (UInt8(ascii: "="), UInt8(ascii: "=")): return "=="
        case (UInt8(ascii: "!"), UInt8(ascii: "=")): return "!="
        case (UInt8(ascii: "<"), UInt8(ascii: "=")): return "<="
        case (UInt8(ascii: ">"), UInt8(ascii: "=")): return ">="
        case (UInt8(ascii: "<"), _): return "<"
        case (UInt8(ascii: ">"), _): return ">"
        case (UInt8(ascii: "="), _): return "="
        default: return nil
        }
    }

    /// True for a byte that neither ends a word nor starts an escape or `${`: a set of bytes as bits.
    private static func isPlainWordByte(_ byte: UInt8) -> Bool {
        // Not: tab, line feed, carriage return, space, `"`, `$`, `;`, `\`, `{`, `}`.
        let low: UInt64 = ~(1 << 9 | 1 << 10 | 1 << 13 | 1 << 32 | 1 << 34 | 1 << 36 | 1 << 59)
        let high: UInt64 = ~(1 << (92 - 64) | 1 << (123 - 64) | 1 << (125 - 64))
        switch byte {
        case 0..<64: return low >> UInt64(byte) & 1 == 1
        case 64..<128: return high >> UInt64(byte - 64) & 1 == 1
        default: return true
        }
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

    /// A word: measured when plain (no escape, no `${`), else read in full.
    private mutating func word(_ start: SourceLocation, begin: Int) -> Lexeme {
        let (end, ascii) = bytes.withUnsafeBufferPointer { buffer in
            var end = index
            var high: UInt8 = 0
            while end < buffer.count, Self.isPlainWordByte(buffer[end]) {
                high |= buffer[end]
                end += 1
            }
            return (end, high < 0x80)
        }
        // A `\` that continues the line ends the word as a space would.
        if end == bytes.count || Self.endsWord(bytes[end]) || continuesLine(at: end) {
            index = end
            return Lexeme(.word, plain: true, from: begin, to: end, at: start, length: ascii ? end - begin : text.string(begin..<end).count)
        }
        let token = word(start)
        return Lexeme(.word, plain: false, from: begin, to: index, at: start, length: token.length)
    }

    private func continuesLine(at offset: Int) -> Bool {
        bytes[offset] == UInt8(ascii: "\\") && offset + 1 < bytes.count && bytes[offset + 1] == UInt8(ascii: "\n")
    }

    /// A string with no escape, no `${` and no line end inside: measured, or nil to read it in full.
    private mutating func plainString(_ start: SourceLocation) -> Lexeme? {
        let begin = index
        var end = index + 1
        var ascii = true
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "$") || byte == UInt8(ascii: "\n") { return nil }
            ascii = ascii && byte < 0x80
            end += 1
        }
        guard end < bytes.count else { return nil }
        index = end + 1
        return Lexeme(.string, plain: true, from: begin, to: index, at: start, length: ascii ? index - begin : text.string(begin..<index).count)
    }

    /// A word read in full, with its parts.
    private mutating func word(_ start: SourceLocation) -> Token {
        let begin = index
        var parts: [WordPart] = []
        var literal: [UInt8] = []
        while index < bytes.count, !Self.endsWord(bytes[index]) {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "$") {
                literal.append(UInt8(ascii: "$"))
                index += 2
                // An escaped reference is literal up to its closing brace.
                if index < bytes.count, bytes[index] == UInt8(ascii: "{") {
                    while index < bytes.count, bytes[index] != UInt8(ascii: "}"), bytes[index] != UInt8(ascii: "\n") {
                        literal.append(bytes[index])
                        index += 1
                    }
                    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                        literal.append(bytes[index])
                        index += 1
                    }
                }
            } else if byte == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") {
                break
            } else if byte == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{") {
                flush(&literal, into: &parts)
                if let variable = variable() { parts.append(variable) }
            } else {
                literal.append(byte)
                index += 1
            }
        }
        flush(&literal, into: &parts)
        let length = String(decoding: bytes[begin..<index], as: UTF8.self).count
        return Token(kind: .word(Word(parts: parts, quoted: false, location: start, length: length)), location: start, length: length)
    }

    private mutating func string(_ start: SourceLocation) -> Token {
        let begin = index
        index += 1
        var parts: [WordPart] = []
        var literal: [UInt8] = []
        var closed = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                closed = true
                break
            }
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                let escaped = bytes[index + 1]
                switch escaped {
                case UInt8(ascii: "n"): literal.append(10)
                case UInt8(ascii: "t"): literal.append(9)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"): literal.append(escaped)
                case UInt8(ascii: "\n"):
                    newLine(after: index + 1)
                default:
                    literal += [byte, escaped]
                }
                index += 2
            } else if byte == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{") {
                flush(&literal, into: &parts)
                if let variable = variable() { parts.append(variable) }
            } else {
                if byte == UInt8(ascii: "\n") { newLine(after: index) }
                literal.append(byte)
                index += 1
            }
        }
        flush(&literal, into: &parts)
        let length = String(decoding: bytes[begin..<index], as: UTF8.self).count
        if !closed {
            diagnostics.append(Diagnostic("unterminated string", at: start, note: "close it with \""))
        }
        let word = Word(parts: parts, quoted: true, location: start, length: length)
        return Token(kind: .string(word), location: start, length: length)
    }

    /// Reads `${NAME}` or `${NAME:-default}` at `index`.
    private mutating func variable() -> WordPart? {
        let start = location
        index += 2
        let nameStart = index
        while index < bytes.count, Self.isNameByte(bytes[index]) { index += 1 }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        var fallback: String?
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: "-") {
            index += 2
            let fallbackStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "}"), bytes[index] != UInt8(ascii: "\n") { index += 1 }
            fallback = String(decoding: bytes[fallbackStart..<index], as: UTF8.self)
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "}"), !name.isEmpty, !(bytes[nameStart] >= 48 && bytes[nameStart] <= 57) else {
            diagnostics.append(
                Diagnostic("malformed variable reference", at: start, length: 2, note: "write ${NAME} or ${NAME:-default}; NAME is letters, digits and _"))
            while index < bytes.count, !Self.endsWord(bytes[index]), bytes[index] != UInt8(ascii: "}") { index += 1 }
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1 }
            return nil
        }
        index += 1
        return .variable(name: name, fallback: fallback)
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 95
    }

    private func flush(_ literal: inout [UInt8], into parts: inout [WordPart]) {
        guard !literal.isEmpty else { return }
        parts.append(.literal(String(decoding: literal, as: UTF8.self)))
        literal.removeAll(keepingCapacity: true)
    }
}
