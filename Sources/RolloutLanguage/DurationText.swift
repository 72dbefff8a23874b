/// Durations as scripts and flags write them: `500ms`, `2s`, `1.5s`, `5m`, `1h`, `1m30s`.
public enum DurationText {
    /// Parses a duration; nil when the text is not one (a bare number has no unit and is refused).
    /// Reads UTF-8 bytes: numbers and units are ASCII, and any other character makes it not a duration.
    public static func parse(_ text: String) -> Duration? {
        var text = text
        return text.withUTF8(parse(bytes:))
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Duration? {
        guard !bytes.isEmpty else { return nil }
        var total = Duration.zero
        var index = 0
        while index < bytes.count {
            let numberStart = index
            var whole = true
            while index < bytes.count, (bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9")) || bytes[index] == UInt8(ascii: ".") {
                if bytes[index] == UInt8(ascii: ".") { whole = false }
                index += 1
            }
            guard index > numberStart, let value = number(UnsafeBufferPointer(rebasing: bytes[numberStart..<index]), whole: whole), value.isFinite
            else { return nil }
            let unitStart = index
            while index < bytes.count, (bytes[index] | 0x20) >= UInt8(ascii: "a"), (bytes[index] | 0x20) <= UInt8(ascii: "z") { index += 1 }
            let scale: Double
            switch (index - unitStart, bytes[unitStart..<index].first, bytes[unitStart..<index].last) {
            case (2, UInt8(ascii: "m"), UInt8(ascii: "s")): scale = 0.001
            case (1, UInt8(ascii: "s"), _): scale = 1
            case (1, UInt8(ascii: "m"), _): scale = 60
            case (1, UInt8(ascii: "h"), _): scale = 3600
            default: return nil
            }
            guard value * scale <= 366 * 86400 else { return nil }
            total += .milliseconds(Int64((value * scale * 1000).rounded()))
        }
        return total
    }

    /// A number's value: whole numbers of up to 15 digits (exact in a Double) are added up digit by
    /// digit, as a script's durations almost always are; the rest go through `Double`'s parser.
    private static func number(_ digits: UnsafeBufferPointer<UInt8>, whole: Bool) -> Double? {
        guard whole, digits.count <= 15 else { return Double(String(decoding: digits, as: UTF8.self)) }
        var value = 0
        for digit in digits { value = value * 10 + Int(digit - UInt8(ascii: "0")) }
        return Double(value)
    }

    /// Writes a duration the short way: `250ms`, `2s`, `1.5s`, `5m`, `1m30s`.
    public static func format(_ duration: Duration) -> String {
        let ms = Int64(duration.components.seconds) * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if ms < 1000 { return "\(ms)ms" }
        if ms < 60_000 {
            return ms % 1000 == 0 ? "\(ms / 1000)s" : "\(Double(ms) / 1000)s"
        }
        let (minutes, seconds) = (ms / 60_000, (ms % 60_000) / 1000)
        return seconds == 0 ? "\(minutes)m" : "\(minutes)m\(seconds)s"
    }

    /// Seconds as a Double.
    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
