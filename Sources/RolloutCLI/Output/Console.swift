import AutopilotModels
import Foundation

/// Writes to the terminal: standard output for results, standard error for diagnostics, each line
/// flushed at once so a pipe reader sees it.
/// Every secret value known to the process is masked here, on the way out (`SecretValues`).
enum Console {
    /// Writes a line to standard output.
    static func out(_ text: String) {
        write(text + "\n")
    }

    /// Writes a line to standard error.
    static func err(_ text: String) {
        write(text + "\n", to: .standardError)
    }

    /// Writes text as it is (no newline added), secrets masked.
    static func write(_ text: String, to handle: FileHandle = .standardOutput) {
        handle.write(Data(SecretValues.known.mask(text).utf8))
    }
}

/// A command-line failure with a message for the user; exits with the given code.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    var exitCode: Int32
    /// What the failure is about, as `rollout doctor` files it (`target`, `credentials`).
    var topic = "target"

    init(_ description: String, exitCode: Int32 = 1, topic: String = "target") {
        self.description = description
        self.exitCode = exitCode
        self.topic = topic
    }
}
