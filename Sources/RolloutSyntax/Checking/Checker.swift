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
    /// The profile's named fleets and their members, for `group ... = fleet <name>`.
    public var fleets: [String: [String]]
    /// How a rollout's gates can be answered.
    public var gates: GateAnswers
    /// True when a run waits for `rollout approve` at a gate (`--gate-wait`), the only answer to a
    /// gate that names who may pass it.
    public var awaitsApprovals = false
    /// The cluster aliases the target knows, so that a group member that is neither one of them nor
    /// a cluster id is caught; nil when they are not known.
    public var clusterAliases: Set<String>?
    /// The groups defined so far, and what they hold (at a prompt, those of earlier lines).
    public var groups: [String: GroupKind] = [:]
    /// The analyses defined so far (at a prompt, those of earlier lines).
    public var analyses: Set<String> = []
    /// The variables whose values are known before anything runs (the command line's), so that a
    /// `parallel ${N}` or `timeout ${T}` is checked with its value; a `let` of one forgets it.
    public var values: [String: String] = [:]
    /// True inside a rollout block.
    var inRollout = false

    /// A scope.
    public init(
        clusterInUse: Bool = false, releaseInUse: Bool = false, variables: Set<String> = [], fleets: [String: [String]] = [:],
        gates: GateAnswers = .asked, clusterAliases: Set<String>? = nil
    ) {
        self.clusterAliases = clusterAliases
        self.clusterInUse = clusterInUse
        self.releaseInUse = releaseInUse
        self.variables = variables
        self.fleets = fleets
        self.gates = gates
    }
}

/// How a rollout's gates are answered: asked at a terminal, or passed by the command line
/// (`--yes` passes all, `--approve NAME` one), or else they fail.
public enum GateAnswers: Sendable, Equatable {
    /// Someone at the terminal is asked.
    case asked
    /// Off a terminal: the gates the command line approves pass, the others fail.
    case approved(all: Bool, names: Set<String>)

    /// True when the gate will pass or be asked.
    public func answers(_ gate: String) -> Bool {
        switch self {
        case .asked: return true
        case .approved(let all, let names): return all || names.contains(gate)
        }
    }
}

/// What a group holds, as far as the checker can tell.
public struct GroupKind: Sendable {
    /// True for releases, false for clusters, nil when it is not known before the run.
    public var holdsReleases: Bool?
    /// How many members, when it is known before the run.
    public var size: Int?

    /// A group's kind.
    public init(holdsReleases: Bool? = nil, size: Int? = nil) {
        self.holdsReleases = holdsReleases
        self.size = size
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
    /// The groups this source defines and the gates it names: each once.
    private var groupsDefinedHere: Set<String> = []
    private var gatesNamedHere: Set<String> = []
    private var analysesDefinedHere: Set<String> = []

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
        if statement.kind.keyword.form.effect == .stops, statement.elseBranch == nil { aborted = true }
        for branch in statement.elseBranch?.chain ?? [] {
            var inner = Checker(scope: scope)
            inner.check(branch.body)
            diagnostics += inner.diagnostics
        }
    }

    /// Checks a rollout block from a scope where the member is in use and its variables are defined.
    private mutating func checkBlock(_ body: [Statement], of group: GroupKind?) {
        var inner = scope
        inner.clusterInUse = true
        inner.releaseInUse = inner.releaseInUse || group?.holdsReleases != false
        inner.variables.formUnion(MemberVariable.allCases.map(\.rawValue))
        inner.inRollout = true
        var checker = Checker(scope: inner)
        checker.check(body)
        diagnostics += checker.diagnostics
    }

    private mutating func checkArguments(of statement: Statement) {
        let kind = statement.kind
        let keyword = kind.keyword
        let perRelease = Set((kind.analysisSpec?.perReleaseWords ?? []).map(\.range))
        for word in kind.words where !perRelease.contains(word.range) { checkVariables(word) }
        switch kind {
        case .use(.cluster, let word):
            scope.clusterInUse = true
            checkNotAGroup(word, "use cluster")
        case .use(.release, let word): check(word, as: .release)
        case .assign(let name, _):
            scope.variables.insert(name)
            scope.values[name] = nil
        case .set(.timeout(let word)), .set(.interval(let word)): check(word, as: .duration)
        case .set(.value(let path, _)): check(path, as: .path)
        case .call(let call):
            checkSlots(of: call)
            if let name = call[.analysis] { checkAnalysisName(name) }
            if call.keyword.form.effect == .asks && scope.inRollout {
                diagnostics.append(
                    Diagnostic("\(keyword.rawValue) cannot run inside a rollout block, where members run side by side", at: statement.keywordRange,
                        note: "put a gate between waves: waves 1 gate rest"))
            }
        case .group(let name, let members):
            if !groupsDefinedHere.insert(name).inserted {
                diagnostics.append(
                    Diagnostic("group '\(name)' is defined twice in this script", at: statement.keywordRange, note: "give the second one another name"))
            }
            checkGroup(name, members, at: statement.keywordRange)
        case .analysis(let name, let spec):
            if !analysesDefinedHere.insert(name).inserted {
                diagnostics.append(
                    Diagnostic("analysis '\(name)' is defined twice in this script", at: statement.keywordRange, note: "give the second one another name"))
            }
            checkAnalysis(spec)
            scope.analyses.insert(name)
        case .rollout(let group, let plan, let body):
            checkRollout(group, plan, at: statement.keywordRange)
            for name in plan.analyses { checkAnalysisName(name) }
            checkBlock(body, of: scope.groups[group])
        default: break
        }
        if let cluster = kind.target?.cluster { checkNotAGroup(cluster, "\(keyword.rawValue) on") }
        if keyword.takesTarget, kind.target?.cluster == nil, !scope.clusterInUse {
            diagnostics.append(
                Diagnostic(
                    "\(keyword.rawValue) needs a cluster, and none is in use", at: statement.keywordRange,
                    note: "add 'use cluster <id or alias>' before it, or 'on <cluster>'"))
        }
        if kind.release != nil {
            scope.releaseInUse = true
        } else if keyword.needsRelease && !scope.releaseInUse, var named = kind.call {
            named[.release] = Word("testwww")
            diagnostics.append(
                Diagnostic(
                    "\(keyword.rawValue) needs a release, and none was named before it", at: statement.keywordRange,
                    note: "name it ('\(ScriptPrinter.print(.call(named)))') or add 'use release <name>'"))
        }
    }

    /// Each word given for a slot, as its kind asks (expect's value as its field says).
    private mutating func checkSlots(of call: Call) {
        for (slot, words) in call.given {
            let kind = slot.kind(given: { call[$0]?.literal })
            for word in words { check(word, as: kind) }
        }
    }

    /// A rollout clause's word known before the run, by the rule the run reads it with.
    private mutating func check(_ word: Word, by rule: (String) throws(ClauseProblem) -> Int) {
        guard let text = knownText(word) else { return }
        do { _ = try rule(text) } catch { diagnostics.append(Diagnostic(error.message, at: word.range)) }
    }

    /// A word known before the run, as its kind asks.
    private mutating func check(_ word: Word, as kind: SlotKind) {
        guard let text = knownText(word), let problem = kind.problem(text) else { return }
        diagnostics.append(Diagnostic(problem.message, at: word.range, note: problem.note))
    }

    private mutating func checkGroup(_ name: String, _ members: GroupMembers, at range: Range<Int>) {
        var kind = GroupKind()
        switch members {
        case .clusters(let words):
            kind = GroupKind(holdsReleases: false, size: words.count)
            checkDistinct(words)
            for word in words { checkCluster(word.literal, at: word.range) }
        case .clustersMatching(let pattern):
            kind = GroupKind(holdsReleases: false, size: nil)
            if pattern.literal?.isEmpty == true { diagnostics.append(Diagnostic("the cluster name pattern is empty", at: pattern.range)) }
        case .releases(let words):
            kind = GroupKind(holdsReleases: true, size: words.count)
            for word in words {
                guard let text = word.literal else { continue }
                guard let parts = MemberPath.split(text) else {
                    diagnostics.append(Diagnostic("'\(text)' is not a release member", at: word.range, note: "write \(MemberPath.form)"))
                    continue
                }
                checkCluster(parts.cluster, at: word.range)
                if let problem = SlotKind.release.problem(parts.release) { diagnostics.append(Diagnostic(problem.message, at: word.range)) }
            }
            checkDistinct(words)
        case .fleet(let word):
            guard let fleet = word.literal else { break }
            if let found = scope.fleets[fleet] {
                let releases = found.filter { MemberPath.split($0) != nil }.count
                kind = GroupKind(holdsReleases: releases == found.count ? true : releases == 0 ? false : nil, size: found.count)
                if found.isEmpty { diagnostics.append(Diagnostic("the fleet '\(fleet)' in the profile is empty", at: word.range)) }
                for entry in found { checkCluster(MemberPath.split(entry)?.cluster ?? entry, at: word.range) }
                if releases != 0 && releases != found.count {
                    diagnostics.append(
                        Diagnostic("the fleet '\(fleet)' mixes clusters and releases", at: word.range, note: "a fleet lists clusters, or releases as \(MemberPath.form)"))
                }
            } else {
                let known = scope.fleets.keys.sorted()
                let note = Suggest.closest(to: fleet, in: known).map(Suggest.didYouMean)
                    ?? (known.isEmpty ? "the profile has no [fleets] table" : "fleets: \(known.joined(separator: ", "))")
                diagnostics.append(Diagnostic("no fleet '\(fleet)' in the profile", at: word.range, note: note))
            }
        case .query(let query):
            kind = GroupKind(holdsReleases: true, size: nil)
            for word in query.clusters {
                guard let text = word.literal else { continue }
                guard let named = scope.groups[text] else {
                    checkCluster(text, at: word.range)
                    continue
                }
                if named.holdsReleases != false {
                    diagnostics.append(Diagnostic("'\(text)' is a group of releases; 'on' takes clusters or groups of clusters", at: word.range))
                }
            }
            if let chart = query.chart?.literal, chart.isEmpty { diagnostics.append(Diagnostic("the chart name is empty", at: query.chart!.range)) }
        }
        scope.groups[name] = kind
    }

    /// A statement's cluster must not be a group's name, which the API would take for a cluster.
    private mutating func checkNotAGroup(_ word: Word, _ what: String) {
        guard let text = word.literal, let group = scope.groups[text] else { return }
        let each = group.holdsReleases == true ? "release" : "cluster"
        diagnostics.append(
            Diagnostic(
                "'\(text)' is a group; '\(what)' takes one cluster", at: word.range,
                note: "run the statement for each \(each) of the group: rollout \(text) { … }"))
    }

    /// A cluster a group names must be an alias the target knows or a cluster id.
    private mutating func checkCluster(_ text: String?, at range: Range<Int>) {
        guard let text, let aliases = scope.clusterAliases, !aliases.contains(text), !ClusterID.isWellFormed(text) else { return }
        let note = Suggest.closest(to: text, in: Array(aliases)).map(Suggest.didYouMean)
            ?? "name a cluster by its id, or give it an alias in the profile's [clusters] table"
        diagnostics.append(Diagnostic("unknown cluster '\(text)': not an alias the target knows, nor a cluster id", at: range, note: note))
    }

    private mutating func checkDistinct(_ words: [Word]) {
        var seen: Set<String> = []
        for word in words {
            guard let text = word.literal else { continue }
            if !seen.insert(text).inserted { diagnostics.append(Diagnostic("'\(text)' is in the group twice", at: word.range)) }
        }
    }

    private mutating func checkRollout(_ group: String, _ plan: RolloutPlan, at range: Range<Int>) {
        if scope.inRollout {
            diagnostics.append(Diagnostic("a rollout cannot run inside another rollout's block", at: range))
        }
        let known = scope.groups[group]
        if known == nil {
            let note = Suggest.closest(to: group, in: Array(scope.groups.keys)).map(Suggest.didYouMean)
                ?? "define it first: \(Keyword.group.example)"
            diagnostics.append(Diagnostic("no group '\(group)' is defined before this rollout", at: range, note: note))
        }
        let wavesAt = plan.wavesRange.isEmpty ? range : plan.wavesRange
        for case .gate(let name?, _, _) in plan.waves where !gatesNamedHere.insert(name).inserted {
            diagnostics.append(
                Diagnostic("gate '\(name)' is named twice in this script", at: wavesAt, note: "--approve \(name) would pass both: name each gate once"))
        }
        do throws(WaveProblem) {
            if let size = known?.size {
                _ = try WaveStep.sizes(of: plan.waves, members: size)
            } else {
                try WaveStep.validate(plan.waves)
                if !WaveStep.coversAnyGroup(plan.waves) {
                    throw WaveProblem(description: "the waves may not cover the whole group, whose size is known only when it runs")
                }
            }
        } catch {
            diagnostics.append(Diagnostic(error.description, at: wavesAt, note: "e.g. waves 1, 10%, rest"))
        }
        if let word = plan.parallel { check(word, by: ClauseRules.parallel) }
        if let soak = plan.soak { check(soak, as: .duration) }
        switch plan.halt {
        case .after(let word): check(word, by: ClauseRules.haltAfter)
        case .at(let word): check(word, by: ClauseRules.haltAt)
        case nil: break
        }
        for check in plan.gateChecks.values { checkAnalysisName(check.analysis) }
        for (gate, approvers) in plan.gateApprovers.sorted(by: { $0.key < $1.key }) where !scope.awaitsApprovals {
            diagnostics.append(
                Diagnostic(
                    "the gate '\(gate)' is passed only by rollout approve from \(approvers.joined(separator: " or ")), and this run does not wait for one",
                    at: wavesAt, note: "give --gate-wait (e.g. --gate-wait 30m) to wait for it"))
        }
        for gate in plan.askedGateNames where !scope.gates.answers(gate) {
            diagnostics.append(
                Diagnostic(
                    "the gate '\(gate)' cannot be answered: not on a terminal, and the command line does not approve it", at: wavesAt,
                    note: "run at a terminal to be asked, or pass --approve \(gate) (or --yes) to pass it"))
        }
    }

    /// An analysis's values known before the run, by the rules the run reads them with; its query
    /// and body may name the release it measures for.
    private mutating func checkAnalysis(_ spec: AnalysisSpec) {
        var withRelease = scope
        withRelease.variables.formUnion([MemberVariable.cluster, .namespace, .release].map(\.rawValue))
        var inner = Checker(scope: withRelease)
        for word in spec.perReleaseWords { inner.checkVariables(word) }
        diagnostics += inner.diagnostics
        func check(_ word: Word?, _ rule: (String) throws(ClauseProblem) -> Void) {
            guard let word, let text = knownText(word) else { return }
            do { try rule(text) } catch { diagnostics.append(Diagnostic(error.message, at: word.range)) }
        }
        if spec.source.takesQuery {
            check(spec.query) { (text) throws(ClauseProblem) in try AnalysisRules.query(text) }
        } else {
            check(spec.query) { (text) throws(ClauseProblem) in try AnalysisRules.url(text) }
        }
        for word in spec.condition?.words ?? [] { check(word) { (text) throws(ClauseProblem) in _ = try AnalysisRules.number(text) } }
        if case .between(let low, let high) = spec.condition, let lowText = knownText(low), let highText = knownText(high),
            let a = Double(lowText), let b = Double(highText), a > b
        {
            diagnostics.append(Diagnostic("the range \(lowText) to \(highText) is empty: its low end is above its high end", at: low.range))
        }
        check(spec.status) { (text) throws(ClauseProblem) in _ = try AnalysisRules.status(text) }
        for (option, word) in spec.values {
            switch option {
            case .every, .timeout: check(word) { (text) throws(ClauseProblem) in _ = try AnalysisRules.duration(option, text) }
            default: check(word) { (text) throws(ClauseProblem) in _ = try AnalysisRules.limit(option, text) }
            }
        }
    }

    /// A name `verify` or `analyze` uses must be an analysis defined before it.
    private mutating func checkAnalysisName(_ word: Word) {
        guard let name = word.literal, !scope.analyses.contains(name) else { return }
        let note = Suggest.closest(to: name, in: Array(scope.analyses)).map(Suggest.didYouMean)
            ?? "define it first: analysis \(name) = prometheus \"<query>\" < 0.01"
        diagnostics.append(Diagnostic("no analysis '\(name)' is defined before this", at: word.range, note: note))
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

    /// A word's text when it is known before anything runs: a literal, or one whose variables all
    /// have known values (or defaults); nil when the run decides it.
    private func knownText(_ word: Word) -> String? {
        // A variable the script or the environment sets has its value only when the run comes.
        guard word.variables.allSatisfy({ scope.values[$0] != nil || !scope.variables.contains($0) }) else { return nil }
        return try? word.expanded { scope.values[$0] }
    }
}
