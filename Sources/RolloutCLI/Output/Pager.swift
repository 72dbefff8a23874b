import AutopilotModels
import Foundation
import LineEditor

/// Output longer than the terminal goes through a pager, as git and psql do: `$ROLLOUT_PAGER`, else
/// `$PAGER`, else `less -FRX` (which quits by itself when the text fits and keeps colour). Only when
/// standard output is a terminal; `--no-pager`, or `ROLLOUT_PAGER` set to empty or `cat`, turns it off.
struct Pager: Sendable {
    /// The shell command the text is piped to.
    let command: String
    private let environment: [String: String]

    /// The pager of this run, or nil when there is none.
    static func make(disabled: Bool, environment: [String: String], terminal: Bool = isatty(1) == 1) -> Pager? {
        guard !disabled, terminal else { return nil }
        let chosen = environment["ROLLOUT_PAGER"] ?? environment["PAGER"] ?? "less -FRX"
        let trimmed = chosen.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed != "cat" else { return nil }
        var environment = environment
        // As git does: a bare `less` quits when the text fits, keeps colour, and leaves the screen as it was.
        if environment["LESS"] == nil { environment["LESS"] = "FRX" }
        return Pager(command: trimmed, environment: environment)
    }

    /// True when the text has more lines than the terminal shows (less one for the prompt after it).
    func pages(_ text: String) -> Bool {
        guard let rows = Terminal.size()?.rows else { return false }
        return text.split(separator: "\n", omittingEmptySubsequences: false).count > rows - 1
    }

    /// Pipes the text to the pager and waits until it exits; prints it plainly when the pager cannot
    /// start.
    func show(_ text: String) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return Console.out(text) }
        // The pager must not hold the pipe's writing end, or it would never see the end of the text.
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        let pager = ForegroundProcess.start(command, environment: environment, input: fds[0])
        close(fds[0])
        guard let pager else {
            close(fds[1])
            return Console.out(text)
        }
        // A pager quit early (q) closes the pipe; the rest of the text is not wanted then.
        signal(SIGPIPE, SIG_IGN)
        let bytes = Array((SecretValues.known.mask(text) + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
            if count <= 0 { break }
            written += count
        }
        close(fds[1])
        // 127: the shell found no such pager; the text is shown all the same.
        if pager.wait() == 127 { Console.out(text) }
    }
}
