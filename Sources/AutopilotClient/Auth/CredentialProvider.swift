import Foundation

/// The credentials each call is signed with: fixed ones, or ones fetched at the first call and again
/// before they expire (when less than 40 minutes, or half their life, is left, as Huawei's SDKs
/// do), with the project id looked up in IAM when they carry none. Calls side by side share one
/// fetch.
actor CredentialProvider {
    /// Credentials ready to sign with.
    struct Active: Sendable {
        var credentials: Credentials
        /// The signer of AK/SK credentials, made once: it holds the HMAC key.
        var signer: Signer?
        var expires: Date?
        var renewAt: Date?
        /// Where fetched credentials came from (the one service of several that gave them).
        var source: String?
    }

    private let fixed: Credentials
    private let fetcher: (any CredentialFetcher)?
    private let lookup: ProjectLookup?
    private let now: @Sendable () -> Date
    private var active: Active?
    private var pending: Task<Active, any Error>?

    init(credentials: Credentials, fetcher: (any CredentialFetcher)?, lookup: ProjectLookup?, now: @escaping @Sendable () -> Date) {
        self.fixed = credentials
        self.fetcher = fetcher
        self.lookup = lookup
        self.now = now
    }

    /// True when the credentials can be fetched again after the service refuses them.
    nonisolated var canRenew: Bool { fetcher != nil }

    /// The credentials to sign the next try with.
    func current() async throws(AutopilotError) -> Active {
        if let active, active.renewAt.map({ now() < $0 }) ?? true { return active }
        return try await renew()
    }

    /// Fetches again once after the service refused `rejected` (a 401), unless another call already
    /// did; nil when the credentials are fixed.
    func renew(after rejected: Active) async throws(AutopilotError) -> Active? {
        guard fetcher != nil else { return nil }
        if let active, active.credentials.accessKeyID != rejected.credentials.accessKeyID || active.expires != rejected.expires {
            return active
        }
        return try await renew()
    }

    private func renew() async throws(AutopilotError) -> Active {
        let task: Task<Active, any Error>
        if let pending {
            task = pending
        } else {
            let (fixed, fetcher, lookup, now) = (self.fixed, self.fetcher, self.lookup, self.now)
            task = Task { try await Self.make(fixed: fixed, fetcher: fetcher, lookup: lookup, now: now) }
            pending = task
        }
        defer { pending = nil }
        do {
            let made = try await task.value
            active = made
            return made
        } catch let error as AutopilotError {
            throw error
        } catch {
            throw AutopilotError(kind: .cancelled, message: "cancelled while fetching credentials")
        }
    }

    private static func make(
        fixed: Credentials, fetcher: (any CredentialFetcher)?, lookup: ProjectLookup?, now: @Sendable () -> Date
    ) async throws(AutopilotError) -> Active {
        var credentials = fixed
        var expires: Date?
        var renewAt: Date?
        var source: String?
        if let fetcher {
            let fetched = try await fetcher.fetch()
            source = fetched.source
            credentials = fetched.credentials.withProject(fixed.projectID)
            expires = fetched.expires
            if let expires {
                let life = expires.timeIntervalSince(now())
                renewAt = expires.addingTimeInterval(-min(40 * 60, max(life, 0) / 2))
            }
        }
        if credentials.projectID == nil, let lookup, case .accessKey(let key) = credentials {
            credentials = credentials.withProject(try await lookup.projectID(for: key, now: now()))
        }
        var signer: Signer?
        if case .accessKey(let key) = credentials { signer = Signer(accessKey: key.id, secretKey: key.secret) }
        return Active(credentials: credentials, signer: signer, expires: expires, renewAt: renewAt, source: source)
    }
}
