import AutopilotModels

/// A parsed script: its statements in order.
public struct Script: Sendable, Equatable {
    /// The statements.
    public var statements: [Statement]

    /// A script of statements.
    public init(statements: [Statement]) { self.statements = statements }

    /// Every statement in it, in order: each followed by those of its rollout block and its else branches.
    public var everyStatement: [Statement] {
        func all(_ statements: [Statement]) -> [Statement] {
            statements.flatMap { statement -> [Statement] in
                var found = [statement]
                if case .rollout(_, _, let body) = statement.kind { found += all(body) }
                return found + (statement.elseBranch?.chain ?? []).flatMap { all($0.body) }
            }
        }
        return all(statements)
    }

    /// The names of every rollout gate in it, in order.
    public var gateNames: [String] {
        everyStatement.flatMap { statement -> [String] in
            if case .rollout(_, let plan, _) = statement.kind { return plan.gateNames }
            return []
        }
    }

    /// Every rollout gate in it, by name, with who may pass it (empty: anyone who may answer gates).
    public var gates: [String: [String]] {
        var gates: [String: [String]] = [:]
        for statement in everyStatement {
            guard case .rollout(_, let plan, _) = statement.kind else { continue }
            let approvers = plan.gateApprovers
            for name in plan.gateNames { gates[name] = approvers[name] ?? [] }
        }
        return gates
    }
}

/// One statement, where it is, the comment block above it, and what runs if it fails.
public struct Statement: Sendable, Equatable {
    /// What it does.
    public var kind: StatementKind
    /// Where its keyword is.
    public var location: SourceLocation
    /// Its keyword's bytes in the source.
    public var keywordRange: Range<Int>
    /// The comment lines directly above it (step mode shows them as narration).
    public var narration: [String]
    /// The `else` that runs when it fails.
    public var elseBranch: ElseBranch?

    /// Makes a statement.
    public init(
        kind: StatementKind, location: SourceLocation, keywordRange: Range<Int> = 0..<0, narration: [String] = [],
        elseBranch: ElseBranch? = nil
    ) {
        self.kind = kind
        self.location = location
        self.keywordRange = keywordRange
        self.narration = narration
        self.elseBranch = elseBranch
    }

    /// Two statements are equal when they read the same, wherever they stand.
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
    /// The `else` after this one.
    public var next: ElseBranch? {
        get { following.first }
        set { following = newValue.map { [$0] } ?? [] }
    }
    // An array (of at most one) keeps the recursive type finite.
    private var following: [ElseBranch]

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

    /// This branch and the ones after it, in order.
    public var chain: [ElseBranch] {
        [self] + (next?.chain ?? [])
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

    /// The word after `set`.
    public var name: String {
        switch self {
        case .tag: return SettingName.tag.rawValue
        case .pullPolicy: return SettingName.pullPolicy.rawValue
        case .value: return SettingName.value.rawValue
        case .chart: return SettingName.chart.rawValue
        case .timeout: return SettingName.timeout.rawValue
        case .interval: return SettingName.interval.rawValue
        case .flag(let flag, _): return flag.rawValue
        }
    }

    /// Its words, in order.
    public var words: [Word] {
        switch self {
        case .tag(let w), .pullPolicy(let w), .chart(let w), .timeout(let w), .interval(let w), .flag(_, let w): return [w]
        case .value(let path, let value): return [path, value]
        }
    }
}

/// Every statement of the language: those read by their form's slots are calls; the rest have
/// shapes of their own.
public enum StatementKind: Sendable, Equatable {
    case use(UseKind, Word)
    case set(Setting)
    case assign(name: String, value: Word)
    /// A statement read by its form's slots (upgrade, wait, echo…).
    case call(Call)
    case group(name: String, members: GroupMembers)
    case analysis(name: String, spec: AnalysisSpec)
    case rollout(group: String, plan: RolloutPlan, body: [Statement])

    /// The secret this statement writes as a literal, if it does: a `let` of a secret-named variable
    /// or a `set value` of a secret-named path, given a value with no variable in it. What history,
    /// display and saved scripts hide.
    public var secretLiteral: (name: String, value: String)? {
        switch self {
        case .assign(let name, let value) where SecretKeys.isSecret(name) && value.variables.isEmpty:
            return (name, value.literal ?? "")
        case .set(.value(let path, let value)) where SecretKeys.isSecret(path.literal ?? "") && value.variables.isEmpty:
            return (path.literal ?? "", value.literal ?? "")
        default:
            return nil
        }
    }

    /// The analysis it defines, if it is one.
    public var analysisSpec: AnalysisSpec? {
        if case .analysis(_, let spec) = self { return spec }
        return nil
    }

    /// The statement's keyword.
    public var keyword: Keyword {
        switch self {
        case .use: return .use
        case .set: return .set
        case .assign: return .let
        case .call(let call): return call.keyword
        case .group: return .group
        case .analysis: return .analysis
        case .rollout: return .rollout
        }
    }

    /// The call, for a statement read by its slots.
    public var call: Call? {
        if case .call(let call) = self { return call }
        return nil
    }

    /// The release it names, if any.
    public var release: Word? {
        switch self {
        case .call(let call): return call[.release]
        case .use(.release, let release): return release
        default: return nil
        }
    }

    /// Its `in` and `on`, if it takes them.
    public var target: Target? { call?.target }

    /// Every word it holds, in order.
    public var words: [Word] {
        switch self {
        case .use(_, let w): return [w]
        case .set(let setting): return setting.words
        case .assign(_, let value): return [value]
        case .call(let call): return call.words
        case .group(_, let members): return members.words
        case .analysis(_, let spec): return spec.words
        case .rollout(_, let plan, _): return plan.words
        }
    }
}

/// The members a `group` statement names.
public enum GroupMembers: Sendable, Equatable {
    /// `clusters <cluster> ...`.
    case clusters([Word])
    /// `clusters matching <pattern>`: the project's clusters whose name matches, read when it runs.
    case clustersMatching(Word)
    /// `releases <cluster>/<namespace>/<release> ...`.
    case releases([Word])
    /// `fleet <name>`: from the profile's `[fleets]` table.
    case fleet(Word)
    /// `releases [of chart <name>] [matching <pattern>] [in <namespace>] on <cluster or group> ...`.
    case query(ReleaseQuery)

    /// Its words, in order.
    public var words: [Word] {
        switch self {
        case .clusters(let words), .releases(let words): return words
        case .fleet(let word), .clustersMatching(let word): return [word]
        case .query(let query): return [query.chart, query.pattern, query.namespace].compactMap { $0 } + query.clusters
        }
    }
}

/// Releases read from the API: those of a chart, or whose name matches a pattern, on some clusters.
public struct ReleaseQuery: Sendable, Equatable {
    /// `of chart <name>`.
    public var chart: Word?
    /// `matching <pattern>`.
    public var pattern: Word?
    /// `in <namespace>`.
    public var namespace: Word?
    /// `on <cluster or group of clusters> ...`.
    public var clusters: [Word]

    /// Makes a query.
    public init(chart: Word? = nil, pattern: Word? = nil, namespace: Word? = nil, clusters: [Word]) {
        self.chart = chart
        self.pattern = pattern
        self.namespace = namespace
        self.clusters = clusters
    }
}

/// How a `rollout` goes through its group: waves, parallelism, soak, halt rule and policy.
public struct RolloutPlan: Sendable, Equatable {
    /// The `waves` list; empty for one wave of every member.
    public var waves: [WaveStep]
    /// Where the `waves` clause is, for diagnostics.
    public var wavesRange: Range<Int> {
        get { wavesSpan.range }
        set { wavesSpan.range = newValue }
    }
    private var wavesSpan: SourceSpan
    /// `parallel <n>`.
    public var parallel: Word?
    /// `soak <d>`.
    public var soak: Word?
    /// `analyze <analysis>, ...`: what each member is measured by while its wave soaks.
    public var analyses: [Word]
    /// `halt after <n>` or `halt at <p>%`.
    public var halt: HaltRule?
    /// `then rollback failed|wave|all` or `then hold`.
    public var policy: HaltPolicy?
    /// `recovered ok`.
    public var recoveredOK: Bool
    /// `failures ok`.
    public var failedOK: Bool

    /// Makes a plan.
    public init(
        waves: [WaveStep] = [], wavesRange: Range<Int> = 0..<0, parallel: Word? = nil, soak: Word? = nil, analyses: [Word] = [],
        halt: HaltRule? = nil, policy: HaltPolicy? = nil, recoveredOK: Bool = false, failedOK: Bool = false
    ) {
        self.analyses = analyses
        self.waves = waves
        self.wavesSpan = SourceSpan(range: wavesRange)
        self.parallel = parallel
        self.soak = soak
        self.halt = halt
        self.policy = policy
        self.recoveredOK = recoveredOK
        self.failedOK = failedOK
    }

    /// Its words, in order.
    public var words: [Word] { [parallel, soak, halt?.word].compactMap { $0 } }

    /// Its gates by the wave each opens (from 2); a gate with no name is named after that wave.
    public var gates: [Int: String] {
        var gates: [Int: String] = [:]
        var wave = 0
        for step in waves {
            switch step {
            case .gate(let name, _, _): gates[wave + 1] = name ?? Self.gateName(beforeWave: wave + 1)
            default: wave += 1
            }
        }
        return gates
    }

    /// The checks of its gates by the wave each opens: the gates an analysis decides.
    public var gateChecks: [Int: GateCheck] {
        var checks: [Int: GateCheck] = [:]
        var wave = 0
        for step in waves {
            switch step {
            case .gate(_, let check, _): checks[wave + 1] = check
            default: wave += 1
            }
        }
        return checks
    }

    /// Who may pass each gate that names them, by the gate's name.
    public var gateApprovers: [String: [String]] {
        var approvers: [String: [String]] = [:]
        var wave = 0
        for step in waves {
            switch step {
            case .gate(let name, _, let names) where !names.isEmpty: approvers[name ?? Self.gateName(beforeWave: wave + 1)] = names
            case .gate: break
            default: wave += 1
            }
        }
        return approvers
    }

    /// The names of the gates a person answers (those with no analysis, or that also ask), in
    /// order; a gate that names who may pass it is passed only by them (`gateApprovers`).
    public var askedGateNames: [String] {
        let (checks, approvers) = (gateChecks, gateApprovers)
        return gates.sorted { $0.key < $1.key }.filter { (checks[$0.key].map(\.ask) ?? true) && approvers[$0.value] == nil }.map(\.value)
    }

    /// The names of its gates, in order.
    public var gateNames: [String] { gates.sorted { $0.key < $1.key }.map(\.value) }

    /// The name of an unnamed gate before a wave.
    public static func gateName(beforeWave wave: Int) -> String { "wave-\(wave)" }
}

/// Where something stands in the source. Two are always equal, so that types holding one compare
/// by what they say and not where they were written.
struct SourceSpan: Sendable, Equatable {
    var range: Range<Int>

    static func == (lhs: Self, rhs: Self) -> Bool { true }
}
