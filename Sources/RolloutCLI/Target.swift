import AutopilotClient
import AutopilotEmulator
import Foundation

/// Where statements go, resolved from flags, then the environment, then the profile: a cloud
/// endpoint with credentials, or, with no cloud configured, the embedded emulator.
struct TargetChoice {
    enum Kind: Equatable {
        case embedded
        case remote(endpoint: Endpoint, region: String?)
    }

    var kind: Kind
    var credentials: Credentials
    var profile: Profile?
    var clusterAliases: [String: String]
    /// The named fleets: the profile's, and the emulator's generated one.
    var fleets: [String: [String]]
    /// The generated fleet of an emulator target (nil for the cloud).
    var emulatorFleet: DemoFleet?
    var defaultCluster: String?
    var defaultNamespace: String?
    var insecure: Bool

    var isEmbedded: Bool { kind == .embedded }

    /// Resolves the target of a command.
    static func resolve(_ options: TargetOptions, environment: [String: String]) throws -> TargetChoice {
        let profile = try Profile.load(
            named: options.profile ?? environment["ROLLOUT_PROFILE"], from: Paths(environment).configFile, environment: environment)
        let endpointText = options.endpoint ?? environment["ROLLOUT_ENDPOINT"] ?? profile?.endpoint
        let region = options.region ?? environment["ROLLOUT_REGION"] ?? profile?.region
        var aliases = profile?.clusters ?? [:]
        var fleets = profile?.fleets ?? [:]
        var emulatorFleet: DemoFleet?
        var isEmulator = false
        let kind: Kind
        if let endpointText {
            guard let endpoint = Endpoint(string: endpointText) else {
                throw CLIError("'\(endpointText)' is not an http(s) URL for --endpoint", exitCode: 2)
            }
            kind = .remote(endpoint: endpoint, region: region)
        } else if let region {
            guard region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), !region.isEmpty else {
                throw CLIError("'\(region)' is not a region name (e.g. cn-north-4)", exitCode: 2)
            }
            kind = .remote(endpoint: .region(region), region: region)
        } else {
            kind = .embedded
        }
        var credentials: Credentials
        switch kind {
        case .embedded:
            credentials = EmulatorCredentials.localDefaults.clientCredentials
            emulatorFleet = try EmulatorFleet.shape(environment: environment)
            isEmulator = true
        case .remote(let endpoint, _):
            if let fromEnvironment = Credentials.fromEnvironment(environment) {
                credentials = fromEnvironment
            } else if let profile, let ak = profile.accessKey, let sk = profile.secretKey {
                credentials = .accessKey(
                    AccessKey(id: ak, secret: Secret(sk), projectID: profile.projectID, securityToken: profile.securityToken.map { Secret($0) }))
            } else if let profile, let token = profile.token {
                credentials = .token(Secret(token), projectID: profile.projectID)
            } else if endpoint.isLocal {
                credentials = EmulatorCredentials.localDefaults.clientCredentials
                emulatorFleet = try EmulatorFleet.shape(environment: environment)
            isEmulator = true
            } else {
                throw CLIError(
                    "no credentials for \(endpoint): set CLOUD_SDK_AK and CLOUD_SDK_SK (or CLOUD_SDK_TOKEN), or name them in a profile",
                    exitCode: 2)
            }
            if case .accessKey(let key) = credentials, key.projectID == nil, let project = profile?.projectID {
                credentials = .accessKey(AccessKey(id: key.id, secret: key.secret, projectID: project, securityToken: key.securityToken))
            }
        }
        if isEmulator {
            // The emulator's clusters go by their names, and its fleet by its own.
            aliases.merge(DemoData.clusterAliases) { mine, _ in mine }
            if let emulatorFleet {
                aliases.merge(emulatorFleet.aliases) { mine, _ in mine }
                fleets[DemoFleet.fleetName] = fleets[DemoFleet.fleetName] ?? emulatorFleet.clusterNames
            }
        }
        return TargetChoice(
            kind: kind, credentials: credentials, profile: profile, clusterAliases: aliases, fleets: fleets, emulatorFleet: emulatorFleet,
            defaultCluster: environment["ROLLOUT_CLUSTER"] ?? profile?.cluster,
            defaultNamespace: environment["ROLLOUT_NAMESPACE"] ?? profile?.namespace, insecure: options.insecureSkipTLSVerify)
    }

    /// A cluster alias as its id (unknown words pass as they are).
    func clusterID(_ written: String) -> String { clusterAliases[written] ?? written }

    /// One line naming the target, for the prompt's banner.
    func describe(url: URL) -> String {
        switch kind {
        case .embedded:
            return "the local emulator at \(url.absoluteString) with demo data (no cloud account needed)"
        case .remote(let endpoint, let region):
            var parts = [endpoint.description]
            if let region { parts.append("region \(region)") }
            if let profile { parts.append("profile \(profile.name)") }
            parts.append(credentials.description)
            return parts.joined(separator: ", ")
        }
    }
}
