extension String {
    /// The text with every character that could drive a terminal shown as an escape instead: C0
    /// and C1 controls and DEL (`\e`, `\n`, `\r`, `\t`, `\x07`…) and the bidirectional overrides
    /// that reorder what is shown (`\u{202E}`). Text that came from the network or a file goes
    /// through here before it is printed, so an answer cannot retitle the window, clear the screen,
    /// rewrite a line or paint a fake `✔`.
    public var terminalSafe: String {
        guard unicodeScalars.contains(where: Self.drivesTerminal) else { return self }
        var safe = ""
        safe.reserveCapacity(utf8.count + 8)
        for scalar in unicodeScalars {
            guard Self.drivesTerminal(scalar) else {
                safe.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\u{1B}": safe += "\\e"
            case "\n": safe += "\\n"
            case "\r": safe += "\\r"
            case "\t": safe += "\\t"
            case _ where scalar.value < 0x100:
                let hex = String(scalar.value, radix: 16)
                safe += "\\x" + (hex.count < 2 ? "0" : "") + hex
            default: safe += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return safe
    }

    /// `terminalSafe` line by line, keeping the line breaks: for text meant to span lines (an
    /// `echo` of a script, a plan).
    public var terminalSafeLines: String {
        split(separator: "\n", omittingEmptySubsequences: false).map { String($0).terminalSafe }.joined(separator: "\n")
    }

    private static func drivesTerminal(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true  // bidirectional embeddings, overrides, isolates
        default: return false
        }
    }
}
