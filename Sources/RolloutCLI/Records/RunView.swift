import Foundation

/// How a run stands, as `rollout watch` shows it from elsewhere: the last lines the run printed
/// and the board of the rollout it runs, plain text with its secrets masked. The run puts it up
/// as it goes (`RunPublisher`), each time over the last.
struct RunView: Codable, Sendable, Equatable {
    /// How many lines the run has printed in all; `lines` are the last of them.
    var printed: Int
    /// The last lines printed, oldest first.
    var lines: [String]
    /// The board of the rollout running; empty when none runs.
    var board: [String]
    /// When it was put up.
    var updated: String

    /// At most this many of the last lines are kept.
    static let kept = 200

    /// A run that has printed nothing yet.
    static let empty = RunView(printed: 0, lines: [], board: [], updated: "")

    /// The lines printed after the first `seen`, and how many between were no longer kept.
    func lines(after seen: Int) -> (missed: Int, new: [String]) {
        let first = printed - lines.count
        let missed = max(0, first - seen)
        return (missed, Array(lines.suffix(max(0, printed - max(seen, first)))))
    }
}
