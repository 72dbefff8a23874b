import AutopilotModels
import Foundation
import RolloutRuntime
import RolloutSyntax

/// What a prompt session did that worked, kept to be saved as a script (`save FILE`): the context
/// the session started in, and each statement that succeeded, in order. A statement that failed,
/// one whose `else` ran (which would end a script there), and a change that was declined are left out.
struct SessionRecord {
    /// The context the first statement ran in: what the script pins at its top.
    let start: RunContext
    /// When the session began.
    let began: Date
    private(set) var statements: [Statement] = []

    init(start: RunContext, began: Date = Date()) {
        self.start = start
        self.began = began
    }

    /// Keeps a statement that worked.
    mutating func add(_ statement: Statement) { statements.append(statement) }

    /// The session as a script that runs again with the same effect: a header saying when and
    /// against what it was recorded and which secrets it needs, the starting context, then the
    /// statements (reads left out with `dropReads`). Secrets are variables, never literals.
    func script(target: String, dropReads: Bool, now: Date = Date()) -> String {
        var secrets = SavedSecrets()
        var body: [String] = []
        if let cluster = start.cluster { body.append("use cluster \(Word(cluster))") }
        body.append("use namespace \(Word(start.namespace))")
        for (name, value) in start.variables.sorted(by: { $0.key < $1.key }) {
            if SecretKeys.isSecret(name) { secrets.add(name, value: value) } else { body.append("let \(name) = \(Word(value))") }
        }
        for statement in statements where !(dropReads && statement.kind.keyword.onlyReads) {
            if let line = ScriptPrinter.saved(statement, secrets: &secrets) { body.append(line) }
        }
        var header = [
            "#!/usr/bin/env rollout",
            "# Saved from the rollout prompt at \(now.formatted(.iso8601)) (session began \(began.formatted(.iso8601))),",
            "# against \(target).",
        ]
        let unique = secrets.names
        if !unique.isEmpty {
            header.append("# It needs \(unique.joined(separator: ", ")): rollout FILE -- \(unique.map { "\($0)=..." }.joined(separator: " ")), or the environment.")
        }
        return (header + body).joined(separator: "\n") + "\n"
    }
}
