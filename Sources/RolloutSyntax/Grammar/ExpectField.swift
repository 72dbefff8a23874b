/// What `expect` compares.
public enum ExpectField: String, Sendable, CaseIterable {
    case status, version, tag, chartVersion = "chart-version", chart, pullPolicy = "pull-policy", value

    /// True for `value`, which is followed by a value path.
    public var takesPath: Bool { self == .value }

    /// The kind of value it is compared with.
    public var valueKind: SlotKind {
        switch self {
        case .status: return .status
        case .version: return .versionBound
        default: return .text
        }
    }
}

/// A comparison of `expect`, and the comparison it performs.
public enum Comparison: String, Sendable, CaseIterable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    /// True when `actual` stands in this relation to `expected`: as numbers when both are whole
    /// numbers, else as text.
    public func holds(_ actual: String, _ expected: String) -> Bool {
        if let a = Int(actual), let b = Int(expected) { return relates(a, b) }
        return relates(actual, expected)
    }

    /// True when `a` stands in this relation to `b` (numbers, an analysis's measurement and bound).
    public func relates<T: Comparable>(_ a: T, _ b: T) -> Bool {
        switch self {
        case .equal: return a == b
        case .notEqual: return a != b
        case .less: return a < b
        case .lessOrEqual: return a <= b
        case .greater: return a > b
        case .greaterOrEqual: return a >= b
        }
    }
}
