import AutopilotModels

/// What is known where a script starts: whether a cluster and a release are in use, and the
/// variables already defined (from the command line and the environment).
public struct CheckScope: Sendable {
    /// True when a cluster is in use.
    public var clusterInUse: Bool
    /// True when a release is in use.
    public var releaseInUse: Bool
    /// The names of the variables defined before the script.
    public var variables: Set<String>

    /// A scope.
    public init(clusterInUse: Bool = false, releaseInUse: Bool = false, variables: Set<String> = []) {
        self.clusterInUse = clusterInUse
        self.releaseInUse = releaseInUse
        self.variables = variables
    }
}

/// Finds every problem in a script before anything runs: unknown statements (from the parser),
/// bad durations, release names the API would refuse, undefined variables, operations with no
/// cluster or release in context, and statements that can never run.
public struct Checker {
    private var scope: CheckScope
    /// True after an `abort` with no else: the next statement can never run.
    private var aborted = false
    private var diagnostics: [Diagnostic] = []

    /// Parses and checks source text: the script, and every problem sorted by place.
    public static func diagnose(_ source: SourceFile, scope: CheckScope = CheckScope()) -> (script: Script, diagnostics: [Diagnostic]) {
        let (script, parsed) = Parser.parse(source)
        var checker = Checker(scope: scope)
        checker.check(script.statements)
        return (script, Diagnostic.sorted(parsed + checker.diagnostics))
    }

    private init(scope: CheckScope) {
        self.scope = scope
    }

    private mutating func check(_ statements: [Statement]) {
        for statement in statements { check(statement) }
    }

    /// Checks a statement, then its else branches, each from the scope before them.
    private mutating func check(_ statement: Statement) {
        if aborted {
            diagnostics.append(
                Diagnostic("this statement can never run", at: statement.keywordRange, note: "the abort before it always stops the script"))
            aborted = false
        }
        checkArguments(of: statement)
        if case .abort = statement.kind, statement.elseBranch == nil { aborted = true }
        for branch in statement.elseBranch?.chain ?? [] {
            var inner = Checker(scope: scope)
            inner.check(branch.body)
            diagnostics += inner.diagnostics
        }
    }

    private mutating func checkArguments(of statement: Statement) {
        let kind = statement.kind
        let keyword = kind.keyword
        for word in kind.words { checkVariables(word) }
        switch kind {
        case .use(.cluster, _): scope.clusterInUse = true
        case .assign(let name, _): scope.variables.insert(name)
        case .set(.timeout(let word)), .set(.interval(let word)), .sleep(let word): checkDuration(word)
        case .set(.value(let path, _)):
            if let text = path.literal, !Self.isValuePath(text) {
                diagnostics.append(Diagnostic("'\(text)' is not a value path", at: path.range, note: "paths are keys joined by dots, e.g. basic.storage_size"))
            }
        case .wait(_, _, let timeout?, _): checkDuration(timeout)
        case .rollback(_, let version?, _):
            if let text = version.literal, Int(text).map({ $0 < 1 }) ?? true {
                diagnostics.append(Diagnostic("'\(text)' is not a version", at: version.range, note: "versions are whole numbers from 1"))
            }
        case .expect(.version, _, let comparison, let value, _, _):
            if let text = value.literal, Int(text) == nil {
                diagnostics.append(Diagnostic("version \(comparison.rawValue) needs a whole number, not '\(text)'", at: value.range))
            }
        case .expect(.status, _, _, let value, _, _):
            if let text = value.literal, WaitStatus(spelling: text) == nil {
                diagnostics.append(ArgumentReader.unknownStatus(text, at: value.range))
            }
        default: break
        }
        if keyword.takesTarget, kind.target?.cluster == nil, !scope.clusterInUse {
            diagnostics.append(
                Diagnostic(
                    "\(keyword.rawValue) needs a cluster, and none is in use", at: statement.keywordRange,
                    note: "add 'use cluster <id or alias>' before it, or 'on <cluster>'"))
        }
        if let named = kind.release {
            checkReleaseName(named)
            scope.releaseInUse = true
        } else if keyword.needsRelease && !scope.releaseInUse {
            diagnostics.append(
                Diagnostic(
                    "\(keyword.rawValue) needs a release, and none was named before it", at: statement.keywordRange,
                    note: "name it ('\(keyword.rawValue) testwww') or add 'use release <name>'"))
        }
    }

    /// Keys joined by single dots: not empty, no dot at either end, no two dots together.
    static func isValuePath(_ text: String) -> Bool {
        !text.isEmpty && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty }
    }

    private mutating func checkVariables(_ word: Word) {
        for part in word.parts {
            guard case .variable(let name, nil) = part, !scope.variables.contains(name) else { continue }
            diagnostics.append(
                Diagnostic(
                    "undefined variable '\(name)'", at: word.range,
                    note: "define it with 'let \(name) = ...', pass \(name)=value after --, set it in the environment, or write ${\(name):-default}"))
        }
    }

    private mutating func checkDuration(_ word: Word) {
        guard let text = word.literal, DurationText.parse(text) == nil else { return }
        diagnostics.append(Diagnostic("'\(text)' is not a duration", at: word.range, note: "write it like 500ms, 30s, 5m or 1h"))
    }

    private mutating func checkReleaseName(_ word: Word) {
        guard let name = word.literal, let problem = ReleaseName.problem(name) else { return }
        diagnostics.append(Diagnostic("release name '\(name)' would be refused by the API: \(problem)", at: word.range))
    }
}
