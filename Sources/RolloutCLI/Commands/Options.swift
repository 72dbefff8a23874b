import ArgumentParser
import Foundation
import AutopilotModels
import RolloutSyntax

/// Where to send calls.
struct TargetOptions: ParsableArguments {
    @Option(help: "The API base URL (e.g. a standalone emulator, http://127.0.0.1:8080).")
    var endpoint: String?

    @Option(help: "The Huawei Cloud region (e.g. cn-north-4); the endpoint is https://cce.<region>.myhuaweicloud.com.")
    var region: String?

    @Option(help: "The profile of $XDG_CONFIG_HOME/rollout/config.toml to use.")
    var profile: String?

    @Flag(name: .customLong("insecure-skip-tls-verify"), help: "Do not verify the endpoint's TLS certificate (warns on every run).")
    var insecureSkipTLSVerify = false

    @Flag(name: .customLong("fresh-emulator"), help: "Start the embedded emulator from its demo data again, forgetting what earlier runs changed.")
    var freshEmulator = false

    @Option(help: "The HTTP proxy for cloud calls, http://[user:password@]host:port (instead of HTTPS_PROXY; NO_PROXY still applies).")
    var proxy: String?

    @Option(name: .customLong("ca-file"), help: "A PEM file of certificate authorities to trust instead of the system's (or SSL_CERT_FILE).")
    var caFile: String?

    @Option(help: "The access key id (with --sk-file); before the environment, profile and Huawei's credentials file.")
    var ak: String?

    @Option(name: .customLong("sk-file"), help: "A file (mode 600) holding the secret access key for --ak.")
    var skFile: String?

    @Option(name: .customLong("project-id"), help: "The project id; looked up in IAM by region when not given.")
    var projectID: String?

    @Option(help: "The Prometheus server analyses query (e.g. http://prometheus:9090); instead of the profile's prometheus.")
    var prometheus: String?

    @Option(name: .customLong("aom-endpoint"), help: "AOM's endpoint for analyses that ask AOM; by default the region's (https://aom.<region>.myhuaweicloud.com), or an emulator target itself.")
    var aomEndpoint: String?

    @Option(name: .customLong("prometheus-user"), help: "The user for the Prometheus server's basic authentication; the password from ROLLOUT_PROMETHEUS_PASSWORD.")
    var prometheusUser: String?
}

/// How to show results.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case human, json
}

/// When to use colour.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

/// How results look.
struct OutputOptions: ParsableArguments {
    @Option(help: "human, or json: one JSON object per statement result.")
    var output: OutputFormat = .human

    @Option(help: "auto (a terminal, unless NO_COLOR is set), always or never.")
    var color: ColorChoice = .auto

    @Flag(name: .customLong("no-pager"), help: "Never page long output (otherwise $ROLLOUT_PAGER, $PAGER or less -FRX on a terminal).")
    var noPager = false

    @Flag(name: [.customShort("v"), .customLong("debug")], help: "Show each HTTP call: method, path, status, time and request id.")
    var debug = false
}

/// Where rollout keeps its journal, run records and locks.
struct StateOptions: ParsableArguments {
    @Option(help: "files (the default: $XDG_STATE_HOME/rollout) or postgres://USER@HOST[:PORT]/DATABASE, a database a team shares (its password from ROLLOUT_STATE_PASSWORD); instead of ROLLOUT_STATE and the profile's state.")
    var state: String?

    @Option(name: .customLong("lock-timeout"), help: "How long a change waits for a release another run holds (e.g. 30s or 10m; 0s, the default, does not wait); then the run exits 8, naming the holder.")
    var lockTimeout = DurationArgument.zero
}

/// A duration given on the command line (`30s`, `10m`, `0`); one that is not is refused as the
/// command line is, before anything runs.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration

    /// No time: do not wait.
    static let zero = DurationArgument(duration: .zero)

    init(duration: Duration) { self.duration = duration }

    init?(argument: String) {
        guard let duration = DurationText.parse(argument) ?? (argument == "0" ? .zero : nil) else { return nil }
        self.duration = duration
    }

    var defaultValueDescription: String { DurationText.format(duration) }
}

/// The profile whose state a command that reaches no target reads (`journal`, `unlock`).
struct StateProfileOption: ParsableArguments {
    @Option(help: "The profile of $XDG_CONFIG_HOME/rollout/config.toml whose state to use.")
    var profile: String?

    /// Opens the store the state options, the environment and this profile choose, works with it,
    /// and closes it, whatever the work throws.
    func withStore<T>(_ state: StateOptions, _ work: (any StateStore) async throws -> T) async throws -> T {
        let environment = ProcessInfo.processInfo.environment
        let named = profile ?? environment["ROLLOUT_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        let profile = try Profile.load(named: named, from: Paths(environment).configFile, environment: environment)
        let store = try await StateChoice.resolve(state.state, profile: profile, environment: environment).open(Paths(environment))
        do {
            let result = try await work(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}
