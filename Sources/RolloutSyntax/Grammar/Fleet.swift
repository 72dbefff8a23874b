/// How a `group` statement names its members: the word after `=`.
public enum GroupSource: String, Sendable, CaseIterable {
    /// `clusters <cluster> ...`: a list of clusters (ids, names or aliases); or `clusters matching
    /// <pattern>`: the project's clusters whose name matches.
    case clusters
    /// `releases <cluster>/<namespace>/<release> ...`, or a query: `releases of chart <name>
    /// matching <pattern> in <namespace> on <clusters>`.
    case releases
    /// `fleet <name>`: a list from the profile's `[fleets]` table.
    case fleet
}

/// The words of a release query, after `group NAME = releases`.
public enum QueryWord: String, Sendable, CaseIterable {
    /// `of chart <name>`: releases of that chart.
    case of
    /// `matching <pattern>`: releases (or, after `clusters`, clusters) whose name matches a pattern
    /// (`*` any text, `?` one character).
    case matching
}

/// The clauses of a `rollout` statement's header, in the order it is printed.
public enum RolloutClause: String, Sendable, CaseIterable {
    case waves, parallel, soak, analyze, halt, then, recovered, failures

    /// How it is written, for help.
    public var syntax: String {
        switch self {
        case .waves: return "waves <n|p%|rest|gate [\"name\"] [analysis <name> [and ask]] [by <user>, ...]>..."
        case .parallel: return "parallel <n>"
        case .soak: return "soak <d>"
        case .analyze: return "analyze <analysis>[, <analysis>]..."
        case .halt: return "halt after <n> | halt at <p>%"
        case .then: return "then " + HaltPolicy.allCases.map(\.spelling).joined(separator: "|")
        case .recovered: return "recovered ok"
        case .failures: return "failures ok"
        }
    }

    /// What it means, in a line.
    public var summary: String {
        switch self {
        case .waves: return "wave sizes: counts, percentages of the group, and rest; a gate between two waves asks before the next, or waits for an analysis to pass, or for rollout approve from the users named after 'by' (default: one wave of all)"
        case .parallel: return "at most n members at a time within a wave (default 1)"
        case .soak: return "wait this long after each wave, then read its members again: one no longer DEPLOYED has failed"
        case .analyze: return "measure each member by these analyses from when its block ends until its wave's soak ends (every wave soaks then); a member whose analysis fails has failed"
        case .halt: return "stop starting members after n failed members, or once p% of the group failed (default: the first failure)"
        case .then: return "what a halt does once running members finish: roll back the failed members, the wave, or everything this rollout changed, or hold (default)"
        case .recovered: return "a member whose own else recovered counts as recovered, not failed (by default it counts as failed)"
        case .failures: return "members that failed, fewer than the halt rule allows, do not fail the rollout's statement (by default any failed member does)"
        }
    }
}

/// One entry of a `waves` list.
public enum WaveStep: Sendable, Hashable {
    /// A wave of this many members.
    case count(Int)
    /// A wave of this share of the group, rounded up.
    case percent(Int)
    /// A wave of every member not in an earlier wave; it comes last.
    case rest
    /// A gate before the next wave; the name is what `--approve` names. With a check, an analysis
    /// decides it (and a person too, when the check also asks). With approvers, only `rollout
    /// approve` from one of them passes it, never the user who runs the rollout.
    case gate(String?, check: GateCheck? = nil, approvers: [String] = [])

    /// True for a gate, false for a wave size.
    public var isGate: Bool {
        if case .gate = self { return true }
        return false
    }

    /// The word `rest`.
    public static let restWord = "rest"
    /// The word `gate`, and `by` before the names of who may pass it.
    public static let gateWord = "gate", byWord = "by"

    /// Reads a size: `3`, `10%` or `rest`.
    public init?(size text: String) {
        if text == Self.restWord {
            self = .rest
        } else if text.hasSuffix("%"), let number = Int(text.dropLast()), text.count > 1 {
            self = .percent(number)
        } else if let number = Int(text), !text.hasPrefix("+"), !text.hasPrefix("-") {
            self = .count(number)
        } else {
            return nil
        }
    }

    /// As written.
    public var spelling: String {
        switch self {
        case .count(let n): return String(n)
        case .percent(let p): return "\(p)%"
        case .rest: return Self.restWord
        case .gate(let name, let check, let approvers):
            let named = name.map { "\(Self.gateWord) \(WordPrinter.print(Word($0, quoted: true)))" } ?? Self.gateWord
            return named + (check.map { " " + $0.spelling } ?? "") + (approvers.isEmpty ? "" : " \(Self.byWord) " + approvers.joined(separator: ", "))
        }
    }
}

/// What decides a gate besides (or instead of) a person: `analysis <name> [and ask]`.
public struct GateCheck: Sendable, Hashable {
    /// The analysis that must pass.
    public var analysis: Word
    /// True when a person is asked too, once the analysis passed.
    public var ask: Bool

    /// A check.
    public init(analysis: Word, ask: Bool = false) {
        self.analysis = analysis
        self.ask = ask
    }

    /// The words `analysis`, `and` and `ask`.
    public static let analysisWord = "analysis", andWord = "and", askWord = "ask"

    /// As written after the gate.
    public var spelling: String { "\(Self.analysisWord) \(analysis.description)" + (ask ? " \(Self.andWord) \(Self.askWord)" : "") }
}

/// `halt after <n>` or `halt at <p>%`: when a rollout stops starting members, counted across it all.
public enum HaltRule: Sendable, Equatable {
    /// After this many members failed.
    case after(Word)
    /// Once this share of the group failed; the word is the number before `%`.
    case at(Word)

    /// The words `after` and `at`.
    public static let afterWord = "after", atWord = "at"

    /// The share in `<p>%`, from 1 to 100.
    public static func percent(_ text: String) -> Int? {
        guard text.hasSuffix("%"), let p = Int(text.dropLast()), (1...100).contains(p) else { return nil }
        return p
    }

    /// Its number word.
    public var word: Word {
        switch self {
        case .after(let w), .at(let w): return w
        }
    }
}

/// What a halted rollout does once its running members have finished their block.
public enum HaltPolicy: String, Sendable, CaseIterable {
    /// Roll back the members that failed.
    case rollbackFailed = "rollback failed"
    /// Roll back every member of the wave that was running.
    case rollbackWave = "rollback wave"
    /// Roll back everything this rollout changed.
    case rollbackAll = "rollback all"
    /// Leave everything as it is.
    case hold

    /// As written after `then`.
    public var spelling: String { rawValue }

    /// The word after `rollback`, for the rollback policies.
    public var rollbackScope: String? {
        rawValue.hasPrefix("rollback ") ? String(rawValue.dropFirst("rollback ".count)) : nil
    }
}

/// The variables a rollout block's statements see for the member they run for.
public enum MemberVariable: String, Sendable, CaseIterable {
    case cluster = "CLUSTER", namespace = "NAMESPACE", release = "RELEASE", member = "MEMBER", wave = "WAVE"

    /// What it holds.
    public var summary: String {
        switch self {
        case .cluster: return "the member's cluster, as the group names it"
        case .namespace: return "its namespace (the one in use for a group of clusters)"
        case .release: return "its release (empty for a group of clusters with none in use)"
        case .member: return "the member as the group names it"
        case .wave: return "the wave it runs in: 1, 2, ..."
        }
    }
}

/// How a literal release member is written: `<cluster>/<namespace>/<release>`.
public enum MemberPath {
    /// The three parts of a release member, or nil when it is not written so.
    public static func split(_ text: String) -> (cluster: String, namespace: String, release: String)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        return (parts[0], parts[1], parts[2])
    }

    /// A release member as written.
    public static func join(cluster: String, namespace: String, release: String) -> String {
        "\(cluster)/\(namespace)/\(release)"
    }

    /// The form, for notes.
    public static let form = "<cluster>/<namespace>/<release>, e.g. demo/shop/shop-web"
}

/// The rule for group and gate names.
public enum GroupName {
    /// The rule in words, for notes.
    public static let rule = "names are letters, digits, - and _, starting with a letter"

    /// True when the text is a valid name.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }
}

/// The rule for the user names a gate's `by` lists: as `rollout approve` gives its user (`$USER`).
public enum UserName {
    /// True when the text can be a user's name: letters, digits, `.`, `-`, `_` and `@`, not
    /// starting with `-`.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != "-" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-@".unicodeScalars.contains($0)) }
    }
}

/// Why a `waves` list does not fit its group.
public struct WaveProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in words.
    public var description: String
}

extension WaveStep {
    /// The size of each wave of a group of `members`, from a `waves` list (gates left out): counts
    /// as they are, shares of the whole group rounded up, and `rest` for what is left. An empty
    /// list is one wave of every member; a wave never takes more than is left, so late waves may be
    /// empty. Throws when the list breaks a rule or leaves members out.
    public static func sizes(of steps: [WaveStep], members: Int) throws(WaveProblem) -> [Int] {
        try validate(steps)
        let sizes = steps.filter { !$0.isGate }
        guard !sizes.isEmpty else { return [members] }
        var result: [Int] = []
        var left = members
        for step in sizes {
            let size: Int
            switch step {
            case .count(let n): size = min(n, left)
            case .percent(let p): size = min(max(1, (members * p + 99) / 100), left)
            case .rest, .gate: size = left
            }
            result.append(size)
            left -= size
        }
        if left > 0 {
            let written = sizes.map(\.spelling).joined(separator: ", ")
            throw WaveProblem(
                description: "waves \(written) cover \(members - left) of the group's \(members) members; end the list with rest")
        }
        return result
    }

    /// The rules that hold whatever the group's size: counts and shares above zero, shares to at most
    /// 100%, `rest` last, and each gate between two waves.
    public static func validate(_ steps: [WaveStep]) throws(WaveProblem) {
        var percent = 0
        for (index, step) in steps.enumerated() {
            switch step {
            case .count(let n) where n < 1: throw WaveProblem(description: "a wave of \(n) members runs nothing")
            case .percent(let p) where p < 1 || p > 100: throw WaveProblem(description: "\(p)% is not a share of the group (1% to 100%)")
            case .percent(let p): percent += p
            case .rest where steps[(index + 1)...].contains(where: { !$0.isGate }):
                throw WaveProblem(description: "rest takes every member left, so it comes last")
            case .gate where index == 0 || index == steps.count - 1:
                throw WaveProblem(description: "a gate stands between two waves, not at the \(index == 0 ? "start" : "end")")
            case .gate where index > 0 && steps[index - 1].isGate:
                throw WaveProblem(description: "two gates in a row")
            default: break
            }
        }
        if percent > 100 { throw WaveProblem(description: "the shares add up to \(percent)%, more than the whole group") }
    }

    /// True when the list covers a group of any size: it ends with `rest`, or its shares make 100%
    /// (or it is empty: one wave of all).
    public static func coversAnyGroup(_ steps: [WaveStep]) -> Bool {
        let sizes = steps.filter { !$0.isGate }
        if sizes.isEmpty || sizes.last == .rest { return true }
        return sizes.reduce(0) { if case .percent(let p) = $1 { $0 + p } else { $0 } } == 100
    }
}

/// What a cluster id looks like: CCE names clusters by UUID (`a870253f-5dc7-11ee-bf71-0255ac100b03`).
public enum ClusterID {
    /// True for text shaped like a cluster id: five groups of 8, 4, 4, 4 and 12 hex digits.
    public static func isWellFormed(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}

/// What is wrong with a rollout clause's value.
public struct ClauseProblem: Error, Sendable {
    /// The sentence that says it.
    public let message: String
}

/// The rules of the rollout clauses' values, for the checker (with what is known before the run)
/// and for the run (with the values expanded): one rule, one message.
public enum ClauseRules {
    /// `parallel <n>`: a whole number from 1.
    public static func parallel(_ text: String) throws(ClauseProblem) -> Int {
        guard let n = Int(text), n >= 1 else { throw ClauseProblem(message: "parallel needs a whole number from 1, not '\(text)'") }
        return n
    }

    /// `halt after <n>`: a whole number of failed members from 1.
    public static func haltAfter(_ text: String) throws(ClauseProblem) -> Int {
        guard let n = Int(text), n >= 1 else {
            throw ClauseProblem(message: "halt after needs a whole number of failed members from 1, not '\(text)'")
        }
        return n
    }

    /// `halt at <p>%`: a share from 1% to 100%.
    public static func haltAt(_ text: String) throws(ClauseProblem) -> Int {
        guard let p = HaltRule.percent(text) else { throw ClauseProblem(message: "halt at needs a share from 1% to 100%, not '\(text)'") }
        return p
    }
}
