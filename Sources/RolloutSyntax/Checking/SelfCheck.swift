/// The properties the fuzzer and the regression tests hold the front end to, on any text: reading
/// and checking never crash, every diagnostic renders (of the text as a script and as a Markdown
/// runbook), and a script that reads without problems prints back to text that reads to the same script.
public enum SelfCheck {
    /// Nil when every property holds; else what broke.
    public static func verify(_ text: String) -> String? {
        let source = SourceFile(name: "fuzz", text: text)
        let (script, diagnostics) = Checker.diagnose(source, scope: CheckScope(clusterInUse: true, variables: ["HOME"]))
        for diagnostic in diagnostics where diagnostic.rendered(in: source).isEmpty {
            return "a diagnostic rendered empty: \(diagnostic.message)"
        }
        // The same text read as a Markdown runbook: its problems render too, at lines of the text.
        let runbook = MarkdownRunbook.source(name: "fuzz.md", text: text)
        for diagnostic in Checker.diagnose(runbook, scope: CheckScope(clusterInUse: true)).diagnostics {
            if diagnostic.rendered(in: runbook).isEmpty { return "a runbook's diagnostic rendered empty: \(diagnostic.message)" }
            if diagnostic.location(in: runbook).line > runbook.lineStarts.count { return "a runbook's diagnostic is past its last line" }
        }
        guard diagnostics.isEmpty else { return nil }
        let printed = ScriptPrinter.print(script)
        let (again, problems) = Parser.parse(SourceFile(name: "printed", text: printed))
        if let first = problems.first { return "printed text does not read back: \(first.message)\n\(printed)" }
        if ScriptPrinter.print(again) != printed { return "printed text reads back differently:\n\(printed)" }
        return nil
    }
}
