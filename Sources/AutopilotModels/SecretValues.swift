import Synchronization

/// The values this process knows to be secret: each value read from a secret variable, set under a
/// secret-named path, or written as a secret literal. Secrecy belongs to the value, not to the name
/// it is under: every way out of the process (the terminal, JSON, the journal, files it writes) goes
/// through `mask`, so a secret stays hidden wherever it flows, whatever name it moves under.
public final class SecretValues: Sendable {
    /// The process's values.
    public static let known = SecretValues()

    /// How short a value may be and still be masked: a shorter one would hide ordinary text
    /// everywhere it occurs, and is no secret worth the name.
    public static let minimumLength = 4

    /// The form each value is masked in: as written, and as it reads inside a JSON string.
    private let values = Mutex<[String]>([])

    /// A registry of its own (tests); the process uses `known`.
    public init() {}

    /// Notes a value as secret.
    public func insert(_ value: String) {
        guard value.count >= Self.minimumLength else { return }
        let forms = Set([value, String(JSONValue.string(value).jsonText.dropFirst().dropLast())])
        values.withLock { known in
            for form in forms where !known.contains(form) { known.append(form) }
            // Longest first, so that a secret inside a longer one does not leave the rest showing.
            known.sort { $0.count > $1.count }
        }
    }

    /// The text with every secret value in it replaced by `******`.
    public func mask(_ text: String) -> String {
        let known = values.withLock { $0 }
        guard !known.isEmpty else { return text }
        return known.reduce(text) { $0.replacing($1, with: Self.mask) }
    }

    /// What a secret shows as.
    public static let mask = "******"
}
