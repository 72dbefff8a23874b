/// ANSI colour, only when it is on.
struct Style: Sendable {
    var enabled: Bool

    func green(_ text: String) -> String { wrap(text, "32") }
    func red(_ text: String) -> String { wrap(text, "31") }
    func yellow(_ text: String) -> String { wrap(text, "33") }
    func dim(_ text: String) -> String { wrap(text, "2") }
    func bold(_ text: String) -> String { wrap(text, "1") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// A status word in its colour.
    func status(_ status: String) -> String {
        switch status {
        case "DEPLOYED": return green(status)
        case "FAILED", "UNKNOWN": return red(status)
        default: return yellow(status)
        }
    }
}
