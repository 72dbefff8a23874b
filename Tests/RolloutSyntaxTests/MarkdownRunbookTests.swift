import RolloutSyntax
import Testing

@Suite struct MarkdownRunbookTests {
    static let runbook = """
        # Release

        Intro that belongs to no block.

        ## Check first

        The release should be healthy.
        Look at it.

        ```rollout
        use cluster demo
        status testwww in monitoring
        ```

        Not run:

        ```sh
        rollout plan --live x.md
        ```

        ~~~rollout
        # a comment of the block
        upgarde testwww
        ~~~
        """

    @Test func onlyRolloutBlocksRunAtTheirMarkdownLines() {
        let source = MarkdownRunbook.source(name: "r.md", text: Self.runbook)
        let (script, diagnostics) = Parser.parse(source)
        #expect(diagnostics.map { "\($0.location(in: source)) \($0.message)" } == ["r.md:23:1 unknown statement 'upgarde'"])
        #expect(script.statements.map(\.location.line) == [11, 12])
        #expect(script.statements.map { ScriptPrinter.print($0.kind) } == ["use cluster demo", "status testwww in monitoring"])
        // A diagnostic shows the Markdown line, with its caret where the word is.
        #expect(diagnostics[0].rendered(in: source).contains("\nupgarde testwww\n^~~~~~~"))
    }

    @Test func theHeadingAndProseBeforeABlockNarrateItsFirstStatement() {
        let (script, _) = Parser.parse(MarkdownRunbook.source(name: "r.md", text: Self.runbook + "\n\n```rollout\nlist\n```\n"))
        #expect(script.statements[0].narration == ["Check first", "The release should be healthy.", "Look at it."])
        #expect(script.statements[1].narration == [])
        // The prose before the last block is after the sh block and the block before: nothing but its comment.
        let last = script.statements.last!
        #expect(ScriptPrinter.print(last.kind) == "list")
        #expect(last.narration == [])
    }

    @Test func proseAfterAnotherCodeBlockStillNarrates() {
        let text = "## Deploy\n\nFirst run:\n\n```sh\nls\n```\n\nthen:\n\n```rollout\nlist\n```\n"
        let (script, diagnostics) = Parser.parse(MarkdownRunbook.source(name: "r.md", text: text))
        #expect(diagnostics.isEmpty)
        #expect(script.statements.first?.narration == ["Deploy", "First run:", "then:"])
    }

    @Test func aRunbookWithNoBlockOrAnOpenFenceIsAnError() {
        let none = MarkdownRunbook.source(name: "n.md", text: "# Notes\n\n```sh\nls\n```\n")
        let found = Parser.parse(none).diagnostics
        #expect(found.map { "\($0.location(in: none)) \($0.message)" } == ["n.md:1:1 n.md has no ```rollout block to run"])
        let open = MarkdownRunbook.source(name: "o.md", text: "# T\n\n```rollout\nlist\n")
        let problems = Parser.parse(open).diagnostics
        #expect(problems.map { "\($0.location(in: open)) \($0.message)" } == ["o.md:3:1 this fence is never closed, so the rest of o.md would be its code"])
    }

    @Test func markdownIsKnownByItsName() {
        #expect(MarkdownRunbook.isMarkdown("runbooks/Release.MD"))
        #expect(MarkdownRunbook.isMarkdown("x.markdown"))
        #expect(!MarkdownRunbook.isMarkdown("deploy.rollout"))
    }
}
