import AutopilotClient
import Foundation
import RolloutSyntax

/// A PostgreSQL database named by URL, `postgres://USER@HOST[:PORT]/DATABASE[?OPTIONS]`, with the
/// options libpq users know: `sslmode` (`disable`, `prefer`, `require` or `verify-full`; by default
/// `prefer` on this machine's loopback and `verify-full` anywhere else), `sslrootcert` (a PEM file
/// of certificate authorities instead of the system's) and `connect_timeout` (seconds, 10 by
/// default: how long any one call to the database may take before the run is told it failed), and
/// rollout's own `lease` (how long a run's hold outlives its last renewal, 30s by default).
struct PostgresSettings: Equatable {
    enum TLSMode: String, Equatable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    var host: String
    var port: Int
    var user: String
    var database: String
    var password: Secret?
    var tls: TLSMode
    var rootCertificates: String?
    var timeout: Duration
    var lease: Duration

    /// Reads a URL; says what is wrong with one it cannot use.
    init(url text: String, password: Secret?) throws(SettingProblem) {
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme?.lowercased() ?? "") else {
            throw SettingProblem("'\(text.terminalSafe)' is not a postgres:// URL (or files, for the local files)")
        }
        guard let host = url.host, !host.isEmpty else { throw SettingProblem("'\(text.terminalSafe)' names no host") }
        if url.password != nil {
            throw SettingProblem("put no password in the URL, which is shown in messages; set ROLLOUT_STATE_PASSWORD or the profile's state_password_env")
        }
        guard let user = url.user, !user.isEmpty else { throw SettingProblem("'\(text.terminalSafe)' names no user: postgres://USER@\(host)/DATABASE") }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw SettingProblem("'\(text.terminalSafe)' names no database: postgres://\(user)@\(host)/DATABASE") }
        self.host = host
        port = url.port ?? 5432
        self.user = user
        self.database = database
        self.password = password
        let isLoopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host)
        tls = isLoopback ? .prefer : .verifyFull
        timeout = .seconds(10)
        lease = .seconds(30)
        for item in url.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw SettingProblem("sslmode is disable, prefer, require or verify-full, not '\(value.terminalSafe)'")
                }
                tls = mode
            case "sslrootcert": rootCertificates = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else { throw SettingProblem("connect_timeout is a whole number of seconds, not '\(value.terminalSafe)'") }
                timeout = .seconds(seconds)
            case "lease":
                guard let duration = DurationText.parse(value), duration >= .seconds(1) else {
                    throw SettingProblem("lease is a duration of a second or more, such as 30s, not '\(value.terminalSafe)'")
                }
                lease = duration
            default:
                throw SettingProblem("'\(item.name.terminalSafe)' is not an option of the state URL (sslmode, sslrootcert, connect_timeout, lease)")
            }
        }
    }

    /// The database in words, without its password: `postgres://rollout@db:5432/rollout`.
    var place: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// A setting that cannot be used, in a sentence.
    struct SettingProblem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
