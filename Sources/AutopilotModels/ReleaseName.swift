/// The API's rule for release names: a lowercase letter first; lowercase letters, digits and `-`;
/// a letter or digit last; at most 53 characters. The checker and the emulator both read it here.
public enum ReleaseName {
    /// The longest name the API takes.
    public static let maximumLength = 53

    /// Nil when the API accepts the name, else why not, in words.
    public static func problem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last else { return "it is empty" }
        func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
        func isLowerOrDigit(_ byte: UInt8) -> Bool { isLower(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) }
        if !isLower(first) { return "it must start with a lowercase letter" }
        if !bytes.allSatisfy({ isLowerOrDigit($0) || $0 == UInt8(ascii: "-") }) { return "only lowercase letters, digits and '-' are allowed" }
        if !isLowerOrDigit(last) { return "it must end with a letter or digit" }
        if bytes.count > maximumLength { return "it is longer than \(maximumLength) characters" }
        return nil
    }
}
