import AutopilotModels

/// Writes statements back as text that parses to the same tree (the property the tests check).
public enum ScriptPrinter {
    /// The script, one statement a line.
    public static func print(_ script: Script) -> String {
        script.statements.map { print($0) }.joined(separator: "\n") + "\n"
    }

    /// One statement with its else chain, on one line.
    public static func print(_ statement: Statement) -> String { written(statement, by: print) }

    /// One statement with its else chain as users see it (secret literals hidden).
    static func display(_ statement: Statement) -> String { written(statement, by: display) }

    /// A statement and its else chain, each statement's own part written by `kindText`.
    private static func written(_ statement: Statement, by kindText: (StatementKind) -> String) -> String {
        var out = kindText(statement.kind)
        for branch in statement.elseBranch?.chain ?? [] {
            let body = branch.body.map { written($0, by: kindText) }.joined(separator: "; ")
            out += branch.braced ? "; else { \(body) }" : "; else \(body)"
        }
        return out
    }

    /// One statement as users see it: a literal value given to a secret-named variable or value
    /// path shows as `******`, in a rollout's block too.
    public static func display(_ kind: StatementKind) -> String {
        let hidden = Word("******")
        switch kind {
        case .rollout(let group, let plan, let body):
            return rollout(group, plan, body.map { display($0) })
        case .assign(let name, _) where kind.secretLiteral != nil:
            return print(.assign(name: name, value: hidden))
        case .set(.value(let path, _)) where kind.secretLiteral != nil:
            return print(.set(.value(path: path, value: hidden)))
        default:
            return print(kind)
        }
    }

    /// One statement as a saved script writes it: a literal value given to a secret-named value path
    /// becomes a variable (`set value basic.password = ${BASIC_PASSWORD}`), and a secret `let` is left
    /// out, so the script is given its secrets when it runs and never holds them. The variables it
    /// needs are kept in `secrets`; nil for a statement left out.
    public static func saved(_ statement: Statement, secrets: inout SavedSecrets) -> String? {
        var found = secrets
        func kindText(_ kind: StatementKind) -> String {
            switch kind {
            case .rollout(let group, let plan, let body):
                return rollout(group, plan, body.map { written($0, by: kindText) })
            case .set(.value(let path, _)):
                guard let secret = kind.secretLiteral else { return print(kind) }
                let name = found.name(forPath: secret.name, value: secret.value)
                return print(.set(.value(path: path, value: Word(parts: [.variable(name: name, fallback: nil)], quoted: false, range: 0..<0))))
            default:
                return print(kind)
            }
        }
        if case .assign = statement.kind, let secret = statement.kind.secretLiteral {
            secrets.add(secret.name, value: secret.value)
            return nil
        }
        let text = written(statement, by: kindText)
        secrets = found
        return text
    }

    /// One statement without its else.
    public static func print(_ kind: StatementKind) -> String {
        var parts: [String] = [kind.keyword.rawValue]
        switch kind {
        case .use(let what, let word): parts += [what.rawValue, word.description]
        case .set(let setting):
            parts.append(setting.name)
            switch setting {
            case .value(let path, let value): parts += [path.description, "=", value.description]
            case .flag(_, let word): parts.append(word.literal ?? word.description)
            default: parts += setting.words.map(\.description)
            }
        case .assign(let name, let value): parts += [name, "=", value.description]
        case .call(let call): parts += words(of: call)
        case .group(let name, let members): parts += [name, "="] + words(of: members)
        case .analysis(let name, let spec): parts += [name, "="] + words(of: spec)
        case .rollout(let group, let plan, let body):
            return rollout(group, plan, body.map { print($0) })
        }
        return parts.joined(separator: " ")
    }

    /// A call's arguments as its form orders them: a slot's words, then its value; a comparison
    /// and a flag as they are spelled.
    static func words(of call: Call) -> [String] {
        call.given.flatMap { slot, words -> [String] in
            switch slot.kind {
            case .flag: return slot.introducer
            case .comparison: return words.compactMap(\.literal)
            default: return slot.introducer + words.map(\.description)
            }
        }
    }
}

extension ScriptPrinter {
    /// A rollout: its header, then its block of statements already written.
    static func rollout(_ group: String, _ plan: RolloutPlan, _ body: [String]) -> String {
        ([Keyword.rollout.rawValue, group] + words(of: plan)).joined(separator: " ") + " { " + body.joined(separator: "; ") + " }"
    }

    /// A group's members as written after `=`.
    static func words(of members: GroupMembers) -> [String] {
        switch members {
        case .clusters(let words): return [GroupSource.clusters.rawValue] + words.map(\.description)
        case .clustersMatching(let pattern): return [GroupSource.clusters.rawValue, QueryWord.matching.rawValue, pattern.description]
        case .releases(let words): return [GroupSource.releases.rawValue] + words.map(\.description)
        case .fleet(let word): return [GroupSource.fleet.rawValue, word.description]
        case .query(let query):
            var parts = [GroupSource.releases.rawValue]
            if let chart = query.chart { parts += [QueryWord.of.rawValue, Keyword.chart.rawValue, chart.description] }
            if let pattern = query.pattern { parts += [QueryWord.matching.rawValue, pattern.description] }
            if let namespace = query.namespace { parts += [ArgumentWord.in.rawValue, namespace.description] }
            return parts + [ArgumentWord.on.rawValue] + query.clusters.map(\.description)
        }
    }

    /// An analysis as written after `=`.
    static func words(of spec: AnalysisSpec) -> [String] {
        var parts = [spec.source.rawValue] + [spec.method, spec.query].compactMap { $0 }.map(\.description)
        switch spec.condition {
        case .compare(let comparison, let bound): parts += [comparison.rawValue, bound.description]
        case .between(let low, let high): parts += [ProbeWord.between.rawValue, low.description, ProbeWord.and.rawValue, high.description]
        case nil: break
        }
        if let status = spec.status { parts += [ProbeWord.expect.rawValue, status.description] }
        switch spec.body {
        case .contains(let text): parts += [ProbeWord.contains.rawValue, text.description]
        case .json(let path, let comparison, let value): parts += [ProbeWord.json.rawValue, path.description, comparison.rawValue, value.description]
        case nil: break
        }
        for option in AnalysisOption.allCases {
            switch option {
            case .dryRun: if spec.dryRun { parts.append(option.syntax) }
            case .noData: if spec.noDataOK { parts.append(option.syntax) }
            default: if let word = spec.values[option] { parts += [option.rawValue, word.description] }
            }
        }
        return parts
    }

    /// A rollout's header clauses, in the order `RolloutClause` lists them.
    static func words(of plan: RolloutPlan) -> [String] {
        var parts: [String] = []
        for clause in RolloutClause.allCases {
            switch clause {
            case .waves where !plan.waves.isEmpty: parts += [clause.rawValue] + plan.waves.map(\.spelling)
            case .parallel: if let word = plan.parallel { parts += [clause.rawValue, word.description] }
            case .soak: if let word = plan.soak { parts += [clause.rawValue, word.description] }
            case .analyze where !plan.analyses.isEmpty: parts += [clause.rawValue, plan.analyses.map(\.description).joined(separator: ", ")]
            case .halt:
                switch plan.halt {
                case .after(let word): parts += [clause.rawValue, HaltRule.afterWord, word.description]
                case .at(let word): parts += [clause.rawValue, HaltRule.atWord, word.description]
                case nil: break
                }
            case .then: if let policy = plan.policy { parts += [clause.rawValue, policy.spelling] }
            case .recovered: if plan.recoveredOK { parts.append(clause.syntax) }
            case .failures: if plan.failedOK { parts.append(clause.syntax) }
            default: break
            }
        }
        return parts
    }
}

/// Writes a word back: bare when it can be, else quoted with escapes.
enum WordPrinter {
    /// Words that mean something in a statement's arguments: a value spelled like one is quoted.
    static let reserved = Set(Keyword.allCases.flatMap { $0.form.slots.flatMap(\.introducer) } + [Keyword.else.rawValue])

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
        if case .literal(let text)? = word.parts.first, let first = text.unicodeScalars.first, "=!<>".unicodeScalars.contains(first) {
            needsQuotes = true
        }
        if let literal = word.literal, reserved.contains(literal) { needsQuotes = true }
        return needsQuotes ? "\"\(body)\"" : body
    }
}

/// The secrets a saved script is given when it runs, by variable name, each standing for one value:
/// a value path's name (`basic.db-password` → `BASIC_DB_PASSWORD`) that another secret already holds
/// with a different value gets a number (`BASIC_DB_PASSWORD_2`), so two secrets never share a variable.
public struct SavedSecrets: Sendable {
    private var values: [(name: String, value: String)] = []

    /// None yet.
    public init() {}

    /// The variable names, in the order first needed.
    public var names: [String] { values.map(\.name) }

    /// Each variable with the secret it holds (for running what was written, never for writing).
    public var bindings: [String: String] { Dictionary(values.map { ($0.name, $0.value) }) { first, _ in first } }

    /// Notes a secret variable the session had (a `let`, or one given on the command line).
    public mutating func add(_ name: String, value: String) {
        if !values.contains(where: { $0.name == name }) { values.append((name, value)) }
    }

    /// The variable for a secret value path's literal.
    mutating func name(forPath path: String, value: String) -> String {
        var base = String(path.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        if base.first?.isNumber == true { base = "_" + base }
        var name = base
        var number = 1
        while let held = values.first(where: { $0.name == name }), held.value != value {
            number += 1
            name = "\(base)_\(number)"
        }
        add(name, value: value)
        return name
    }
}
