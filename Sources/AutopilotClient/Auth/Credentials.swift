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

    /// Reads credentials from the environment: `HUAWEICLOUD_SDK_AK`/`_SK` (Huawei's SDKs) or
    /// `CLOUD_SDK_AK`/`_SK` (Huawei's samples), each with its `_PROJECT_ID` and `_SECURITY_TOKEN`,
    /// or `CLOUD_SDK_TOKEN` for an IAM token. A key pair, its project and its token always come from
    /// one family of variables; an AK of one family with the SK of the other is refused. Nil when
    /// none are set.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(CredentialProblem) -> Sourced?
    {
        func read(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var pairs: [Sourced] = []
        for family in ["HUAWEICLOUD_SDK_", "CLOUD_SDK_"] {
            let (ak, sk) = (read(family + "AK"), read(family + "SK"))
            if let ak, let sk {
                let key = AccessKey(
                    id: ak, secret: Secret(sk), projectID: read(family + "PROJECT_ID"),
                    securityToken: read(family + "SECURITY_TOKEN").map { Secret($0) })
                pairs.append(Sourced(.accessKey(key), from: "the environment (\(family)AK, \(family)SK)"))
            } else if (ak == nil) != (sk == nil) {
                let (set, missing) = ak == nil ? ("SK", "AK") : ("AK", "SK")
                let other = family == "CLOUD_SDK_" ? "HUAWEICLOUD_SDK_" : "CLOUD_SDK_"
                let hint = read(other + missing) == nil ? "" : " (\(other)\(missing) is set, but a key pair must come from one family of variables)"
                throw CredentialProblem(message: "\(family)\(set) is set but \(family)\(missing) is not\(hint)")
            }
        }
        if pairs.count == 2, pairs[0].credentials.accessKeyID != pairs[1].credentials.accessKeyID {
            throw CredentialProblem(
                message: "both HUAWEICLOUD_SDK_AK and CLOUD_SDK_AK are set, to different keys; unset one of them")
        }
        if let first = pairs.first { return first }
        for family in ["HUAWEICLOUD_SDK_", "CLOUD_SDK_"] {
            if let token = read(family + "TOKEN") {
                return Sourced(.token(Secret(token), projectID: read(family + "PROJECT_ID")), from: "the environment (\(family)TOKEN)")
            }
        }
        return nil
    }

    /// The AK of AK/SK credentials.
    public var accessKeyID: String? {
        if case .accessKey(let key) = self { return key.id }
        return nil
    }

    /// The same credentials with a project id, when they have none (or whatever they have, when
    /// `replacing`: an explicit `--project-id`).
    public func withProject(_ projectID: String?, replacing: Bool = false) -> Credentials {
        guard self.projectID == nil || replacing, let projectID else { return self }
        switch self {
        case .accessKey(let key):
            return .accessKey(AccessKey(id: key.id, secret: key.secret, projectID: projectID, securityToken: key.securityToken))
        case .token(let token, _): return .token(token, projectID: projectID)
        case .none: return .none
        }
    }

    /// Credentials and where they were found, named without their secret: what `--debug` and
    /// `rollout doctor` show.
    public struct Sourced: Sendable {
        /// The credentials.
        public var credentials: Credentials
        /// Where they came from, e.g. `the environment (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK)`.
        public var source: String

        /// Credentials from a named source.
        public init(_ credentials: Credentials, from source: String) {
            self.credentials = credentials
            self.source = source
        }
    }
}

/// Credentials that are set but cannot be used, said so that a user can fix them.
public struct CredentialProblem: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to do.
    public var message: String
    /// Makes a problem.
    public init(message: String) { self.message = message }
    /// The message.
    public var description: String { message }
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
