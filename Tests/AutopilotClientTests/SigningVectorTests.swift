import AutopilotClient
import Foundation
import Testing

/// One vector of `signing-vectors.json`, made with Huawei's own Python signer.
struct SigningVector: Decodable, CustomTestStringConvertible, Sendable {
    let name: String
    let algorithm: String
    let ak: String
    let sk: String
    let timestamp: String
    let method: String
    let url: String
    let path_on_wire: String
    let query_params_input: [[JSONValue]]
    let query_on_wire: String
    let headers_given: [String: String]?
    let headers_added_by_signer: [String: String]
    let headers_out: [String: String]
    let body: String?
    let signed_headers: String
    let canonical_request: String
    let string_to_sign: String
    let signature: String
    let authorization: String

    var testDescription: String { name }

    /// Every vector in the file.
    static let all: [SigningVector] = {
        let url = Bundle.module.url(forResource: "Fixtures/signing-vectors", withExtension: "json")!
        struct File: Decodable { let vectors: [SigningVector] }
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).vectors
    }()

    /// The query as raw pairs: lists expand to one pair a value, booleans as `true`/`false`.
    var queryPairs: [(name: String, value: String)] {
        query_params_input.flatMap { pair -> [(name: String, value: String)] in
            let key = pair[0].scalarText ?? ""
            if case .array(let values) = pair[1] { return values.map { (key, $0.scalarText ?? "") } }
            return [(key, pair[1].scalarText ?? "")]
        }
    }

    /// The headers present before signing.
    var inputHeaders: [(name: String, value: String)] {
        if let given = headers_given { return given.map { ($0.key, $0.value) } }
        return headers_out.filter { headers_added_by_signer[$0.key] == nil }.map { ($0.key, $0.value) }
    }

    var host: String {
        let parsed = URL(string: url)!
        return parsed.port.map { "\(parsed.host!):\($0)" } ?? parsed.host!
    }
}

@Suite struct SigningVectorTests {
    @Test func fileHoldsEveryVector() {
        #expect(SigningVector.all.count == 23)
    }

    @Test(arguments: SigningVector.all)
    func signatureMatchesHuaweiSDK(_ vector: SigningVector) throws {
        let algorithm = try #require(SigningAlgorithm(rawValue: vector.algorithm), "algorithm of \(vector.name)")
        let signer = Signer(accessKey: vector.ak, secretKey: Secret(vector.sk), algorithm: algorithm)
        let request = SignableRequest(
            method: vector.method, path: vector.path_on_wire, query: vector.queryPairs,
            headers: vector.inputHeaders, body: vector.body.map { Array($0.utf8) })
        let date = try #require(SigningDate.parse(vector.timestamp))
        let parts = signer.sign(request, host: vector.host, date: date)

        #expect(parts.canonicalRequest == vector.canonical_request, "canonical request of \(vector.name)")
        #expect(parts.stringToSign == vector.string_to_sign, "string to sign of \(vector.name)")
        #expect(parts.signedHeaders == vector.signed_headers, "signed headers of \(vector.name)")
        #expect(parts.signature == vector.signature, "signature of \(vector.name)")
        #expect(parts.authorization == vector.authorization, "Authorization header of \(vector.name)")
        var added = Dictionary(parts.addedHeaders.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        added["Authorization"] = parts.authorization
        #expect(added == vector.headers_added_by_signer, "headers added by the signer in \(vector.name)")
        #expect(Canonical.query(vector.queryPairs) == vector.query_on_wire, "query on the wire of \(vector.name)")
    }

    @Test func expectedSignatureRecomputesFromSignedHeaders() throws {
        let vector = try #require(SigningVector.all.first { $0.name == "extra_headers" })
        let signer = Signer(accessKey: vector.ak, secretKey: Secret(vector.sk))
        let received = SignableRequest(
            method: vector.method, path: vector.path_on_wire, query: vector.queryPairs,
            headers: vector.headers_out.map { ($0.key, $0.value) }, body: nil)
        let names = vector.signed_headers.split(separator: ";").map(String.init)
        #expect(signer.expectedSignature(of: received, signedHeaderNames: names) == vector.signature)
    }

    @Test(arguments: ["20240102T030405Z", "19991231T235959Z"])
    func signingDateRoundTrips(_ text: String) throws {
        #expect(SigningDate.format(try #require(SigningDate.parse(text))) == text)
    }

    @Test(arguments: ["", "2024-01-02T03:04:05Z", "20241302T030405Z", "20240102T030405", "2024010XT030405Z"])
    func signingDateRejectsOtherForms(_ text: String) {
        #expect(SigningDate.parse(text) == nil)
    }
}
