public import AutopilotClient
import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1

/// A request as it goes on the wire, for tests that sign, change or garble requests by hand.
public struct RawRequest: Sendable {
    /// The method.
    public var method: String
    /// The path, percent-encoded.
    public var path: String
    /// The query string, encoded, without `?`.
    public var query: String
    /// The headers.
    public var headers: [String: String]
    /// The body bytes.
    public var body: [UInt8]

    /// A request with JSON content type.
    public init(method: String, path: String, query: String = "", headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = ["Content-Type": "application/json"].merging(headers) { $1 }
        self.body = body
    }

    /// Adds `X-Sdk-Date` and `Authorization` as Huawei's SDK signs, for the endpoint `url`.
    public mutating func sign(accessKey: String, secretKey: String, url: URL, date: Date = Date()) {
        let signer = Signer(accessKey: accessKey, secretKey: Secret(secretKey))
        let query = self.query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (name: PercentEncoding.decodeString(String(parts[0])),
                    value: parts.count > 1 ? PercentEncoding.decodeString(String(parts[1])) : "")
        }
        let parts = signer.sign(
            SignableRequest(method: method, path: path, query: query, headers: headers.map { ($0.key, $0.value) }, body: body),
            host: "\(url.host ?? ""):\(url.port ?? 80)", date: date)
        for (name, value) in parts.addedHeaders where name != "Host" { headers[name] = value }
        headers["Authorization"] = parts.authorization
    }

    /// Sends the request as it is; returns the status, the headers (lowercased names) and the body.
    public func send(to url: URL) async throws -> (status: Int, headers: [String: String], body: String) {
        var request = HTTPClientRequest(url: url.absoluteString + path + (query.isEmpty ? "" : "?\(query)"))
        request.method = .RAW(value: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 16 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return (Int(response.status.code), headers, String(decoding: collected.readableBytesView, as: UTF8.self))
    }
}
