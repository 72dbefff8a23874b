import AutopilotClient
import Foundation
import TOMLKit

/// A named set of defaults from `config.toml`:
///
/// ```toml
/// default = "prod"
/// [profiles.prod]
/// region = "cn-north-4"
/// project_id = "0123..."
/// endpoint = "https://..."        # optional, instead of the region's
/// cluster = "shop"                # the cluster in use at start (alias or id)
/// namespace = "web"
/// ak_env = "PROD_AK"              # credentials named by environment variable
/// sk_env = "PROD_SK"
/// proxy = "http://proxy.corp:3128"   # instead of HTTPS_PROXY
/// ca_file = "/etc/ssl/corp-ca.pem"   # instead of the system's certificate authorities
/// iam_user = "deployer"           # an IAM user token instead of AK/SK ...
/// iam_domain = "my-account"
/// password_env = "PROD_PASSWORD"
/// agency = "cce-deploy"           # ... optionally assuming an agency
/// agency_domain = "ops-account"
/// prometheus = "http://prometheus:9090"   # what analyses query
/// prometheus_user = "rollout"             # basic authentication, with prometheus_password_env,
/// prometheus_password_env = "PROM_PASS"   # or a bearer token: prometheus_token_env
/// aom_endpoint = "https://aom.cn-north-4.myhuaweicloud.com"   # instead of the region's
/// state = "postgres://rollout@db.corp:5432/rollout"   # the team's shared records (default: local files)
/// state_password_env = "ROLLOUT_DB_PASSWORD"
/// [profiles.prod.clusters]
/// shop = "a870253f-5dc7-11ee-bf71-0255ac100b03"
/// [profiles.prod.fleets]              # for `group NAME = fleet <name>`
/// europe = ["shop", "eu-2"]           # clusters (aliases or ids)
/// web = ["shop/web/shop-web"]         # or releases: <cluster>/<namespace>/<release>
/// ```
///
/// Literal `sk`, `token`, `security_token`, `password` and a proxy password are allowed only in a
/// file that no one else can read.
struct Profile: Equatable {
    var name: String
    var region: String?
    var endpoint: String?
    var projectID: String?
    var cluster: String?
    var namespace: String?
    var clusters: [String: String] = [:]
    var fleets: [String: [String]] = [:]
    var accessKey: String?
    var secretKey: String?
    var token: String?
    var securityToken: String?
    var proxy: String?
    var caFile: String?
    var iamUser: String?
    var iamDomain: String?
    var password: String?
    var agency: String?
    var agencyDomain: String?
    var prometheus: String?
    var aomEndpoint: String?
    var prometheusUser: String?
    var prometheusPassword: String?
    var prometheusToken: String?
    /// The state store's URL, and its password.
    var state: String?
    var statePassword: String?

    /// The `_env` settings whose variable is not set: the key (`sk`) and the variable (`PROD_SK`).
    var unsetVariables: [UnsetVariable] = []
    /// The same, for the Prometheus settings.
    var unsetMetricsVariables: [UnsetVariable] = []
    /// The same, for the state store's password.
    var unsetStateVariables: [UnsetVariable] = []

    /// A `<key>_env` setting whose variable is not set.
    struct UnsetVariable: Equatable {
        var key: String
        var variable: String
    }

    /// The keys whose literal value is a secret (each also has a `_env` form).
    static let secretKeys = ["sk", "token", "security_token", "password", "prometheus_password", "prometheus_token", "state_password"]

    /// True when the profile names credentials of its own (even ones it cannot supply).
    var hasCredentials: Bool {
        accessKey != nil || secretKey != nil || token != nil || iamUser != nil || !unsetVariables.isEmpty
    }

    /// Why the credentials the profile names cannot be used, or nil when they can: a variable
    /// not set, half of a key pair, an IAM user without its domain or password. An explicit choice
    /// that cannot be honoured fails; it never falls through to another identity.
    var credentialProblem: String? {
        var problems = unsetVariables.map { "\($0.key)_env names \($0.variable), which is not set" }
        let unset = Set(unsetVariables.map(\.key))
        if accessKey != nil, secretKey == nil, !unset.contains("sk") {
            problems.append("ak needs sk_env (or sk)")
        }
        if secretKey != nil, accessKey == nil, !unset.contains("ak") {
            problems.append("sk needs ak (or ak_env)")
        }
        if iamUser != nil {
            if iamDomain == nil { problems.append("iam_user needs iam_domain") }
            if password == nil, !unset.contains("password") {
                problems.append("iam_user needs password_env (or password)")
            }
        }
        guard !problems.isEmpty else { return nil }
        return "profile \(name): \(problems.joined(separator: "; ")); nothing was sent (a profile that names credentials signs with them or not at all)"
    }

    /// Loads a profile: the named one, else the file's `default`, else none.
    static func load(named wanted: String?, from file: URL, environment: [String: String]) throws -> Profile? {
        guard FileManager.default.fileExists(atPath: file.path) else {
            if let wanted { throw CLIError("no profile '\(wanted)': \(file.path) does not exist", exitCode: 2) }
            return nil
        }
        let text = try FileProblem.text(file.path)
        if let problem = TableHeaders.unreadable(in: text) {
            throw CLIError("\(file.path) is not valid TOML: \(problem)", exitCode: 2)
        }
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch {
            throw CLIError("\(file.path) is not valid TOML: \(error)", exitCode: 2)
        }
        let profiles = root["profiles"]?.table
        try refuseReadableSecrets(in: profiles, file: file)
        guard let name = wanted ?? root["default"]?.string else { return nil }
        guard let table = profiles?[name]?.table else {
            let known = profiles?.keys.sorted().joined(separator: ", ") ?? "none"
            throw CLIError("no profile '\(name)' in \(file.path) (profiles: \(known))", exitCode: 2)
        }
        func value(_ key: String) -> String? { table[key]?.string }
        var unset: [UnsetVariable] = []
        func secret(_ key: String) -> String? {
            if let literal = value(key) { return literal }
            guard let variable = value("\(key)_env") else { return nil }
            guard let found = environment[variable], !found.isEmpty else {
                unset.append(UnsetVariable(key: key, variable: variable))
                return nil
            }
            return found
        }
        var clusters: [String: String] = [:]
        if let aliases = table["clusters"]?.table {
            for key in aliases.keys { clusters[key] = aliases[key]?.string }
        }
        var fleets: [String: [String]] = [:]
        if let table = table["fleets"]?.table {
            for key in table.keys {
                let list = table[key]?.array
                let members = list?.compactMap(\.string) ?? []
                guard let list, members.count == list.count else {
                    throw CLIError("\(file.path): profiles.\(name).fleets.\(key) must be a list of strings (clusters, or <cluster>/<namespace>/<release>)", exitCode: 2)
                }
                fleets[key] = members
            }
        }
        var profile = Profile(
            name: name, region: value("region"), endpoint: value("endpoint"), projectID: value("project_id"),
            cluster: value("cluster"), namespace: value("namespace"), clusters: clusters, fleets: fleets, accessKey: secret("ak"),
            secretKey: secret("sk"), token: secret("token"), securityToken: secret("security_token"), proxy: value("proxy"),
            caFile: value("ca_file"), iamUser: value("iam_user"), iamDomain: value("iam_domain"), password: secret("password"),
            agency: value("agency"), agencyDomain: value("agency_domain"), prometheus: value("prometheus"), aomEndpoint: value("aom_endpoint"),
            prometheusUser: value("prometheus_user"), prometheusPassword: secret("prometheus_password"), prometheusToken: secret("prometheus_token"),
            state: value("state"), statePassword: secret("state_password"))
        // An unset variable for Prometheus is the analyses' problem, and one for the state store
        // the store's, not the credentials'.
        profile.unsetVariables = unset.filter { !$0.key.hasPrefix("prometheus_") && !$0.key.hasPrefix("state_") }
        profile.unsetMetricsVariables = unset.filter { $0.key.hasPrefix("prometheus_") }
        profile.unsetStateVariables = unset.filter { $0.key.hasPrefix("state_") }
        return profile
    }

    /// A file that holds a literal secret must not be readable by group or others.
    private static func refuseReadableSecrets(in profiles: TOMLTable?, file: URL) throws {
        guard let profiles else { return }
        var found: [String] = []
        for name in profiles.keys {
            guard let table = profiles[name]?.table else { continue }
            for key in secretKeys where table[key] != nil { found.append("\(name).\(key)") }
            if let proxy = table["proxy"]?.string, (try? ProxyServer(url: proxy))?.password != nil { found.append("\(name).proxy") }
        }
        guard let first = found.first else { return }
        do {
            try SecretFile.refuseIfReadable(file.path, holding: first)
        } catch {
            let key = first.split(separator: ".").last!
            let hint = key == "proxy" ? "" : ", or name the secret by environment variable (\(key)_env = \"VARIABLE\")"
            throw CLIError(String(describing: error) + hint, exitCode: 2, topic: "credentials")
        }
    }
}

/// A table header the TOML parser cannot be given. toml++ 3.4 (inside TOMLKit 0.6) checks that a
/// header's name starts like a key only with an assertion, which stops the process on `[ é]`,
/// `[=]`, `[.a]` or `[[[1]]]` (fixed upstream in tomlplusplus#301), so such a header is refused
/// here first, with the line, as the parser would refuse any other mistake.
enum TableHeaders {
    /// The first header that does not start like a key, as `line N: …`; nil when there is none.
    static func unreadable(in text: String) -> String? {
        var depth = 0  // arrays left open by earlier lines, whose lines may start with '['
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if depth == 0, trimmed.hasPrefix("[") {
                let name = trimmed.dropFirst(trimmed.hasPrefix("[[") ? 2 : 1).drop { $0 == " " || $0 == "\t" }
                guard let first = name.first else { return "line \(index + 1): a table header names no table" }
                if !(first.isASCII && (first.isLetter || first.isNumber || first == "_" || first == "-")) && first != "\"" && first != "'" {
                    return "line \(index + 1): a table name starts with a letter, a digit, '_', '-' or a quote, not '\(String(first).terminalSafe)'"
                }
                continue
            }
            depth = max(0, depth + openArrays(in: trimmed))
        }
        return nil
    }

    /// How many more arrays a line of a value opens than it closes, outside strings and comments.
    private static func openArrays(in line: Substring) -> Int {
        var count = 0
        var quote: Character?
        for character in line {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                break
            } else if character == "[" {
                count += 1
            } else if character == "]" {
                count -= 1
            }
        }
        return count
    }
}
