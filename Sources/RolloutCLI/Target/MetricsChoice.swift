import AutopilotClient
import Foundation

/// The Prometheus server analyses query, resolved from `--prometheus`, then the profile, with its
/// authentication: a user (`--prometheus-user`, the profile's `prometheus_user`) and password
/// (`ROLLOUT_PROMETHEUS_PASSWORD`, the profile's `prometheus_password_env`), or a bearer token
/// (`ROLLOUT_PROMETHEUS_TOKEN`, the profile's `prometheus_token_env`).
struct MetricsChoice {
    /// The server's base URL.
    var url: URL
    /// How it is told who asks.
    var authorization: PrometheusSource.Authorization?

    /// The choice the options, profile and environment make; nil when none names a server.
    static func resolve(_ options: TargetOptions, profile: Profile?, environment: [String: String]) throws(CLIError) -> MetricsChoice? {
        let setting = options.prometheus != nil ? "--prometheus" : "the profile's prometheus"
        guard let text = options.prometheus ?? profile?.prometheus else { return nil }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false else {
            throw CLIError("\(setting): '\(text.terminalSafe)' is not an http or https URL", exitCode: 2)
        }
        if url.user != nil || url.password != nil {
            throw CLIError("\(setting): put no user or password in the URL; use --prometheus-user and ROLLOUT_PROMETHEUS_PASSWORD", exitCode: 2)
        }
        if let unset = profile?.unsetMetricsVariables.first {
            throw CLIError("profile \(profile!.name): \(unset.key)_env names \(unset.variable), which is not set", exitCode: 2)
        }
        func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let user = options.prometheusUser ?? profile?.prometheusUser
        let password = variable("ROLLOUT_PROMETHEUS_PASSWORD") ?? profile?.prometheusPassword
        let token = variable("ROLLOUT_PROMETHEUS_TOKEN") ?? profile?.prometheusToken
        switch (user, password, token) {
        case (nil, nil, nil): return MetricsChoice(url: url)
        case (let user?, let password?, nil): return MetricsChoice(url: url, authorization: .basic(user: user, password: Secret(password)))
        case (nil, nil, let token?): return MetricsChoice(url: url, authorization: .bearer(Secret(token)))
        case (_?, nil, _): throw CLIError("the Prometheus user needs a password: set ROLLOUT_PROMETHEUS_PASSWORD or prometheus_password_env", exitCode: 2)
        case (nil, _?, _): throw CLIError("a Prometheus password needs a user: --prometheus-user or prometheus_user", exitCode: 2)
        default: throw CLIError("name either a Prometheus user and password or a bearer token, not both", exitCode: 2)
        }
    }
}
