/// The words statements start with, and `else`, in the order `help` lists them; each statement's
/// declaration is its `form`, and what it needs and does is read from there.
public enum Keyword: String, CaseIterable, Sendable {
    case use, set, `let`, upgrade, rollback, install, uninstall, show, status, list, history, diff, charts, chart, values
    case wait, expect, verify, `else`, sleep, echo, pause, abort, group, analysis, rollout

    /// The keywords that start a statement (all but `else`, which follows one).
    public static let statements = allCases.filter { $0 != .else }

    /// True for statements that change releases: their changes are journaled and, at a cloud
    /// prompt, confirmed (a rollout once, then wave by wave).
    public var changesRelease: Bool { form.effect == .changes }

    /// True for statements a run can stop in and go on from: those that change, wait or ask. A
    /// run's record is written before each, so that a resume starts there.
    public var marksProgress: Bool { [.changes, .waits, .asks].contains(form.effect) }

    /// True for statements that only read and show (what `save --no-reads` leaves out).
    public var onlyReads: Bool { form.effect == .reads }

    /// True for statements that take `in <namespace>` and `on <cluster>`, and so need a cluster.
    public var takesTarget: Bool { form.slot(.cluster) != nil }

    /// True for statements that act on a release, named or the one last named.
    public var needsRelease: Bool {
        guard let slot = form.slot(.release), case .optional = slot.presence else { return false }
        return true
    }

    /// How it is written.
    public var syntax: String {
        switch form.reading {
        case .own(let syntax): return syntax
        case .slots: return ([rawValue] + form.slots.map(\.syntax).filter { !$0.isEmpty }).joined(separator: " ")
        }
    }

    /// What it does, in a line.
    public var summary: String { form.summary }

    /// An example.
    public var example: String { form.example }

    /// More for `help <statement>`: the parts of a statement that has many, each with its meaning.
    public var details: [(term: String, meaning: String)] { form.details }
}

/// The words that introduce an argument inside a statement (`in monitoring`, `for testwww`); a value
/// spelled like one is quoted when printed.
public enum ArgumentWord: String, CaseIterable, Sendable {
    case `in`, on, `for`, timeout, to, from, `if`, during

    /// The word after `if`.
    public static let changed = "changed"
    /// `if changed`, the clause of an upgrade made only when its values change.
    public static let ifChanged = "\(ArgumentWord.if.rawValue) \(changed)"
}
