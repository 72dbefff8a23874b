/// Finds every problem in a script before anything runs: unknown statements (from the parser),
/// bad durations, release names the API would refuse, undefined variables, operations with no
/// cluster or release in context, and statements that can never run.
public struct Checker {
    private var cluster: Bool
    private var release: Bool
    private var variables: Set<String>
    private let environment: [String: String]
    /// True after an `abort` with no else: the next statement can never run.
    private var aborted = false
    private(set) var diagnostics: [Diagnostic] = []
    /// The variable names it found undefined: for a checker started from a guessed state
    /// (`midway`), the names the real state must not define.
    private(set) var undefinedNames: Set<String> = []

    /// Checks a script; `context` is where it starts, `environment` the variables it may read.
    public static func check(
        _ script: Script, context: RunContext = RunContext(), environment: [String: String] = [:]
    ) -> [Diagnostic] {
        var checker = Checker(context: context, environment: environment)
        checker.check(script.statements)
        return checker.diagnostics
    }

    /// Parses and checks source text: every diagnostic, sorted by place.
    public static func diagnose(
        _ source: SourceFile, context: RunContext = RunContext(), environment: [String: String] = [:]
    ) -> (script: Script, diagnostics: [Diagnostic]) {
        var statements: [Statement] = []
        let diagnostics = diagnose(source, context: context, environment: environment) { statements.append($0) }
        return (Script(statements: statements), diagnostics)
    }

    /// Parses and checks source text without keeping the script (`rollout check`): every diagnostic,
    /// sorted by place. Each statement is checked as soon as it is parsed.
    public static func problems(
        in source: SourceFile, context: RunContext = RunContext(), environment: [String: String] = [:]
    ) -> [Diagnostic] {
        problems(in: source, context: context, environment: environment, halvesFrom: HalvesCheck.minimumBytes)
    }

    /// `problems(in:)`, reading a script of at least `minimum` bytes in two halves at once.
    static func problems(
        in source: SourceFile, context: RunContext, environment: [String: String], halvesFrom minimum: Int
    ) -> [Diagnostic] {
        if let split = HalvesCheck.splitPoint(in: source.bytes, minimum: minimum),
            let problems = HalvesCheck.problems(in: source, splitAt: split, context: context, environment: environment)
        {
            return problems
        }
        return diagnose(source, context: context, environment: environment) { _ in }
    }

    private static func diagnose(
        _ source: SourceFile, context: RunContext, environment: [String: String], keep: (Statement) -> Void
    ) -> [Diagnostic] {
        var checker = Checker(context: context, environment: environment)
        let parseDiagnostics = Parser.parse(source) { statement in
            checker.checkInOrder(statement)
            keep(statement)
        }
        return sorted(parseDiagnostics + checker.diagnostics)
    }

    /// Diagnostics by place.
    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.sorted { ($0.location.offset, $0.message) < ($1.location.offset, $1.message) }
    }

    init(context: RunContext, environment: [String: String]) {
        cluster = context.cluster != nil
        release = context.release != nil
        variables = Set(context.variables.keys)
        self.environment = environment
    }

    /// A checker for the second half of a script, started as most scripts stand at their middle: a
    /// cluster and a release in use, no abort before, and only the context's variables.
    static func midway(context: RunContext, environment: [String: String]) -> Checker {
        var checker = Checker(context: context, environment: environment)
        checker.cluster = true
        checker.release = true
        return checker
    }

    /// True when this checker's state (at the end of a script's first half) would have checked the
    /// second half as `guess`, started `midway`, did: the guess's state holds, and nothing the guess
    /// found undefined is defined.
    func agrees(with guess: Checker) -> Bool {
        cluster && release && !aborted && guess.undefinedNames.isDisjoint(with: variables)
    }

    private mutating func check(_ statements: [Statement]) {
        for statement in statements { checkInOrder(statement) }
    }

    /// Checks the next statement of a list, then its else branches (each from the context before them).
    mutating func checkInOrder(_ statement: Statement) {
        if aborted {
            diagnostics.append(
                Diagnostic(
                    "this statement can never run", at: statement.location, length: statement.kind.keyword.count,
                    note: "the abort before it always stops the script"))
            aborted = false
        }
        check(statement)
        if case .abort = statement.kind, statement.elseBranch == nil { aborted = true }
        var branch = statement.elseBranch
        while let current = branch {
            var inner = self
            inner.diagnostics = []
            inner.aborted = false
            inner.check(current.body)
            diagnostics += inner.diagnostics
            undefinedNames.formUnion(inner.undefinedNames)
            branch = current.next
        }
    }

    private mutating func check(_ statement: Statement) {
        let kind = statement.kind
        checkVariables(of: kind)
        switch kind {
        case .use(.cluster, _): cluster = true
        case .use(.release, let word): checkReleaseName(word); release = true
        case .use(.namespace, _): break
        case .assign(let name, _): variables.insert(name)
        case .set(.timeout(let word)), .set(.interval(let word)), .sleep(let word): checkDuration(word)
        case .set(.value(let path, _)):
            if let text = path.literal, !Self.isValuePath(text) {
                diagnostics.append(Diagnostic("'\(text)' is not a value path", at: path.location, length: path.length, note: "paths are keys joined by dots, e.g. basic.storage_size"))
            }
        case .set: break
        case .charts, .chart, .values, .echo, .pause, .abort: break
        default: break
        }
        if let target = kind.target {
            if target.cluster == nil && !cluster {
                diagnostics.append(
                    Diagnostic(
                        "\(kind.keyword) needs a cluster, and none is in use", at: statement.location, length: kind.keyword.count,
                        note: "add 'use cluster <id or alias>' before it, or 'on <cluster>'"))
            }
        }
        if let named = kind.release {
            checkReleaseName(named)
            if case .use = kind {} else { release = true }
        } else if needsRelease(kind) && !release {
            diagnostics.append(
                Diagnostic(
                    "\(kind.keyword) needs a release, and none was named before it", at: statement.location,
                    length: kind.keyword.count, note: "name it ('\(kind.keyword) testwww') or add 'use release <name>'"))
        }
        switch kind {
        case .wait(_, _, let timeout?, _): checkDuration(timeout)
        case .rollback(_, let version?, _):
            if let text = version.literal, Int(text).map({ $0 < 1 }) ?? true {
                diagnostics.append(Diagnostic("'\(text)' is not a version", at: version.location, length: version.length, note: "versions are whole numbers from 1"))
            }
        case .expect(.version, let op, let value, _, _):
            if let text = value.literal, Int(text) == nil {
                diagnostics.append(Diagnostic("version \(op) needs a whole number, not '\(text)'", at: value.location, length: value.length))
            }
        case .expect(.status, _, let value, _, _):
            if let text = value.literal, WaitTarget(text) == nil {
                diagnostics.append(Diagnostic("unknown status '\(text)'", at: value.location, length: value.length, note: "statuses: \(WaitTarget.names.joined(separator: ", "))"))
            }
        default: break
        }
    }

    /// Keys joined by single dots: not empty, no dot at either end, no two dots together. (Byte by byte:
    /// `String.contains` on a string goes through the string-processing searcher, a tenth of check's time.)
    static func isValuePath(_ text: String) -> Bool {
        var previous: UInt8 = UInt8(ascii: ".")
        for byte in text.utf8 {
            if byte == UInt8(ascii: "."), previous == UInt8(ascii: ".") { return false }
            previous = byte
        }
        return !text.isEmpty && previous != UInt8(ascii: ".")
    }

    private func needsRelease(_ kind: StatementKind) -> Bool {
        switch kind {
        case .upgrade, .rollback, .uninstall, .show, .status, .history, .wait, .expect: return true
        default: return false
        }
    }

    private mutating func checkVariables(_ word: Word) {
        guard !word.isPlainText else { return }
        for part in word.parts {
            guard case .variable(let name, let fallback) = part, fallback == nil else { continue }
            if !variables.contains(name) && environment[name] == nil {
                undefinedNames.insert(name)
                diagnostics.append(
                    Diagnostic(
                        "undefined variable '\(name)'", at: word.location, length: word.length,
                        note: "define it with 'let \(name) = ...', pass \(name)=value after --, set it in the environment, or write ${\(name):-default}"))
            }
        }
    }

    private mutating func checkDuration(_ word: Word) {
        guard let text = word.literal else { return }
        if DurationText.parse(text) == nil {
            diagnostics.append(Diagnostic("'\(text)' is not a duration", at: word.location, length: word.length, note: "write it like 500ms, 30s, 5m or 1h"))
        }
    }

    private mutating func checkReleaseName(_ word: Word) {
        guard let name = word.literal, let problem = ReleaseName.problem(name) else { return }
        diagnostics.append(Diagnostic("release name '\(name)' would be refused by the API: \(problem)", at: word.location, length: word.length))
    }

    /// Checks the variables of every word of a statement (one by one, without collecting the words: this
    /// runs for every statement).
    private mutating func checkVariables(of kind: StatementKind) {
        func add(_ word: Word?) { if let word { checkVariables(word) } }
        func add(_ target: Target?) { add(target?.namespace); add(target?.cluster) }
        switch kind {
        case .use(_, let w), .chart(let w), .values(let w), .sleep(let w): add(w)
        case .set(let setting):
            switch setting {
            case .tag(let w), .pullPolicy(let w), .chart(let w), .timeout(let w), .interval(let w), .flag(_, let w): add(w)
            case .value(let path, let value): add(path); add(value)
            }
        case .assign(_, let value): add(value)
        case .upgrade(let r, let t), .uninstall(let r, let t), .show(let r, let t), .status(let r, let t), .history(let r, let t):
            add(r); add(t)
        case .rollback(let r, let v, let t): add(r); add(v); add(t)
        case .install(let r, let c, let t): add(r); add(c); add(t)
        case .list(let t): add(t)
        case .charts: break
        case .wait(let s, let r, let timeout, let t): add(s); add(r); add(timeout); add(t)
        case .expect(let field, _, let value, let r, let t):
            if case .value(let path) = field { add(path) }
            add(value); add(r); add(t)
        case .echo(let words): for word in words { add(word) }
        case .pause(let w), .abort(let w): add(w)
        }
    }
}

/// The API's rule for release names.
public enum ReleaseName {
    /// Nil when the API accepts the name, else why not.
    public static func problem(_ name: String) -> String? {
        var name = name
        return name.withUTF8(problem(in:))
    }

    private static func problem(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let first = bytes.first, let last = bytes.last else { return "it is empty" }
        func lowerOrDigit(_ b: UInt8) -> Bool { (97...122).contains(b) || (48...57).contains(b) }
        if !(97...122).contains(first) { return "it must start with a lowercase letter" }
        if !bytes.allSatisfy({ lowerOrDigit($0) || $0 == 45 }) { return "only lowercase letters, digits and '-' are allowed" }
        if !lowerOrDigit(last) { return "it must end with a letter or digit" }
        if bytes.count > 53 { return "it is longer than 53 characters" }
        return nil
    }
}
