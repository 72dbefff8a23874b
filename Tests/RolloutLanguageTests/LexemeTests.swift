import RolloutLanguage
import Testing

/// The parser reads lexemes (kind and byte range) and makes words only when a statement needs them;
/// these hold that path to what reading every token in full gives.
@Suite struct LexemeTests {
    @Test(arguments: Parser.keywords.filter { $0 != "else" })
    func everyKeywordStartsAStatement(_ keyword: String) {
        let (_, diagnostics) = parse(keyword)
        #expect(!diagnostics.contains { $0.message.hasPrefix("unknown statement") }, "\(keyword)")
    }

    /// Words of a keyword's length and first letter that are not keywords.
    @Test(arguments: ["usx", "sex", "lex", "upgradx", "rollbacx", "installx", "uninstalx", "shox", "statux", "lisx", "historx",
                      "chartx", "charx", "valuex", "waix", "expecx", "sleex", "echx", "pausx", "aborx", "Use", "u"])
    func nearMissesAreUnknownStatements(_ word: String) {
        let (_, diagnostics) = parse(word)
        #expect(diagnostics.map(\.message) == ["unknown statement '\(word)'"])
    }

    @Test func aWordBeforeALineContinuationIsStillAKeyword() {
        #expect(printed("rollback testwww to\\\n 2") == ["rollback testwww to 2"])
        #expect(printed("wait deployed for\\\n testwww") == ["wait deployed for testwww"])
    }

    @Test func wordsReadAgainKeepTheirPlaceAndText() {
        let text = "set tag v${N:-1}\\$x; echo \"a\\tb ${N:-2}\"\necho \"é ${N:-3}\" 集${N:-4}"
        var lexer = Lexer(SourceFile(name: "t", text: text))
        let tokens = lexer.tokenize().map { ($0.location.description, describe($0.kind)) }
        #expect(tokens.map(\.0) == ["t:1:1", "t:1:5", "t:1:9", "t:1:20", "t:1:22", "t:1:27", "t:1:41",
                                    "t:2:1", "t:2:6", "t:2:18", "t:2:26"])
        #expect(printed(text) == ["set tag v${N:-1}\\$x", "echo \"a\\tb ${N:-2}\"", "echo \"é ${N:-3}\" 集${N:-4}"])
    }

    @Test func stringsMeasuredAndReadInFullAgree() {
        let (script, diagnostics) = parse("echo \"plain é\" \"two\nlines\" \"\" \"tab\\t\"\necho x")
        #expect(diagnostics.isEmpty)
        guard case .echo(let words) = script.statements.first?.kind else {
            Issue.record("not an echo")
            return
        }
        #expect(words.map(\.literal) == ["plain é", "two\nlines", "", "tab\t"])
        #expect(words.map(\.length) == [9, 11, 2, 7])
        #expect(script.statements.last?.location.description == "t.rollout:3:1")
    }
}
