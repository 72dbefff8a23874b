public import AutopilotClient
public import Foundation
import Synchronization

/// The emulator's IAM and credential services: temporary AK/SK that the metadata service and pod
/// identity hand out and that expire, IAM user and agency tokens, the region's project, and the
/// count of bad signatures per AK for the optional lockout.
public final class IdentityService: Sendable {
    /// A temporary key the emulator issued.
    struct IssuedKey {
        var secret: String
        var securityToken: String
        var expires: Date
    }

    /// What the emulator remembers of who it let in.
    private struct State {
        var keys: [String: IssuedKey] = [:]
        var tokens: [String: Date] = [:]
        var metadataTokens: Set<String> = []
        var badSignatures: [String: (count: Int, lockedUntil: Date?)] = [:]
    }

    let credentials: EmulatorCredentials
    let now: @Sendable () -> Date
    private let state = Mutex(State())

    init(credentials: EmulatorCredentials, now: @escaping @Sendable () -> Date) {
        self.credentials = credentials
        self.now = now
    }

    /// How many temporary keys it has issued (tests count refreshes with it).
    public var issuedKeyCount: Int { state.withLock { $0.keys.count } }

    /// Issues a temporary AK/SK with a security token, valid for `temporaryLifetime`.
    func issueKey() -> (id: String, key: IssuedKey) {
        let id = "TEMP" + Self.random(16).uppercased()
        let key = IssuedKey(secret: Self.random(40), securityToken: Self.random(64), expires: now().addingTimeInterval(credentials.temporaryLifetime))
        state.withLock { $0.keys[id] = key }
        return (id, key)
    }

    /// Issues an IAM token, valid for `tokenLifetime`.
    func issueToken() -> (token: String, expires: Date) {
        let token = "MII" + Self.random(60)
        let expires = now().addingTimeInterval(credentials.tokenLifetime)
        state.withLock { $0.tokens[token] = expires }
        return (token, expires)
    }

    /// A session token of the metadata service.
    func issueMetadataToken() -> String {
        let token = Self.random(32)
        state.withLock { _ = $0.metadataTokens.insert(token) }
        return token
    }

    /// True for a session token the metadata service gave.
    func knowsMetadataToken(_ token: String) -> Bool { state.withLock { $0.metadataTokens.contains(token) } }

    /// The secret of an AK and, for a temporary one, its security token; throws for an expired one.
    func secret(of accessKey: String, securityToken: String?) throws(EmulatorError) -> Secret? {
        if let secret = credentials.accessKeys[accessKey] { return secret }
        guard let issued = state.withLock({ $0.keys[accessKey] }) else { return nil }
        guard securityToken == issued.securityToken else {
            throw .unauthorized("the X-Security-Token is missing or does not belong to access key \(AccessKey.mask(accessKey))")
        }
        guard now() < issued.expires else { throw .unauthorized("the security token has expired") }
        return Secret(issued.secret)
    }

    /// Checks an `X-Auth-Token`.
    func checkToken(_ token: String) throws(EmulatorError) {
        if credentials.tokens.contains(token) { return }
        guard let expires = state.withLock({ $0.tokens[token] }) else { throw .unauthorized("the token is not valid") }
        guard now() < expires else { throw .unauthorized("token expires") }
    }

    /// Expires every temporary key and token now, as a revoked agency would (control endpoint).
    public func expireAll() {
        let past = now().addingTimeInterval(-1)
        state.withLock { state in
            for id in state.keys.keys { state.keys[id]!.expires = past }
            for token in state.tokens.keys { state.tokens[token] = past }
        }
    }

    /// Refuses an AK locked after too many bad signatures in a row.
    func checkNotLocked(_ accessKey: String) throws(EmulatorError) {
        guard let until = state.withLock({ $0.badSignatures[accessKey]?.lockedUntil }), now() < until else { return }
        throw .unauthorized("access key \(AccessKey.mask(accessKey)) is locked for 5 minutes after \(credentials.lockoutAfter ?? 0) failed signature checks in a row")
    }

    /// Counts a bad signature (locking the AK at the limit), or clears the count after a good one.
    func noteSignature(of accessKey: String, valid: Bool) {
        guard let limit = credentials.lockoutAfter else { return }
        let now = now()
        state.withLock { state in
            guard !valid else { state.badSignatures[accessKey] = nil; return }
            var entry = state.badSignatures[accessKey] ?? (0, nil)
            entry.count += 1
            if entry.count >= limit { entry = (0, now.addingTimeInterval(5 * 60)) }
            state.badSignatures[accessKey] = entry
        }
    }

    private static func random(_ count: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<count).map { _ in letters.randomElement()! })
    }
}
