/// The rule for variable names, for `let`, `${...}` and `NAME=VALUE` on the command line.
public enum VariableName {
    /// The rule in words, for notes.
    public static let rule = "names are letters, digits and _, not starting with a digit"

    /// True for a byte a name may hold.
    public static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    /// True when the text is a valid name.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else { return false }
        return name.utf8.allSatisfy(isNameByte)
    }
}
