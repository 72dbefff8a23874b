/// The properties the fuzzer and the regression tests hold the front end to, on any text: reading
/// and checking never crash, every diagnostic renders, and a script that reads without problems
/// prints back to text that reads to the same script.
public enum SelfCheck {
    /// Nil when every property holds; else what broke.
    public static func verify(_ text: String) -> String? {
        let source = SourceFile(name: "fuzz", text: text)
        let (script, diagnostics) = Checker.diagnose(source, scope: CheckScope(clusterInUse: true, variables: ["HOME"]))
        for diagnostic in diagnostics where diagnostic.rendered(in: source).isEmpty {
            return "a diagnostic rendered empty: \(diagnostic.message)"
        }
        guard diagnostics.isEmpty else { return nil }
        let printed = ScriptPrinter.print(script)
        let (again, problems) = Parser.parse(SourceFile(name: "printed", text: printed))
        if let first = problems.first { return "printed text does not read back: \(first.message)\n\(printed)" }
        if ScriptPrinter.print(again) != printed { return "printed text reads back differently:\n\(printed)" }
        return nil
    }
}
