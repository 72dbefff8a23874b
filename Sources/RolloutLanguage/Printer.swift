import AutopilotClient

/// Writes statements back as text that parses to the same tree (the property the tests check).
public enum ScriptPrinter {
    /// The script, one statement a line.
    public static func print(_ script: Script) -> String {
        script.statements.map { print($0) }.joined(separator: "\n") + "\n"
    }

    /// One statement with its else chain, on one line.
    public static func print(_ statement: Statement) -> String {
        var out = print(statement.kind)
        var branch = statement.elseBranch
        while let current = branch {
            if current.braced {
                out += "; else { " + current.body.map { print($0) }.joined(separator: "; ") + " }"
            } else {
                out += "; else " + current.body.map { print($0) }.joined(separator: "; ")
            }
            branch = current.next
        }
        return out
    }

    /// One statement as users see it: a literal value that a secret-named variable or value
    /// path is given shows as `******`.
    public static func display(_ kind: StatementKind) -> String {
        let hidden = Word("******", location: SourceLocation(file: "", line: 0, column: 0, offset: 0))
        switch kind {
        case .assign(let name, let value) where SecretKeys.isSecret(name) && value.variables.isEmpty:
            return print(.assign(name: name, value: hidden))
        case .set(.value(let path, let value)) where SecretKeys.isSecret(path.literal ?? "") && value.variables.isEmpty:
            return print(.set(.value(path: path, value: hidden)))
        default:
            return print(kind)
        }
    }

    /// One statement without its else.
    public static func print(_ kind: StatementKind) -> String {
        var parts: [String] = [kind.keyword]
        func add(_ word: Word?) { if let word { parts.append(word.description) } }
        func add(_ target: Target) {
            if let namespace = target.namespace { parts += ["in", namespace.description] }
            if let cluster = target.cluster { parts += ["on", cluster.description] }
        }
        switch kind {
        case .use(let what, let word): parts += [what.rawValue, word.description]
        case .set(let setting):
            switch setting {
            case .tag(let w): parts += ["tag", w.description]
            case .pullPolicy(let w): parts += ["pull-policy", w.description]
            case .value(let path, let value): parts += ["value", path.description, "=", value.description]
            case .chart(let w): parts += ["chart", w.description]
            case .timeout(let w): parts += ["timeout", w.description]
            case .interval(let w): parts += ["interval", w.description]
            case .flag(let flag, let w): parts += [flag.rawValue, w.literal ?? w.description]
            }
        case .assign(let name, let value): parts += [name, "=", value.description]
        case .upgrade(let release, let target), .uninstall(let release, let target), .show(let release, let target),
            .status(let release, let target), .history(let release, let target):
            add(release)
            add(target)
        case .rollback(let release, let version, let target):
            add(release)
            if let version { parts += ["to", version.description] }
            add(target)
        case .install(let release, let chart, let target):
            parts += [release.description, "from", "chart", chart.description]
            add(target)
        case .list(let target): add(target)
        case .charts: break
        case .chart(let w), .values(let w), .sleep(let w): parts.append(w.description)
        case .wait(let status, let release, let timeout, let target):
            parts.append(status.description)
            if let release { parts += ["for", release.description] }
            if let timeout { parts += ["timeout", timeout.description] }
            add(target)
        case .expect(let field, let op, let value, let release, let target):
            parts.append(field.name)
            if case .value(let path) = field { parts.append(path.description) }
            parts += [op, value.description]
            if let release { parts += ["for", release.description] }
            add(target)
        case .echo(let words): parts += words.map(\.description)
        case .pause(let w), .abort(let w): add(w)
        }
        return parts.joined(separator: " ")
    }
}

/// Writes a word back: bare when it can be, else quoted with escapes.
enum WordPrinter {
    static let reserved: Set<String> = ["in", "on", "for", "timeout", "to", "from", "else"]

    static func print(_ word: Word) -> String {
        var body = ""
        var needsQuotes = word.quoted || word.parts.isEmpty
        for part in word.parts {
            switch part {
            case .literal(let text):
                for scalar in text.unicodeScalars {
                    switch scalar {
                    case "\"": body += "\\\""; needsQuotes = true
                    case "\\": body += "\\\\"; needsQuotes = true
                    case "\n": body += "\\n"; needsQuotes = true
                    case "\t": body += "\\t"; needsQuotes = true
                    case "$": body += "\\$"
                    case " ", ";", "{", "}", "#", "\r": body.unicodeScalars.append(scalar); needsQuotes = true
                    default: body.unicodeScalars.append(scalar)
                    }
                }
            case .variable(let name, let fallback):
                body += fallback.map { "${\(name):-\($0)}" } ?? "${\(name)}"
            }
        }
        if let first = word.parts.first, case .literal(let text) = first, let c = text.unicodeScalars.first,
            "=!<>".unicodeScalars.contains(c)
        {
            needsQuotes = true
        }
        if let literal = word.literal, reserved.contains(literal) { needsQuotes = true }
        return needsQuotes ? "\"\(body)\"" : body
    }
}
