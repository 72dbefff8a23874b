import AutopilotClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// IAM, the ECS metadata service and CCE pod identity, as far as rollout and Huawei's SDKs use
/// them, on the emulator's own port:
///
/// - `GET /v3/projects?name=<region>` (AK/SK-signed): the project of that name, with `X-IAM-Trace-Id`
/// - `POST /v3/auth/tokens`: a token for a password, or for an agency assumed with a token
/// - `PUT /meta-data/latest/api/token`, `GET /openstack/latest/securitykey`: temporary AK/SK
/// - `POST /pod-identity/v1/credentials` with the pod's token: temporary AK/SK
/// - `POST /_emulator/identity/expire`: every temporary key and token expires now
enum IdentityRoutes {
    /// The paths that carry no signature (a password, a session token or the pod's token instead).
    static let unsignedPaths: Set<String> = [
        "/v3/auth/tokens", "/meta-data/latest/api/token", "/openstack/latest/securitykey", podIdentityPath,
    ]
    /// Where pod identity answers (the real address is the cluster's; this path is a guess).
    static let podIdentityPath = "/pod-identity/v1/credentials"

    static func register<Context: RequestContext>(on router: Router<Context>, identity: IdentityService) {
        let credentials = identity.credentials
        router.get("/v3/projects") { request, _ in
            let name = request.uri.queryParameters.get("name")
            let projects: [[String: Any]] = name == nil || name == credentials.projectName
                ? [["id": credentials.projectID, "name": credentials.projectName, "enabled": true, "domain_id": "rollout-account-id"]]
                : []
            return json(["projects": projects, "links": ["self": "/v3/projects"]], status: .ok, headers: [trace: traceID()])
        }
        router.post("/v3/auth/tokens") { request, _ in
            let body = try await object(of: request)
            let auth = body["auth"] as? [String: Any]
            let identityField = auth?["identity"] as? [String: Any]
            let methods = identityField?["methods"] as? [String] ?? []
            let scope = ((auth?["scope"] as? [String: Any])?["project"] as? [String: Any])?["name"] as? String
            guard scope == nil || scope == credentials.projectName else {
                throw iamError(400, "IAM.0012", "no project named \(scope ?? "") in this account")
            }
            if methods == ["password"] {
                let user = (identityField?["password"] as? [String: Any])?["user"] as? [String: Any]
                let name = user?["name"] as? String ?? ""
                let domain = (user?["domain"] as? [String: Any])?["name"] as? String ?? ""
                guard let known = credentials.users[name], known.domain == domain, known.password == user?["password"] as? String else {
                    throw iamError(401, "IAM.0002", "The username or password is incorrect.")
                }
            } else if methods == ["assume_role"] {
                let role = identityField?["assume_role"] as? [String: Any]
                let agency = "\(role?["domain_name"] as? String ?? "")/\(role?["agency_name"] as? String ?? "")"
                do { try identity.checkToken(request.headers[HTTPField.Name("X-Auth-Token")!] ?? "") } catch {
                    throw iamError(401, "IAM.0003", "The token is invalid or has expired.")
                }
                guard credentials.agencies.contains(agency) else { throw iamError(403, "IAM.0004", "You may not assume agency \(agency).") }
            } else {
                throw iamError(400, "IAM.0001", "methods must be [\"password\"] or [\"assume_role\"]")
            }
            let (token, expires) = identity.issueToken()
            let answer: [String: Any] = [
                "token": [
                    "methods": methods, "expires_at": iamTime(expires), "issued_at": iamTime(identity.now()),
                    "project": ["id": credentials.projectID, "name": credentials.projectName],
                ]
            ]
            return json(answer, status: .created, headers: [HTTPField.Name("X-Subject-Token")!: token, trace: traceID()])
        }
        router.put("/meta-data/latest/api/token") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: identity.issueMetadataToken())))
        }
        router.get("/openstack/latest/securitykey") { request, _ in
            guard let token = request.headers[HTTPField.Name("X-Metadata-Token")!], identity.knowsMetadataToken(token) else {
                throw EmulatorError(status: 401, code: "Metadata.0401", message: "missing or invalid X-Metadata-Token")
            }
            guard credentials.metadataHasAgency else {
                throw EmulatorError(status: 401, code: "Metadata.0401", message: "Please configure Cloud Service Agency first")
            }
            return issued(identity)
        }
        router.post(RouterPath(podIdentityPath)) { request, _ in
            guard request.headers[.authorization] == credentials.podIdentityToken else {
                throw EmulatorError(status: 401, code: "PodIdentity.0401", message: "the pod identity token is not valid")
            }
            return issued(identity)
        }
        router.post("/_emulator/identity/expire") { _, _ in
            identity.expireAll()
            return json(["expired": true], status: .ok, headers: [:])
        }
    }

    private static let trace = HTTPField.Name("X-IAM-Trace-Id")!

    private static func traceID() -> String { RequestIDs.next() }

    /// A temporary key in the shape the metadata service and pod identity answer.
    private static func issued(_ identity: IdentityService) -> Response {
        let (id, key) = identity.issueKey()
        return json(
            ["credential": ["access": id, "secret": key.secret, "securitytoken": key.securityToken, "expires_at": iamTime(key.expires)]],
            status: .ok, headers: [:])
    }

    private static func iamError(_ status: Int, _ code: String, _ message: String) -> EmulatorError {
        EmulatorError(status: status, code: code, message: message)
    }

    /// `2026-12-02T07:00:00.000000Z`, as IAM writes times.
    static func iamTime(_ date: Date) -> String {
        date.formatted(.iso8601).replacingOccurrences(of: "Z", with: ".000000Z")
    }

    private static func object(of request: Request) async throws -> [String: Any] {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] else {
            throw EmulatorError.badRequest("the body is not a JSON object")
        }
        return object
    }

    private static func json(_ object: [String: Any], status: HTTPResponse.Status, headers: HTTPFields) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
