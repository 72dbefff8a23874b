/// The text tokens point into. The parser moves through lexemes, which hold no text; a statement's
/// reader asks this for the words it needs. A class, so each statement's reader shares it instead of
/// copying the source.
final class TokenText: Sendable {
    /// The script.
    let source: SourceFile
    private let bytes: [UInt8]

    init(_ source: SourceFile) {
        self.source = source
        bytes = source.bytes
    }

    /// The token a lexeme stands for, with its text.
    func token(for lexeme: Lexeme) -> Token {
        let range = Int(lexeme.start)..<Int(lexeme.end)
        switch lexeme.kind {
        case .word where lexeme.plain:
            return Token(kind: .word(plainWord(lexeme)), location: lexeme.location, length: lexeme.length)
        case .string where lexeme.plain:
            let inside = string(range.lowerBound + 1..<range.upperBound - 1)
            let word = Word(inside, quoted: true, location: lexeme.location, length: lexeme.length)
            return Token(kind: .string(word), location: lexeme.location, length: lexeme.length)
        case .word, .string: return Lexer.reread(lexeme, in: self)
        case .op: return Token(kind: .op(string(range)), location: lexeme.location, length: lexeme.length)
        case .semicolon: return Token(kind: .semicolon, location: lexeme.location, length: 1)
        case .newline: return Token(kind: .newline, location: lexeme.location, length: 1)
        case .openBrace: return Token(kind: .openBrace, location: lexeme.location, length: 1)
        case .closeBrace: return Token(kind: .closeBrace, location: lexeme.location, length: 1)
        case .end: return Token(kind: .end, location: lexeme.location, length: 0)
        }
    }

    /// The word of a word or string; nil for other kinds.
    func word(of lexeme: Lexeme) -> Word? {
        guard lexeme.kind == .word || lexeme.kind == .string else { return nil }
        if lexeme.kind == .word, lexeme.plain { return plainWord(lexeme) }
        switch token(for: lexeme).kind {
        case .word(let word), .string(let word): return word
        default: return nil
        }
    }

    /// A plain word: its bytes are its text.
    private func plainWord(_ lexeme: Lexeme) -> Word {
        Word(string(Int(lexeme.start)..<Int(lexeme.end)), location: lexeme.location, length: lexeme.length)
    }

    /// The text of a bare word with no variable in it; nil for anything else.
    func literal(of lexeme: Lexeme) -> String? {
        guard lexeme.kind == .word else { return nil }
        if lexeme.plain { return string(Int(lexeme.start)..<Int(lexeme.end)) }
        return word(of: lexeme)?.literal
    }

    /// True for a bare word or an operator that is exactly `text`, compared without making a string.
    func isExactly(_ lexeme: Lexeme, _ text: StaticString) -> Bool {
        text.withUTF8Buffer { matches(lexeme, $0) }
    }

    /// The first byte of a lexeme with at least one.
    func firstByte(of lexeme: Lexeme) -> UInt8 {
        bytes[Int(lexeme.start)]
    }

    private func matches(_ lexeme: Lexeme, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lexeme.plain, lexeme.kind == .word || lexeme.kind == .op else { return false }
        let count = Int(lexeme.end - lexeme.start)
        guard count == text.count else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            let start = Int(lexeme.start)
            for offset in 0..<count where buffer[start + offset] != text[offset] { return false }
            return true
        }
    }

    /// The text of a range of bytes.
    func string(_ range: Range<Int>) -> String {
        // Through a buffer pointer: a slice of the array would retain and release its storage.
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }
}
