/// What changes between two sets of release values, key by key: the noise of unchanged keys and
/// of key order left out, nested objects followed to their leaves (`basic.storage_size`), array
/// items by index (`ports[1]`).
public struct ValuesDiff: Sendable, Equatable {
    /// One changed leaf.
    public struct Change: Sendable, Equatable {
        /// What happened to it.
        public enum Kind: String, Sendable {
            case added, removed, changed
        }

        /// Its path, keys joined by dots and array items in brackets.
        public var path: String
        /// What happened.
        public var kind: Kind
        /// The value before (nil when added).
        public var old: JSONValue?
        /// The value after (nil when removed).
        public var new: JSONValue?

        /// True when a key on its path names a secret: its values are never shown.
        public var isSecret: Bool {
            path.split(whereSeparator: { $0 == "." || $0 == "[" }).contains { SecretKeys.isSecret(String($0)) }
        }

        /// The value before, as it may be shown: `******` for a secret.
        public var shownOld: JSONValue? { old.map(redacted) }
        /// The value after, as it may be shown: `******` for a secret.
        public var shownNew: JSONValue? { new.map(redacted) }
        /// The value before as text (a scalar bare, anything else as JSON), secrets hidden.
        public var oldText: String? { shownOld.map(Self.text) }
        /// The value after as text, secrets hidden.
        public var newText: String? { shownNew.map(Self.text) }

        private func redacted(_ value: JSONValue) -> JSONValue {
            isSecret && value != .null ? "******" : value.redactingSecrets()
        }

        private static func text(_ value: JSONValue) -> String { value.scalarText ?? value.jsonText }
    }

    /// The changes, in path order.
    public var changes: [Change]

    /// The changes from `old` to `new`.
    public init(from old: JSONValue, to new: JSONValue) {
        var changes: [Change] = []
        Self.compare(old, new, at: "", into: &changes)
        self.changes = changes.sorted { $0.path < $1.path }
    }

    /// True when nothing changes.
    public var isEmpty: Bool { changes.isEmpty }

    /// A key or item on either side: compared when on both, else each leaf under it added or removed.
    private static func pair(_ old: JSONValue?, _ new: JSONValue?, at path: String, into changes: inout [Change]) {
        switch (old, new) {
        case (let before?, let after?): compare(before, after, at: path, into: &changes)
        case (let before?, nil): leaves(of: before, at: path) { changes.append(Change(path: $0, kind: .removed, old: $1, new: nil)) }
        case (nil, let after?): leaves(of: after, at: path) { changes.append(Change(path: $0, kind: .added, old: nil, new: $1)) }
        case (nil, nil): break
        }
    }

    /// Every leaf under a value with its path; an empty object or array is a leaf.
    private static func leaves(of value: JSONValue, at path: String, _ found: (String, JSONValue) -> Void) {
        switch value {
        case .object(let object) where !object.isEmpty:
            for (key, child) in object { leaves(of: child, at: "\(path).\(key)", found) }
        case .array(let items) where !items.isEmpty:
            for (index, child) in items.enumerated() { leaves(of: child, at: "\(path)[\(index)]", found) }
        default:
            found(path, value)
        }
    }

    private static func compare(_ old: JSONValue, _ new: JSONValue, at path: String, into changes: inout [Change]) {
        switch (old, new) {
        case (.object(let mine), .object(let theirs)):
            for key in Set(mine.keys).union(theirs.keys) {
                let child = path.isEmpty ? key : "\(path).\(key)"
                pair(mine[key], theirs[key], at: child, into: &changes)
            }
        case (.array(let mine), .array(let theirs)):
            for index in 0..<max(mine.count, theirs.count) {
                let child = "\(path)[\(index)]"
                pair(index < mine.count ? mine[index] : nil, index < theirs.count ? theirs[index] : nil, at: child, into: &changes)
            }
        default:
            if old != new { changes.append(Change(path: path.isEmpty ? "(values)" : path, kind: .changed, old: old, new: new)) }
        }
    }
}

extension JSONValue {
    /// The values a release has after an upgrade that sends `change`: merged over its current
    /// values, or over the chart's defaults with `reset_values`, as Helm and CCE do it.
    public static func upgraded(current: JSONValue, chartDefaults: JSONValue, change: JSONValue, resetValues: Bool) -> JSONValue {
        (resetValues ? chartDefaults : current).merging(change)
    }

    /// The values a new release has: the chart's defaults with `change` merged over them.
    public static func installed(chartDefaults: JSONValue, change: JSONValue) -> JSONValue {
        chartDefaults.merging(change)
    }
}
