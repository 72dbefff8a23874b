import Foundation

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
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return false }
        return text.split(separator: "\n", omittingEmptySubsequences: false).count > Int(size.ws_row) - 1
    }

    /// Pipes the text to the pager and waits until it exits; prints it plainly when the pager cannot
    /// start. The pager is spawned in rollout's own process group, so that it is in the terminal's
    /// foreground and can read its keys (Foundation's `Process` starts a group of its own).
    func show(_ text: String) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return Console.out(text) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let arguments = ["/bin/sh", "-c", command]
        let variables = environment.map { "\($0.key)=\($0.value)" }
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = variables.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, &envp)
        close(fds[0])
        guard spawned == 0 else {
            close(fds[1])
            return Console.out(text)
        }
        // A pager quit early (q) closes the pipe; the rest of the text is not wanted then.
        signal(SIGPIPE, SIG_IGN)
        let bytes = Array((text + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
            if count <= 0 { break }
            written += count
        }
        close(fds[1])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // 127: the shell found no such pager; the text is shown all the same.
        if (status >> 8) & 0xFF == 127 { Console.out(text) }
    }
}
