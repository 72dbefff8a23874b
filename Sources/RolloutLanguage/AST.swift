/// A parsed script: its statements in order.
public struct Script: Sendable, Equatable {
    /// The statements.
    public var statements: [Statement]

    /// A script of statements.
    public init(statements: [Statement]) { self.statements = statements }
}

/// One statement, where it is, the comment block above it, and what runs if it fails.
public struct Statement: Sendable, Equatable {
    /// What it does.
    public var kind: StatementKind
    /// Where it starts.
    public var location: SourceLocation
    /// The narration and else branch, which most statements lack, kept in one box: a statement is
    /// copied as it moves from the parser to the checker, and each stored array is a reference to count.
    private var extras: Extras?

    private struct Extras: Sendable {
        var narration: [String]
        var elseBranch: ElseBranch?
    }

    /// The comment lines directly above it (step mode shows them as narration).
    public var narration: [String] {
        get { extras?.narration ?? [] }
        set { setExtras(narration: newValue, elseBranch: elseBranch) }
    }
    /// The `else` that runs when it fails.
    public var elseBranch: ElseBranch? {
        get { extras?.elseBranch }
        set { setExtras(narration: narration, elseBranch: newValue) }
    }

    /// Makes a statement.
    public init(kind: StatementKind, location: SourceLocation, narration: [String] = [], elseBranch: ElseBranch? = nil) {
        self.kind = kind
        self.location = location
        setExtras(narration: narration, elseBranch: elseBranch)
    }

    private mutating func setExtras(narration: [String], elseBranch: ElseBranch?) {
        extras = narration.isEmpty && elseBranch == nil ? nil : Extras(narration: narration, elseBranch: elseBranch)
    }

    public static func == (lhs: Statement, rhs: Statement) -> Bool {
        lhs.kind == rhs.kind && lhs.elseBranch == rhs.elseBranch
    }
}

/// `else <statement>` or `else { ... }`, with the next `else` for when it fails too.
public struct ElseBranch: Sendable, Equatable {
    /// What runs.
    public var body: [Statement]
    /// True for `{ ... }`.
    public var braced: Bool
    // An array (of at most one) keeps the recursive type finite.
    private var following: [ElseBranch]

    /// The `else` after this one.
    public var next: ElseBranch? {
        get { following.first }
        set { following = newValue.map { [$0] } ?? [] }
    }

    /// Makes a branch.
    public init(body: [Statement], braced: Bool, next: ElseBranch? = nil) {
        self.body = body
        self.braced = braced
        self.following = next.map { [$0] } ?? []
    }

    /// A copy with `branch` at the end of the chain.
    func appending(_ branch: ElseBranch) -> ElseBranch {
        var copy = self
        copy.next = next.map { $0.appending(branch) } ?? branch
        return copy
    }
}

/// `in <namespace>` and `on <cluster>`, on any operation.
public struct Target: Sendable, Equatable {
    /// `in <namespace>`.
    public var namespace: Word?
    /// `on <cluster>`.
    public var cluster: Word?

    /// Makes a target.
    public init(namespace: Word? = nil, cluster: Word? = nil) {
        self.namespace = namespace
        self.cluster = cluster
    }
}

/// What `use` sets.
public enum UseKind: String, Sendable, CaseIterable {
    case cluster, namespace, release
}

/// A boolean API parameter `set` can turn on or off.
public enum ParameterFlag: String, Sendable, CaseIterable {
    case dryRun = "dry-run"
    case resetValues = "reset-values"
    case recreate
    case noHooks = "no-hooks"
    case includeHooks = "include-hooks"
    case replace
}

/// What `set` sets.
public enum Setting: Sendable, Equatable {
    /// `set tag <v>`: `values.imageTag` of the next change.
    case tag(Word)
    /// `set pull-policy <v>`: `values.imagePullPolicy`.
    case pullPolicy(Word)
    /// `set value <path> = <v>`: any other chart value.
    case value(path: Word, value: Word)
    /// `set chart <id>`: the chart of the next upgrade.
    case chart(Word)
    /// `set timeout <d>`: how long a wait waits.
    case timeout(Word)
    /// `set interval <d>`: how often a wait looks first.
    case interval(Word)
    /// `set dry-run on` and the other API flags.
    case flag(ParameterFlag, Word)
}

/// What `expect` compares.
public enum ExpectField: Sendable, Equatable {
    case status, version, tag
    case chartVersion
    case chart
    case pullPolicy
    /// `expect value basic.storage_size == 20G`.
    case value(Word)

    var name: String {
        switch self {
        case .status: return "status"
        case .version: return "version"
        case .tag: return "tag"
        case .chartVersion: return "chart-version"
        case .chart: return "chart"
        case .pullPolicy: return "pull-policy"
        case .value: return "value"
        }
    }
}

/// Every statement of the language. Indirect: inline, the largest case made every statement 272 bytes,
/// copied whole between the parser, the checker and each `switch` (`rollout check` spent a tenth of its
/// time in `memmove`); boxed, a copy is a reference.
public indirect enum StatementKind: Sendable, Equatable {
    case use(UseKind, Word)
    case set(Setting)
    case assign(name: String, value: Word)
    case upgrade(release: Word?, target: Target)
    case rollback(release: Word?, version: Word?, target: Target)
    case install(release: Word, chart: Word, target: Target)
    case uninstall(release: Word?, target: Target)
    case show(release: Word?, target: Target)
    case status(release: Word?, target: Target)
    case list(target: Target)
    case history(release: Word?, target: Target)
    case charts
    case chart(Word)
    case values(Word)
    case wait(status: Word, release: Word?, timeout: Word?, target: Target)
    case expect(field: ExpectField, op: String, value: Word, release: Word?, target: Target)
    case sleep(Word)
    case echo([Word])
    case pause(Word?)
    case abort(Word?)

    /// The statement's keyword.
    public var keyword: String {
        switch self {
        case .use: return "use"
        case .set: return "set"
        case .assign: return "let"
        case .upgrade: return "upgrade"
        case .rollback: return "rollback"
        case .install: return "install"
        case .uninstall: return "uninstall"
        case .show: return "show"
        case .status: return "status"
        case .list: return "list"
        case .history: return "history"
        case .charts: return "charts"
        case .chart: return "chart"
        case .values: return "values"
        case .wait: return "wait"
        case .expect: return "expect"
        case .sleep: return "sleep"
        case .echo: return "echo"
        case .pause: return "pause"
        case .abort: return "abort"
        }
    }

    /// True for statements that change a release.
    public var isChange: Bool {
        switch self {
        case .upgrade, .rollback, .install, .uninstall: return true
        default: return false
        }
    }

    /// The release it names, if any.
    var release: Word? {
        switch self {
        case .upgrade(let release, _), .uninstall(let release, _), .show(let release, _), .status(let release, _),
            .history(let release, _), .rollback(let release, _, _):
            return release
        case .install(let release, _, _): return release
        case .wait(_, let release, _, _), .expect(_, _, _, let release, _): return release
        case .use(.release, let word): return word
        default: return nil
        }
    }

    /// Its `in` and `on`, if it takes them.
    var target: Target? {
        switch self {
        case .upgrade(_, let target), .uninstall(_, let target), .show(_, let target), .status(_, let target),
            .history(_, let target), .rollback(_, _, let target), .install(_, _, let target), .list(let target),
            .wait(_, _, _, let target), .expect(_, _, _, _, let target):
            return target
        default: return nil
        }
    }
}
