import AutopilotClient
import Foundation
import LineEditor
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// The interactive prompt: `rollout demo/monitoring>`, with history, completion, a hint at the
/// right of the line, and the prompt's own commands (`help`, `context`, `vars`, `save`, `edit`,
/// `watch`, `exit`). Ctrl-C stops a running statement or clears the line; Ctrl-D exits.
struct Prompt {
    let choice: TargetChoice
    let store: any StateStore
    let options: OutputOptions
    let renderer: Renderer
    let confirmChanges: Bool
    let gates: GateOptions
    let lockTimeout: Duration

    func run(environment: [String: String], variables: [String: String]) async throws {
        let runner = try await ScriptRunner.open(
            choice, store: store, renderer: renderer, debug: options.debug, environment: environment, lockTimeout: lockTimeout)
        let start = RunContext(cluster: choice.defaultCluster, namespace: choice.defaultNamespace, variables: variables)
        let session = PromptSession(prompt: self, runner: runner, start: start, environment: environment)
        await session.prepare()
        Console.out("rollout \(RolloutVersion.current) on \(choice.describe(url: runner.session.url))")
        Console.out(renderer.style.dim("Type help for the statements, help <statement> for one, exit or Ctrl-D to leave."))
        await session.loop()
        await runner.close()
    }

    /// True while the text continues on the next line: it ends in `\\`, inside a string, or inside
    /// an else block.
    static func isOpen(_ text: String) -> Bool {
        if text.hasSuffix("\\") { return true }
        var lexer = Lexer(SourceFile(name: "prompt", text: text))
        let tokens = lexer.tokenize()
        if lexer.endedInString { return true }
        let opened = tokens.filter { $0.kind == .openBrace }.count
        let closed = tokens.filter { $0.kind == .closeBrace }.count
        return opened > closed
    }

    /// What history keeps of a line: the line, with every secret literal it assigns (`let
    /// DB_PASSWORD = x`, `set value basic.password = x`) and every value known to be secret
    /// replaced by `******`.
    static func historyForm(of script: Script, text: String) -> String {
        let secrets = script.everyStatement.compactMap { $0.kind.secretLiteral?.value }.filter { !$0.isEmpty }
        return SecretValues.known.mask(secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: SecretValues.mask) })
    }

    static func describe(_ change: PendingChange) -> String {
        var parts: [String] = []
        if let tag = change.tag { parts.append("tag \(tag)") }
        if let policy = change.pullPolicy { parts.append("pull-policy \(policy)") }
        for (path, value) in change.values { parts.append("\(path) = \(SecretKeys.isSecret(path) ? "******" : value.scalarText ?? value.jsonText)") }
        if let chart = change.chart { parts.append("chart \(chart)") }
        for (flag, on) in change.flags.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { parts.append("\(flag.rawValue) \(on ? "on" : "off")") }
        return parts.joined(separator: ", ")
    }
}
