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
    /// Where temporary credentials are fetched from, when they are.
    var fetcher: (any CredentialFetcher)?
    /// Where the credentials came from, named without their secret.
    var credentialSource: String
    /// The project lookup in IAM, for AK/SK credentials with no project id and a known region.
    var projectLookup: ProjectLookup?
    var profile: Profile?
    var clusterAliases: [String: String]
    /// True when the aliases are every name a cluster goes by (an emulator's); on the cloud,
    /// names are read from the project's cluster list when a statement uses one.
    var aliasesNameEveryCluster = false
    /// The named fleets: the profile's, and the emulator's generated one.
    var fleets: [String: [String]]
    /// The generated fleet of an emulator target (nil for the cloud).
    var emulatorFleet: DemoFleet?
    /// The cluster in use when a run starts (the prompt, a script, `-c`, `check` and `plan` alike):
    /// `ROLLOUT_CLUSTER`, the profile's, or on the embedded emulator its demo cluster.
    var defaultCluster: String?
    /// The namespace in use when a run starts; with none, `list` shows every namespace.
    var defaultNamespace: String?
    /// Proxies and TLS trust for the cloud.
    var network: NetworkSettings
    /// Start the embedded emulator's kept state again from the demo data.
    var freshEmulator = false
    /// The Prometheus server analyses query, when one is named.
    var metrics: MetricsChoice?
    /// AOM's endpoint for analyses that ask AOM: named, the region's, or an emulator target itself;
    /// nil on the embedded emulator, whose address is known once it starts.
    var aomEndpoint: Endpoint?

    var isEmbedded: Bool { kind == .embedded }

    /// The target in words that stay the same from run to run (the embedded emulator's port does
    /// not), for a resumed run to be sure it goes on where it began.
    var identity: String {
        let profileName = profile.map { " (profile \($0.name))" } ?? ""
        switch kind {
        case .embedded: return "the embedded emulator" + profileName
        case .remote(let endpoint, _): return endpoint.url.absoluteString + profileName
        }
    }

    /// The target as the keys of its locks name it: its endpoint, whatever profile reaches it, so
    /// that two profiles for one endpoint share their releases' locks.
    var lockName: String {
        switch kind {
        case .embedded: return "embedded"
        case .remote(let endpoint, _): return endpoint.url.absoluteString
        }
    }

    /// Resolves the target of a command.
    static func resolve(_ options: TargetOptions, environment: [String: String]) throws -> TargetChoice {
        let named = options.profile ?? environment["ROLLOUT_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        let profile = try Profile.load(named: named, from: Paths(environment).configFile, environment: environment)
        let endpointText = options.endpoint ?? environment["ROLLOUT_ENDPOINT"] ?? profile?.endpoint
        let endpointSetting =
            options.endpoint != nil ? "--endpoint" : environment["ROLLOUT_ENDPOINT"] != nil ? "ROLLOUT_ENDPOINT" : "the profile's endpoint"
        let regionID = options.region ?? environment["ROLLOUT_REGION"] ?? profile?.region
        let network = try networkSettings(options, profile: profile, environment: environment)
        let metrics = try MetricsChoice.resolve(options, profile: profile, environment: environment)
        var aliases = profile?.clusters ?? [:]
        var fleets = profile?.fleets ?? [:]
        var region: Region?
        let kind: Kind
        if let endpointText {
            let endpoint: Endpoint
            do { endpoint = try Endpoint(parsing: endpointText) } catch { throw CLIError("\(endpointSetting): \(error)", exitCode: 2) }
            // A region beside an explicit endpoint is for IAM only, so any id will do.
            do {
                region = try regionID.map { id throws(RegionProblem) in
                    if let known = try? Region(id, environment: environment) { return known }
                    return try Region(id: id, endpoint: endpoint, environment: environment)
                }
            } catch { throw CLIError(error.description, exitCode: 2) }
            kind = .remote(endpoint: endpoint, region: regionID)
        } else if let regionID {
            do { region = try Region(regionID, environment: environment) } catch { throw CLIError(error.description, exitCode: 2) }
            kind = .remote(endpoint: region!.endpoint, region: regionID)
        } else {
            kind = .embedded
        }
        var credentials = EmulatorCredentials.localDefaults.clientCredentials
        var source = "the embedded emulator's local defaults"
        var fetcher: (any CredentialFetcher)?
        var emulatorFleet: DemoFleet?
        var isEmulator = kind == .embedded
        if case .remote(let endpoint, _) = kind {
            let chain = CredentialChain(options: options, profile: profile, explicitProfile: named != nil, environment: environment)
            var found = try chain.resolve(region: region, network: network)
            let servicesNamed = environment[CredentialChain.metadataVariable] != nil || environment["HC_CONTAINER_CREDENTIALS_FULL_URI"] != nil
            if found.fetcher is CredentialChain.LastResort, endpoint.isLocal, !servicesNamed {
                // A standalone emulator on this machine, with nothing configured: its documented defaults.
                found = .init(credentials: credentials, source: "the emulator's local defaults")
                isEmulator = true
            }
            credentials = found.credentials
            if let projectID = options.projectID { credentials = credentials.withProject(projectID, replacing: true) }
            credentials = credentials.withProject(profile?.projectID)
            source = found.source
            fetcher = found.fetcher
            // The credentials file's iam_endpoint wins over HUAWEICLOUD_SDK_IAM_ENDPOINT, as in the SDKs.
            if let iam = found.iamEndpoint, !iam.isEmpty {
                do { region?.iam = try Endpoint(parsing: iam) } catch { throw CLIError("iam_endpoint in \(found.source): \(error)", exitCode: 2) }
            }
        }
        if isEmulator {
            emulatorFleet = try EmulatorFleet.shape(environment: environment)
            // The emulator's clusters go by their names, and its fleet by its own.
            aliases.merge(DemoData.clusterAliases) { mine, _ in mine }
            if let emulatorFleet {
                aliases.merge(emulatorFleet.aliases) { mine, _ in mine }
                fleets[DemoFleet.fleetName] = fleets[DemoFleet.fleetName] ?? emulatorFleet.clusterNames
            }
        }
        var aomEndpoint: Endpoint?
        if let text = options.aomEndpoint ?? profile?.aomEndpoint {
            do { aomEndpoint = try Endpoint(parsing: text) } catch {
                throw CLIError("\(options.aomEndpoint != nil ? "--aom-endpoint" : "the profile's aom_endpoint"): \(error)", exitCode: 2)
            }
        } else if case .remote(let endpoint, _) = kind {
            aomEndpoint = isEmulator ? endpoint : region?.aom
        }
        return TargetChoice(
            kind: kind, credentials: credentials, fetcher: fetcher, credentialSource: source,
            projectLookup: isEmulator ? nil : region.map { ProjectLookup(region: $0, network: network) }, profile: profile,
            clusterAliases: aliases, aliasesNameEveryCluster: isEmulator, fleets: fleets, emulatorFleet: emulatorFleet,
            defaultCluster: environment["ROLLOUT_CLUSTER"] ?? profile?.cluster ?? (kind == .embedded ? DemoData.startCluster : nil),
            defaultNamespace: environment["ROLLOUT_NAMESPACE"] ?? profile?.namespace, network: network,
            freshEmulator: options.freshEmulator, metrics: metrics, aomEndpoint: aomEndpoint)
    }

    /// Proxies from `--proxy`, the profile or `HTTPS_PROXY`/`HTTP_PROXY` (with `NO_PROXY`); the CA
    /// bundle from `--ca-file`, the profile or `SSL_CERT_FILE`.
    static func networkSettings(_ options: TargetOptions, profile: Profile?, environment: [String: String]) throws -> NetworkSettings {
        var network = NetworkSettings()
        do {
            network.proxies = try ProxyRules.from(environment: environment, explicit: options.proxy ?? profile?.proxy)
        } catch {
            throw CLIError(error.description, exitCode: 2)
        }
        network.caFile = options.caFile ?? profile?.caFile ?? environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let caFile = network.caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw CLIError("the CA file \(caFile) does not exist or cannot be read", exitCode: 2)
        }
        network.insecureSkipTLSVerification = options.insecureSkipTLSVerify
        return network
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
            parts.append(fetcher == nil ? "\(credentials.description) from \(credentialSource)" : "credentials from \(credentialSource)")
            return parts.joined(separator: ", ")
        }
    }
}
