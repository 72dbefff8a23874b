/// How a run ended, as the process exit code.
public enum ExitCode: Int32, Sendable, CaseIterable {
    /// Every statement succeeded.
    case success = 0
    /// A statement failed and nothing recovered it.
    case stepFailed = 1
    /// The script or the command line is invalid; nothing ran.
    case invalid = 2
    /// A statement failed and its `else` recovered.
    case recovered = 3
    /// A `wait` (or an upgrade waiting for a busy release) ran out of time.
    case timedOut = 4
    /// Interrupted (Ctrl-C).
    case interrupted = 130
}
