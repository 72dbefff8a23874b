import RolloutSyntax
import Testing

/// A compact picture of a token for table tests.
func describe(_ kind: TokenKind) -> String {
    switch kind {
    case .word(let word): return "w:" + parts(word)
    case .string(let word): return "s:" + parts(word)
    case .comparison(let comparison): return "op:\(comparison.rawValue)"
    case .equals: return "op:="
    case .semicolon: return ";"
    case .newline: return "nl"
    case .openBrace: return "{"
    case .closeBrace: return "}"
    case .end: return "end"
    }
}

func parts(_ word: Word) -> String {
    word.parts.map { part in
        switch part {
        case .literal(let text): return text
        case .variable(let name, let fallback): return "$(\(name)\(fallback.map { ":-\($0)" } ?? ""))"
        }
    }.joined()
}

func tokens(_ text: String) -> [String] {
    var lexer = Lexer(SourceFile(name: "t", text: text))
    return lexer.tokenize().map { describe($0.kind) }
}

@Suite struct LexerTests {
    @Test(arguments: [
        ("upgrade testwww", ["w:upgrade", "w:testwww", "end"]),
        ("a; b\nc", ["w:a", ";", "w:b", "nl", "w:c", "end"]),
        ("set value basic.size = 20G", ["w:set", "w:value", "w:basic.size", "op:=", "w:20G", "end"]),
        ("expect version >= 3", ["w:expect", "w:version", "op:>=", "w:3", "end"]),
        ("expect tag != v1", ["w:expect", "w:tag", "op:!=", "w:v1", "end"]),
        ("set tag ${TAG}", ["w:set", "w:tag", "w:$(TAG)", "end"]),
        ("set tag v-${TAG:-1.0}-x", ["w:set", "w:tag", "w:v-$(TAG:-1.0)-x", "end"]),
        ("echo \"hello ${WHO}\"", ["w:echo", "s:hello $(WHO)", "end"]),
        ("echo \"a\\\"b\\n\"", ["w:echo", "s:a\"b\n", "end"]),
        ("echo \\${NOT}", ["w:echo", "w:${NOT}", "end"]),
        ("show x # a comment", ["w:show", "w:x", "end"]),
        ("# only a comment\nshow x", ["nl", "w:show", "w:x", "end"]),
        ("upgrade \\\n  testwww", ["w:upgrade", "w:testwww", "end"]),
        ("else { rollback 1 }", ["w:else", "{", "w:rollback", "w:1", "}", "end"]),
        ("key=value", ["w:key=value", "end"]),
        ("echo \"two\nlines\"", ["w:echo", "s:two\nlines", "end"]),
        ("use cluster 集群", ["w:use", "w:cluster", "w:集群", "end"]),
    ])
    func tokenizes(_ text: String, _ expected: [String]) {
        #expect(tokens(text) == expected)
    }

    @Test func locationsAreLinesAndCharacterColumns() {
        let source = SourceFile(name: "f", text: "use cluster 集群\n  upgrade x")
        var lexer = Lexer(source)
        let all = lexer.tokenize()
        #expect(source.location(of: all[2].range.lowerBound).description == "f:1:13")
        #expect(source.location(of: all[4].range.lowerBound).description == "f:2:3")
    }

    @Test func columnsCountCharactersAsTheyShow() {
        // "é" written as e and a combining accent, and an emoji of two scalars: one character each.
        let source = SourceFile(name: "f", text: "echo e\u{301}x 👍🏽 \"open")
        let problem = Checker.diagnose(source).diagnostics[0]
        #expect(problem.location(in: source).column == 11)
        #expect(problem.rendered(in: source).split(separator: "\n")[2] == "           ^")
    }

    @Test func caretsSitUnderWideCharacters() {
        let source = SourceFile(name: "f", text: "use cluster 集群 x")
        let problem = Checker.diagnose(source).diagnostics[0]
        #expect(problem.location(in: source).column == 16)
        #expect(problem.rendered(in: source).split(separator: "\n")[2] == "                 ^")
    }

    @Test(arguments: [
        ("echo \"open", "unterminated string"),
        ("set tag ${", "malformed variable reference"),
        ("set tag ${1X}", "malformed variable reference"),
        ("set tag ${A B}", "malformed variable reference"),
    ])
    func reportsLexicalErrors(_ text: String, _ message: String) {
        var lexer = Lexer(SourceFile(name: "t", text: text))
        _ = lexer.tokenize()
        #expect(lexer.diagnostics.map(\.message) == [message])
    }

    @Test func collectsNarrationComments() {
        var lexer = Lexer(SourceFile(name: "t", text: "# one\n# two\nshow x # trailing\n"))
        _ = lexer.tokenize()
        #expect(lexer.comments.map(\.text) == ["one", "two", "trailing"])
        #expect(lexer.comments.map(\.fullLine) == [true, true, false])
    }
}
