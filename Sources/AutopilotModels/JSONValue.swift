import Foundation

/// Any JSON value: what `values`, `parameters` and `resources` hold once their JSON text is decoded.
public enum JSONValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let int = try? container.decode(Int.self) {
            self = .int(int)
        } else if let double = try? container.decode(Double.self) {
            self = .double(double)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value as JSON.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The value at a dotted path (`basic.storage_size`), or nil.
    public subscript(path path: String) -> JSONValue? {
        var current: JSONValue? = self
        for key in path.split(separator: ".") {
            guard case .object(let object)? = current else { return nil }
            current = object[String(key)]
        }
        return current
    }

    /// A member of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// A copy with the value at a dotted path set, making objects along the way.
    public func setting(path: String, to value: JSONValue) -> JSONValue {
        setting(keys: path.split(separator: ".").map(String.init)[...], to: value)
    }

    private func setting(keys: ArraySlice<String>, to value: JSONValue) -> JSONValue {
        guard let first = keys.first else { return value }
        var object: [String: JSONValue] = [:]
        if case .object(let existing) = self { object = existing }
        object[first] = (object[first] ?? .null).setting(keys: keys.dropFirst(), to: value)
        return .object(object)
    }

    /// Objects merged key by key, `other` winning; anything else is replaced by `other`.
    public func merging(_ other: JSONValue) -> JSONValue {
        guard case .object(var mine) = self, case .object(let theirs) = other else { return other }
        for (key, value) in theirs { mine[key] = (mine[key] ?? .null).merging(value) }
        return .object(mine)
    }

    /// The members of an object, or an empty dictionary.
    public var objectValue: [String: JSONValue] {
        if case .object(let object) = self { return object }
        return [:]
    }

    /// The text of a scalar (`"v2"`, `3306`, `true`); nil for null, arrays and objects.
    public var scalarText: String? {
        switch self {
        case .string(let value): return value
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .bool(let value): return String(value)
        default: return nil
        }
    }

    /// A copy in which the value of every key that names a secret is `******`.
    public func redactingSecrets() -> JSONValue {
        switch self {
        case .object(let object):
            var out: [String: JSONValue] = [:]
            for (key, value) in object {
                out[key] = SecretKeys.isSecret(key) && value != .null ? .string("******") : value.redactingSecrets()
            }
            return .object(out)
        case .array(let values): return .array(values.map { $0.redactingSecrets() })
        default: return self
        }
    }

    /// The value as JSON text.
    public var description: String { jsonText }

    /// A word from a script or a flag as the JSON value it means: integers, decimals, `true`,
    /// `false`, `null`, or else the string itself.
    public static func inferred(from word: String) -> JSONValue {
        if let int = Int(word) { return .int(int) }
        if word.contains("."), let double = Double(word), double.isFinite { return .double(double) }
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default: return .string(word)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral
{
    /// An object value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
    /// An array value.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A string value.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer value.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A boolean value.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
