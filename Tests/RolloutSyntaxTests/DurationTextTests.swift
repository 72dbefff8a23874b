import RolloutSyntax
import Testing

/// Durations as scripts write them, and what is not one.
struct DurationTextTests {
    @Test(arguments: [
        ("500ms", 500), ("2s", 2000), ("1.5s", 1500), ("5m", 300_000), ("1h", 3_600_000), ("1m30s", 90_000),
        ("0s", 0), ("0.25s", 250), (".5s", 500), ("1h2m3s4ms", 3_723_004), ("366d", -1),
    ])
    func parses(_ text: String, milliseconds: Int64) {
        let parsed = DurationText.parse(text)
        if milliseconds < 0 {
            #expect(parsed == nil)
        } else {
            #expect(parsed == .milliseconds(milliseconds), "\(text)")
        }
    }

    @Test(arguments: ["", "5", "5q", "s", "5 s", "5S", "1.2.3s", "5sm", "٣s", "5ś", "5m é", "-5s", "9999999h", "inf s", "1e3s"])
    func refuses(_ text: String) {
        #expect(DurationText.parse(text) == nil, "\(text)")
    }

    @Test func formatsWhatItParses() {
        for text in ["250ms", "2s", "1.5s", "5m", "1m30s"] {
            #expect(DurationText.format(DurationText.parse(text)!) == text)
        }
    }
}

/// Each comparison of `expect` performs its own relation: numbers as numbers, the rest as text.
struct ComparisonTests {
    @Test(arguments: [
        (Comparison.equal, "4", "04", true), (.notEqual, "v1", "v2", true), (.less, "9", "10", true), (.less, "b", "a", false),
        (.lessOrEqual, "10", "10", true), (.greater, "10", "9", true), (.greater, "a", "b", false), (.greaterOrEqual, "a", "a", true),
        (.greaterOrEqual, "2", "3", false),
    ])
    func holds(_ comparison: Comparison, _ actual: String, _ expected: String, _ result: Bool) {
        #expect(comparison.holds(actual, expected) == result, "\(actual) \(comparison.rawValue) \(expected)")
    }
}
