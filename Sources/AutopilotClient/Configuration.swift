public import Foundation

/// Everything an `AutopilotClient` needs: where, who, and how patient to be.
public struct AutopilotConfiguration: Sendable {
    /// The base URL of the API.
    public var endpoint: Endpoint
    /// How requests are authenticated (or, with `fetcher`, the project id to add to what it fetches).
    public var credentials: Credentials
    /// Where temporary credentials come from (the ECS metadata service, pod identity, an IAM token):
    /// when set, they are fetched at the first call and again before they expire, and `credentials`
    /// gives only a project id.
    public var fetcher: (any CredentialFetcher)?
    /// Looks the project id up in IAM when the credentials carry none, as Huawei's SDKs do.
    public var projectLookup: ProjectLookup?
    /// When calls are tried again.
    public var retry: RetryPolicy = RetryPolicy()
    /// How long to wait for a connection.
    public var connectTimeout: Duration = .seconds(5)
    /// How long a read may go without a byte.
    public var readTimeout: Duration = .seconds(30)
    /// The deadline of one try, from send to the answer's last byte, however slowly it comes.
    /// (`retry.deadline` holds for the whole call.)
    public var requestTimeout: Duration = .seconds(60)
    /// The longest answer read, in bytes (32 MiB); a longer one is refused as it arrives.
    public var answerLimit: Int = 32 << 20
    /// The connections kept open to the endpoint, for calls made side by side (a fleet rollout's
    /// members); more are opened when needed and closed after use.
    public var connections: Int = 64
    /// The `User-Agent` header.
    public var userAgent: String = RolloutVersion.userAgent
    /// Proxies and TLS trust.
    public var network = NetworkSettings()
    /// Called once for every try on the wire (`--debug`).
    public var onCall: (@Sendable (CallRecord) -> Void)?
    /// The clock that dates signatures.
    public var now: @Sendable () -> Date = { Date() }

    /// A configuration for an endpoint and credentials, with the default timeouts and retries.
    public init(endpoint: Endpoint, credentials: Credentials) {
        self.endpoint = endpoint
        self.credentials = credentials
    }
}

/// The version of rollout and its client module.
public enum RolloutVersion {
    /// The version string.
    public static let current = "0.1.0"
    /// `rollout/<version>`, the `User-Agent` of the API's calls and IAM's.
    public static let userAgent = "rollout/\(current)"
}
