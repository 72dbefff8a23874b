public import AutopilotClient
public import Foundation

/// Who the emulator lets in.
public struct EmulatorCredentials: Sendable {
    /// AK → SK pairs whose signatures it accepts.
    public var accessKeys: [String: Secret]
    /// `X-Auth-Token` values it accepts.
    public var tokens: Set<String>
    /// The project id of its one project.
    public var projectID: String
    /// How far `X-Sdk-Date` may be from the server's clock.
    public var maxClockSkew: TimeInterval = 15 * 60
    /// The project's name in IAM: its region (`GET /v3/projects?name=` finds it by this).
    public var projectName = "cn-north-4"
    /// IAM users who may get a token with a password: name → (account, password).
    public var users: [String: (domain: String, password: String)] = [localUser: (localDomain, localPassword)]
    /// Agencies a user's token may assume, as `account/agency`.
    public var agencies: Set<String> = ["\(localDomain)/\(localAgency)"]
    /// Whether the metadata service's host has an agency (without one it answers as ECS does).
    public var metadataHasAgency = true
    /// The pod identity token that `Authorization` must carry.
    public var podIdentityToken = localPodToken
    /// How long temporary AK/SK from the metadata service and pod identity last.
    public var temporaryLifetime: TimeInterval = 3600
    /// How long IAM tokens last (24 hours, as IAM's do).
    public var tokenLifetime: TimeInterval = 24 * 3600
    /// Lock an AK for 5 minutes after this many bad signatures in a row, as the gateway does; nil
    /// never locks (tests that send bad signatures on purpose would lock themselves out).
    public var lockoutAfter: Int?

    /// Credentials with the given keys and tokens.
    public init(accessKeys: [String: Secret], tokens: Set<String>, projectID: String) {
        self.accessKeys = accessKeys
        self.tokens = tokens
        self.projectID = projectID
    }

    /// The documented local defaults (not secrets: anyone can read them in the README).
    public static let localDefaults = EmulatorCredentials(
        accessKeys: [localAccessKey: Secret(localSecretKey)], tokens: [localToken], projectID: localProjectID)

    /// The default AK.
    public static let localAccessKey = "ROLLOUTEMULATORAK001"
    /// The default SK.
    public static let localSecretKey = "rollout-emulator-local-secret"
    /// The default token.
    public static let localToken = "rollout-emulator-local-token"
    /// The default project id.
    public static let localProjectID = "0123456789abcdef0123456789abcdef"
    /// The default IAM user, account, password and agency.
    public static let localUser = "rollout-user"
    /// The default user's account.
    public static let localDomain = "rollout-account"
    /// The default user's password.
    public static let localPassword = "rollout-emulator-password"
    /// The default agency.
    public static let localAgency = "rollout-agency"
    /// The default pod identity token.
    public static let localPodToken = "rollout-emulator-pod-token"

    /// Client credentials that this emulator accepts (its first AK, signed).
    public var clientCredentials: Credentials {
        guard let (id, secret) = accessKeys.sorted(by: { $0.key < $1.key }).first else {
            return tokens.first.map { .token(Secret($0), projectID: projectID) } ?? .none
        }
        return .accessKey(AccessKey(id: id, secret: secret, projectID: projectID))
    }
}

/// How to run an emulator: where it listens, what it holds, and what it accepts.
public struct EmulatorConfiguration: Sendable {
    /// The address to listen on.
    public var host: String = "127.0.0.1"
    /// The port; 0 picks a free one.
    public var port: Int = 8080
    /// A SQLite file to keep state in; nil keeps it in memory.
    public var statePath: String?
    /// Deploy time and faults.
    public var settings = EmulatorSettings()
    /// The Prometheus server behind the emulator's AOM query API (`/v1/{project_id}/aom/api/v1/query`),
    /// which answers for AOM the way AOM answers for a cloud project; nil when there is none
    /// (`Emulator.serveAOM(from:)` names one later).
    public var aomBackend: URL?
    /// Who it lets in.
    public var credentials = EmulatorCredentials.localDefaults
    /// Its clusters.
    public var clusters: [EmulatedCluster] = DemoData.clusters
    /// Whether a fresh state gets the demo releases and charts.
    public var demoData = true
    /// The generated fleet it holds besides the demo clusters (with demo data); nil for none.
    public var fleet: DemoFleet? = .standard
    /// Serve HTTPS with this certificate and key instead of plain HTTP.
    public var tls: EmulatorTLS?
    /// The server's clock (tests move it).
    public var now: @Sendable () -> Date = { Date() }

    /// The defaults: 127.0.0.1:8080, in memory, demo data, 2 s deploys, local credentials.
    public init() {}
}

/// The certificate an emulator serving HTTPS presents: PEM files, as a web server takes them.
public struct EmulatorTLS: Sendable {
    /// The certificate chain, leaf first.
    public var certificateFile: String
    /// The private key of the leaf certificate.
    public var keyFile: String

    /// A certificate and its key.
    public init(certificateFile: String, keyFile: String) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}
