/// A secret string (an SK, a token): it never shows in a description, a debug dump or a mirror.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable,
    ExpressibleByStringLiteral
{
    /// The secret itself; read it only to sign or send it.
    public let value: String

    /// Wraps a secret.
    public init(_ value: String) { self.value = value }

    /// Wraps a literal secret (tests and examples).
    public init(stringLiteral value: String) { self.value = value }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `Secret(<redacted>)`.
    public var debugDescription: String { "Secret(<redacted>)" }
    /// An empty mirror, so `dump` shows nothing of the value.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
