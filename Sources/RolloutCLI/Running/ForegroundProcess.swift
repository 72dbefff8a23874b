import Foundation

/// A shell command run in rollout's own process group, so that it is in the terminal's foreground
/// and reads its keys (Foundation's `Process` starts a group of its own): the pager and the editor.
struct ForegroundProcess {
    let pid: pid_t

    /// Starts `/bin/sh -c command` with `arguments` as `$1`…, its standard input from `input` when
    /// given; nil when it cannot start.
    static func start(_ command: String, arguments: [String] = [], environment: [String: String], input: Int32? = nil) -> ForegroundProcess? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input { posix_spawn_file_actions_adddup2(&actions, input, 0) }
        var argv = (["/bin/sh", "-c", command, "sh"] + arguments).map { strdup($0) } + [nil]
        var envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, &envp) == 0 else { return nil }
        return ForegroundProcess(pid: pid)
    }

    /// Waits until it exits; its exit status (127 when the shell found no such command).
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status >> 8) & 0xFF
    }
}
