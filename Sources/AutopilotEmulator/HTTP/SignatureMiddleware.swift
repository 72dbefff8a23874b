import AutopilotClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Checks every request on the Huawei paths as the gateway does: an `X-Auth-Token` the emulator
/// issued and that has not expired, or an `SDK-HMAC-SHA256` signature recomputed from the raw
/// request (path, query, the signed headers, body) with the secret of its AK (a temporary one with
/// its security token), an `X-Sdk-Date` within 15 minutes, a body of at most 12 MB, and an
/// `X-Project-Id`, when sent, that is the key's project.
struct SignatureMiddleware<Context: RequestContext>: RouterMiddleware {
    let identity: IdentityService
    /// The gateway's limit on AK/SK-signed bodies.
    static var signedBodyLimit: Int { 12 << 20 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        guard !ControlRoutes.isOwn(path), !IdentityRoutes.unsignedPaths.contains(path) else {
            return try await next(request, context)
        }
        var request = request
        let signed = request.headers[HTTPField.Name("X-Auth-Token")!] == nil
        let limit = signed ? Self.signedBodyLimit : EmulatorLimits.maxBody
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            throw signed ? EmulatorError(status: 413, code: "APIG.0201", message: "Request entity too large") : EmulatorError.tooLarge(limit)
        }
        if let token = request.headers[HTTPField.Name("X-Auth-Token")!] {
            try identity.checkToken(token)
        } else {
            try verify(request, body: Array(buffer: body))
        }
        if let project = request.headers[HTTPField.Name("X-Project-Id")!], project != identity.credentials.projectID {
            throw EmulatorError.unauthorized("the project id in X-Project-Id (\(project)) is not a project of this account")
        }
        return try await next(request, context)
    }

    private func verify(_ request: Request, body: [UInt8]) throws(EmulatorError) {
        guard let header = request.headers[.authorization] else {
            throw .unauthorized("the request has neither an Authorization header nor an X-Auth-Token")
        }
        guard let authorization = Authorization(header) else {
            throw .unauthorized("the Authorization header is not SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...")
        }
        try identity.checkNotLocked(authorization.accessKey)
        let securityToken = request.headers[HTTPField.Name("X-Security-Token")!]
        guard let secret = try identity.secret(of: authorization.accessKey, securityToken: securityToken) else {
            throw .unauthorized("unknown access key \(AccessKey.mask(authorization.accessKey))")
        }
        guard authorization.signedHeaders.contains("x-sdk-date"), let dateText = request.headers[HTTPField.Name("X-Sdk-Date")!] else {
            throw .unauthorized("X-Sdk-Date is missing or not signed")
        }
        guard let date = SigningDate.parse(dateText) else { throw .unauthorized("X-Sdk-Date is not yyyyMMddTHHmmssZ") }
        guard abs(date.timeIntervalSince(identity.now())) <= identity.credentials.maxClockSkew else {
            throw .unauthorized("calc ak sk signature fail:signature expired (X-Sdk-Date \(dateText) is more than 15 minutes off the server's clock)")
        }
        var headers: [(name: String, value: String)] = []
        for name in authorization.signedHeaders {
            let value = name == "host" ? request.head.authority : request.headers[values: HTTPField.Name(name)!].first
            guard let value else { throw .unauthorized("signed header \(name) is missing from the request") }
            headers.append((name, value))
        }
        let signable = SignableRequest(
            method: request.method.rawValue, path: request.uri.path, query: Self.queryPairs(request.uri.query),
            headers: headers, body: body)
        let signer = Signer(accessKey: authorization.accessKey, secretKey: secret, algorithm: authorization.algorithm)
        let expected = signer.expectedSignature(of: signable, signedHeaderNames: authorization.signedHeaders)
        let valid = Self.constantTimeEqual(expected, authorization.signature)
        identity.noteSignature(of: authorization.accessKey, valid: valid)
        guard valid else { throw .unauthorized("verify aksk signature fail") }
    }

    static func queryPairs(_ query: String?) -> [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (
                PercentEncoding.decodeString(String(parts[0])),
                parts.count > 1 ? PercentEncoding.decodeString(String(parts[1])) : ""
            )
        }
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// The parts of `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`.
struct Authorization {
    var algorithm: SigningAlgorithm
    var accessKey: String
    var signedHeaders: [String]
    var signature: String

    init?(_ header: String) {
        guard let space = header.firstIndex(of: " "),
            let algorithm = SigningAlgorithm(rawValue: String(header[..<space]))
        else { return nil }
        var fields: [String: String] = [:]
        for part in header[header.index(after: space)...].split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            fields[pair[0].trimmingCharacters(in: " ")] = pair[1].trimmingCharacters(in: " ")
        }
        guard let access = fields["Access"], let signed = fields["SignedHeaders"], let signature = fields["Signature"],
            !access.isEmpty, !signed.isEmpty
        else { return nil }
        self.algorithm = algorithm
        self.accessKey = access
        self.signedHeaders = signed.split(separator: ";").map { $0.lowercased() }
        self.signature = signature
        guard signedHeaders.allSatisfy({ HTTPField.Name($0) != nil }) else { return nil }
    }
}
