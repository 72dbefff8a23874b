import AutopilotModels
import RolloutRuntime

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

    /// A release status or a rollout member's state in its colour: green when deployed or done, red
    /// when failed or unknown, dim when not started, yellow on the way.
    func status(_ status: String) -> String {
        switch status {
        case MemberState.succeeded.shown, MemberState.rolledBack(nil).shown, MemberState.recovered.shown: return green(status)
        case MemberState.queued.shown, MemberState.notStarted.shown: return dim(status)
        case MemberState.running.shown, MemberState.changing.shown, MemberState.rollingBack.shown: return yellow(status)
        case MemberState.interrupted.shown, MemberState.failed("").shown, MemberState.rollbackFailed("").shown: return red(status)
        default: break
        }
        let known = ReleaseStatus(rawValue: status)
        if known == .deployed { return green(status) }
        if known.isFailure { return red(status) }
        return yellow(status)
    }
}
