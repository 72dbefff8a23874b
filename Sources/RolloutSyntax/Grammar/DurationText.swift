/// Durations as scripts and flags write them: `500ms`, `2s`, `1.5s`, `5m`, `1h`, `1m30s`.
public enum DurationText {
    /// Parses a duration; nil when the text is not one (a bare number has no unit and is refused, and
    /// so is anything over a year).
    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        var milliseconds = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard let value = Double(number), value.isFinite, let scale = scales[String(unit)] else { return nil }
            milliseconds += value * scale
        }
        guard milliseconds <= 366 * 86_400_000 else { return nil }
        return .milliseconds(Int64(milliseconds.rounded()))
    }

    private static let scales: [String: Double] = ["ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000]

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
