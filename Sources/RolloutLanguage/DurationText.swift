/// Durations as scripts and flags write them: `500ms`, `2s`, `1.5s`, `5m`, `1h`, `1m30s`.
public enum DurationText {
    /// Parses a duration; nil when the text is not one (a bare number has no unit and is refused).
    /// Reads UTF-8 bytes: numbers and units are ASCII, and any other character makes it not a duration.
    public static func parse(_ text: String) -> Duration? {
        var total = Duration.zero
        var rest = Substring(text).utf8
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") }
            guard !number.isEmpty, let value = Self.number(number), value.isFinite else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") }
            rest = rest.dropFirst(unit.count)
            let scale: Double
            if unit.elementsEqual("ms".utf8) {
                scale = 0.001
            } else if unit.elementsEqual("s".utf8) {
                scale = 1
            } else if unit.elementsEqual("m".utf8) {
                scale = 60
            } else if unit.elementsEqual("h".utf8) {
                scale = 3600
            } else {
                return nil
            }
            guard value * scale <= 366 * 86400 else { return nil }
            total += .milliseconds(Int64((value * scale * 1000).rounded()))
        }
        return total
    }

    /// A number's value: whole numbers of up to 15 digits (exact in a Double) are added up digit by
    /// digit, as a script's durations almost always are; the rest go through `Double`'s parser.
    private static func number(_ digits: Substring.UTF8View) -> Double? {
        guard digits.count <= 15, !digits.contains(UInt8(ascii: ".")) else { return Double(Substring(digits)) }
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
