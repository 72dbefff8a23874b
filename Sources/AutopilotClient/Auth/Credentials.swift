public import Foundation

/// How requests prove who sends them: an AK/SK pair (signed), an IAM token, or nothing.
public enum Credentials: Sendable, CustomStringConvertible {
    /// AK/SK signing, optionally with a security token (temporary credentials).
    case accessKey(AccessKey)
    /// An IAM token, sent as `X-Auth-Token`; the project id goes in `X-Project-Id`.
    case token(Secret, projectID: String?)
    /// No authentication (a server that needs none).
    case none

    /// The project id these credentials carry, if any.
    public var projectID: String? {
        switch self {
        case .accessKey(let key): return key.projectID
        case .token(_, let projectID): return projectID
        case .none: return nil
        }
    }

    /// Masked: the AK shows its first and last four characters; secrets never show.
    public var description: String {
        switch self {
        case .accessKey(let key): return key.description
        case .token(_, let projectID): return "token <redacted>" + (projectID.map { ", project \($0)" } ?? "")
        case .none: return "no credentials"
        }
    }

    /// Reads credentials from the environment as Huawei's samples name them:
    /// `CLOUD_SDK_AK`, `CLOUD_SDK_SK`, `CLOUD_SDK_PROJECT_ID`, `CLOUD_SDK_SECURITY_TOKEN`, or
    /// `CLOUD_SDK_TOKEN` for a token (each also as `HUAWEICLOUD_SDK_*`). Nil when none are set.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Credentials?
    {
        func read(_ suffix: String) -> String? {
            for prefix in ["CLOUD_SDK_", "HUAWEICLOUD_SDK_"] {
                if let value = environment[prefix + suffix], !value.isEmpty { return value }
            }
            return nil
        }
        let projectID = read("PROJECT_ID")
        if let ak = read("AK"), let sk = read("SK") {
            return .accessKey(
                AccessKey(id: ak, secret: Secret(sk), projectID: projectID, securityToken: read("SECURITY_TOKEN").map { Secret($0) }))
        }
        if let token = read("TOKEN") { return .token(Secret(token), projectID: projectID) }
        return nil
    }
}

/// An AK/SK pair with its project and, for temporary credentials, a security token.
public struct AccessKey: Sendable, CustomStringConvertible, CustomReflectable {
    /// The access key id.
    public let id: String
    /// The secret access key.
    public let secret: Secret
    /// Sent as `X-Project-Id`, and fills `{project_id}` in paths.
    public let projectID: String?
    /// Sent (and signed) as `X-Security-Token` for temporary credentials.
    public let securityToken: Secret?

    /// An AK/SK pair.
    public init(id: String, secret: Secret, projectID: String? = nil, securityToken: Secret? = nil) {
        self.id = id
        self.secret = secret
        self.projectID = projectID
        self.securityToken = securityToken
    }

    /// `AK HPUA…0001` with the middle of the AK masked.
    public var description: String {
        "AK \(Self.mask(id))" + (projectID.map { ", project \($0)" } ?? "")
            + (securityToken == nil ? "" : ", temporary")
    }

    /// Shows the masked AK and the project only.
    public var customMirror: Mirror {
        Mirror(self, children: ["id": Self.mask(id), "projectID": projectID as Any])
    }

    /// The first and last four characters of a key, the rest as `*`.
    public static func mask(_ key: String) -> String {
        guard key.count > 8 else { return String(repeating: "*", count: key.count) }
        return "\(key.prefix(4))\(String(repeating: "*", count: key.count - 8))\(key.suffix(4))"
    }
}
