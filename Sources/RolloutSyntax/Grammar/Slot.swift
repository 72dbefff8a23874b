import AutopilotModels

/// What a part of a statement holds, by name: the key a statement's arguments are kept under.
public enum SlotName: String, Sendable, Hashable, CaseIterable {
    case release, namespace, cluster, version, from, to, chart, status, timeout, duration
    case field, path, comparison, value, message, words, ifChanged, analysis, during

    /// The kind of value it holds.
    public var kind: SlotKind {
        switch self {
        case .release: return .release
        case .namespace: return .namespace
        case .cluster: return .cluster
        case .version, .from, .to: return .version
        case .chart: return .chart
        case .status: return .status
        case .timeout, .duration, .during: return .duration
        case .field: return .field
        case .path: return .path
        case .comparison: return .comparison
        case .value, .message, .words: return .text
        case .ifChanged: return .flag
        case .analysis: return .analysis
        }
    }
}

/// A kind of value: it owns how it is written in help, what it is called in messages, the words it
/// is limited to, where completion finds candidates, and what the checker asks of a literal.
public enum SlotKind: Sendable, Equatable {
    case release, namespace, cluster, version, chart, status, duration, field, path, comparison, text, flag
    /// The name of an analysis the script defines.
    case analysis
    /// A number a version is compared with: any whole number (`expect version > 0` holds for any release).
    case versionBound

    /// How help writes it: `<release>`.
    public var placeholder: String {
        switch self {
        case .chart: return "<id or name>"
        case .duration: return "<d>"
        case .versionBound: return "<n>"
        case .comparison: return "<op>"
        case .text: return "<value>"
        case .release: return "<release>"
        case .analysis: return "<analysis>"
        case .field: return ExpectField.allCases.map { $0.takesPath ? "\($0.rawValue) <path>" : $0.rawValue }.joined(separator: "|")
        default: return "<\(noun)>"
        }
    }

    /// What messages call it: `upgrade needs a release name`.
    var noun: String {
        switch self {
        case .release: return "release name"
        case .namespace: return "namespace"
        case .cluster: return "cluster"
        case .version: return "version"
        case .versionBound: return "whole number"
        case .chart: return "chart id or name"
        case .status: return "status"
        case .duration: return "duration"
        case .field: return "field"
        case .path: return "value path"
        case .comparison: return "comparison (\(Comparison.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .text: return "value"
        case .flag: return "flag"
        case .analysis: return "analysis name"
        }
    }

    /// Its noun after `a` or `an`: `an analysis name`.
    var withArticle: String { (noun.first.map { "aeiou".contains($0) } == true ? "an " : "a ") + noun }

    /// The words it is limited to, for a kind with a closed set (nil for any word).
    public var choices: [String]? {
        switch self {
        case .status: return WaitStatus.allCases.map(\.rawValue)
        case .field: return ExpectField.allCases.map(\.rawValue)
        case .comparison: return Comparison.allCases.map(\.rawValue)
        default: return nil
        }
    }

    /// True when a literal is one of its words (any literal, for a kind without a closed set).
    func admits(_ literal: String) -> Bool {
        switch self {
        case .status: return WaitStatus(spelling: literal) != nil
        case .field: return ExpectField(rawValue: literal) != nil
        default: return true
        }
    }

    /// True when a literal fits it better than the slot before it: a whole number is a version.
    func prefers(_ literal: String) -> Bool {
        switch self {
        case .version: return !literal.isEmpty && literal.allSatisfy(\.isNumber)
        default: return false
        }
    }

    /// The plural, for the note that lists a closed set: `statuses: deployed, failed, …`.
    var plural: String { self == .status ? "statuses" : "\(noun)s" }

    /// Where completion finds candidates for it.
    public var completion: CompletionSource {
        switch self {
        case .release: return .releases
        case .namespace: return .namespaces
        case .cluster: return .clusters
        case .version, .versionBound: return .versions
        case .chart: return .charts
        case .analysis: return .analyses
        case .status, .field, .comparison: return .words(choices ?? [])
        case .duration, .path, .text, .flag: return .nothing
        }
    }

    /// What a literal of this kind is wrong with, or nil when it is fine or only the run can tell.
    public func problem(_ literal: String) -> (message: String, note: String?)? {
        switch self {
        case .versionBound where Int(literal) == nil:
            return ("'\(literal)' is not a whole number", "a version is compared with a whole number")
        case .version where Int(literal).map({ $0 < 1 }) ?? true:
            return ("'\(literal)' is not a version", "versions are whole numbers from 1")
        case .duration where DurationText.parse(literal) == nil:
            return ("'\(literal)' is not a duration", "write it like 500ms, 30s, 5m or 1h")
        case .release:
            return ReleaseName.problem(literal).map { ("release name '\(literal)' would be refused by the API: \($0)", nil) }
        case .path where !Self.isValuePath(literal):
            return ("'\(literal)' is not a value path", "paths are keys joined by dots, e.g. basic.storage_size")
        default:
            return admits(literal) ? nil : unknown(literal)
        }
    }

    /// `unknown status 'deploid'`, with a did-you-mean or the list.
    func unknown(_ literal: String) -> (message: String, note: String?) {
        let names = choices ?? []
        let note = Suggest.closest(to: literal, in: names).map(Suggest.didYouMean) ?? "\(plural): \(names.joined(separator: ", "))"
        return ("unknown \(noun) '\(literal)'", note)
    }

    /// Keys joined by single dots: not empty, no dot at either end, no two dots together.
    static func isValuePath(_ text: String) -> Bool {
        !text.isEmpty && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty }
    }
}

/// Where completion looks for a slot's candidates; the prompt maps each to what the target has.
public enum CompletionSource: Sendable, Equatable {
    case releases, namespaces, clusters, versions, charts
    /// The analyses defined so far.
    case analyses
    /// A closed set of words.
    case words([String])
    /// Nothing to offer (a duration, a free value).
    case nothing
}

/// One place in a statement's form: what it holds, the words that introduce it (none for a
/// positional one), and whether it must be given.
public struct Slot: Sendable {
    /// Whether a slot must be given.
    public enum Presence: Sendable {
        case required, optional
        /// Every word left (echo's).
        case rest
        /// Required when another slot's literal passes the test, absent otherwise (expect's path).
        case requiredWhen(SlotName, @Sendable (String) -> Bool)
    }

    /// What it holds.
    public let name: SlotName
    /// The words before its value (`in`, `from chart`); empty for a positional slot.
    public let introducer: [String]
    /// True when the introducer may be left out and the value given in its place (rollback's `to`).
    public let introducerOptional: Bool
    /// Whether it must be given.
    public let presence: Presence
    /// A slot that must be given for this one to be (`to` needs `from`).
    public let needs: SlotName?

    /// The kind of value it holds.
    public var kind: SlotKind { name.kind }

    /// True for a slot written after its introducer words.
    public var isNamed: Bool { !introducer.isEmpty && !introducerOptional }

    /// A value in its place: `<release>`.
    public static func positional(_ name: SlotName, _ presence: Presence = .optional) -> Slot {
        Slot(name: name, introducer: [], introducerOptional: false, presence: presence, needs: nil)
    }

    /// A value after its words: `for <release>`, `from chart <id or name>`.
    public static func named(_ name: SlotName, _ words: ArgumentWord..., then: String? = nil, presence: Presence = .optional, needs: SlotName? = nil) -> Slot {
        Slot(name: name, introducer: words.map(\.rawValue) + [then].compactMap { $0 }, introducerOptional: false, presence: presence, needs: needs)
    }

    /// A value in its place that may also be written after its word: `[to] <version>`.
    public static func positional(_ name: SlotName, after word: ArgumentWord) -> Slot {
        Slot(name: name, introducer: [word.rawValue], introducerOptional: true, presence: .optional, needs: nil)
    }

    /// Words with no value after them: `if changed`.
    public static func flag(_ name: SlotName, _ words: String...) -> Slot {
        Slot(name: name, introducer: words, introducerOptional: false, presence: .optional, needs: nil)
    }

    /// `in <namespace>` and `on <cluster>`: where a statement acts.
    public static let target: [Slot] = [.named(.namespace, .in), .named(.cluster, .on)]

    /// How help writes it: `[for <release>]`.
    public var syntax: String {
        let value = kind == .flag ? nil : (presence.isRest ? "<words or \"text\">" : kind.placeholder)
        let words: String
        if introducerOptional {
            words = "[\(introducer.joined(separator: " "))] \(value ?? "")"
        } else {
            words = (introducer + [value].compactMap { $0 }).joined(separator: " ")
        }
        switch presence {
        case .required, .rest: return words
        case .optional: return "[\(words)]"
        // The field before it says when it is there (`value <path>`).
        case .requiredWhen: return ""
        }
    }
}

extension Slot.Presence {
    var isRest: Bool {
        if case .rest = self { return true }
        return false
    }
}

extension Slot {
    /// Whether a slot is wanted, given the literals of the slots given so far.
    public enum Need: Sendable, Equatable { case required, optional, absent, rest }

    /// Whether it is wanted, given the literals of the slots given so far (expect's path comes
    /// only with the field `value`). The reader and completion both ask here.
    public func need(given: (SlotName) -> String?) -> Need {
        switch presence {
        case .required: return .required
        case .optional: return .optional
        case .rest: return .rest
        case .requiredWhen(let other, let test): return given(other).map(test) == true ? .required : .absent
        }
    }

    /// The kind of value it takes, given the literals of the slots given so far: expect's value is
    /// of its field's kind.
    public func kind(given: (SlotName) -> String?) -> SlotKind {
        if name == .value, let field = given(.field).flatMap(ExpectField.init(rawValue:)) { return field.valueKind }
        return kind
    }

    /// True when this slot, being optional, leaves a literal to a later slot whose kind fits it
    /// better (`rollback 1`: the version, not a release named 1).
    func yields(_ literal: String, to later: some Sequence<Slot>) -> Bool {
        guard case .optional = presence, !kind.prefers(literal) else { return false }
        return later.contains { $0.kind.prefers(literal) }
    }
}
