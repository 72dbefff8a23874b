import AutopilotClient
import Foundation

/// Where rollout keeps its state, chosen by URL: `--state`, else `ROLLOUT_STATE`, else the
/// profile's `state`; the local files under `$XDG_STATE_HOME/rollout` when none names one, or
/// when one says `files`. A `postgres://` URL names a database a team shares; its password comes
/// from `ROLLOUT_STATE_PASSWORD` or the profile's `state_password_env` (or `state_password` in a
/// file no one else can read), never from the URL, which is shown in messages.
enum StateChoice: Equatable {
    case files
    case postgres(PostgresSettings)

    /// The choice the option, environment and profile make.
    static func resolve(_ option: String?, profile: Profile?, environment: [String: String]) throws(CLIError) -> StateChoice {
        func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let (text, setting): (String?, String) =
            option != nil ? (option, "--state") : variable("ROLLOUT_STATE") != nil ? (variable("ROLLOUT_STATE"), "ROLLOUT_STATE")
            : (profile?.state, "the profile's state")
        guard let text, text != "files" else { return .files }
        if let unset = profile?.unsetStateVariables.first {
            throw CLIError("profile \(profile?.name ?? ""): \(unset.key)_env names \(unset.variable), which is not set", exitCode: 2)
        }
        let password = variable("ROLLOUT_STATE_PASSWORD") ?? profile?.statePassword
        do {
            return .postgres(try PostgresSettings(url: text, password: password.map { Secret($0) }))
        } catch {
            throw CLIError("\(setting): \(error.description)", exitCode: 2, topic: "state")
        }
    }

    /// Opens the store: the files, or a connection to the database with its schema brought up to date.
    func open(_ paths: Paths = Paths()) async throws -> any StateStore {
        switch self {
        case .files: return FileStore(paths)
        case .postgres(let settings): return try await PostgresStore.open(settings)
        }
    }
}
