import AutopilotModels

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

    /// A status word in its colour: green when deployed, red when failed or unknown, yellow on the way.
    func status(_ status: String) -> String {
        let known = ReleaseStatus(rawValue: status)
        if known == .deployed { return green(status) }
        if known.isFailure { return red(status) }
        return yellow(status)
    }
}
