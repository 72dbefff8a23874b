import Crypto
public import Foundation

/// The request algorithms Huawei's SDKs sign with, by the name they put in `Authorization`.
public enum SigningAlgorithm: String, Sendable, CaseIterable {
    /// `SDK-HMAC-SHA256`, the default of every Huawei SDK.
    case hmacSHA256 = "SDK-HMAC-SHA256"
    /// `SDK-HMAC-SM3`, the Chinese national-standard variant.
    case hmacSM3 = "SDK-HMAC-SM3"

    /// The header that carries a precomputed payload hash for this algorithm.
    var contentHashHeader: String {
        self == .hmacSHA256 ? "x-sdk-content-sha256" : "x-sdk-content-sm3"
    }

    /// The hash of an empty payload.
    var emptyHash: String {
        switch self {
        case .hmacSHA256: return "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        case .hmacSM3: return "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"
        }
    }

    func hexHash(_ bytes: some Collection<UInt8>) -> String {
        switch self {
        case .hmacSHA256: return SHA256.hash(data: Array(bytes)).hexString
        case .hmacSM3: return SM3.hash(Array(bytes)).hexString
        }
    }
}

/// A request as the signer sees it: the path as sent (already percent-encoded), the raw query pairs,
/// the headers present before signing, and the body bytes.
public struct SignableRequest: Sendable {
    /// `GET`, `PUT`, ...
    public var method: String
    /// The path on the wire, percent-encoded, without the query.
    public var path: String
    /// Raw (decoded) query pairs, in any order.
    public var query: [(name: String, value: String)]
    /// Header names and values; names in any case.
    public var headers: [(name: String, value: String)]
    /// The body, or nil for none.
    public var body: [UInt8]?

    /// Makes a request to sign.
    public init(
        method: String, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: [UInt8]? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Every header by its lowercased name, the last of a repeated name winning, as the SDK's dict does.
    var headersByLowercasedName: [String: String] {
        var map: [String: String] = [:]
        map.reserveCapacity(headers.count + 3)
        for (name, value) in headers { map[name.signingLowercased] = value }
        return map
    }
}

/// Every intermediate product of a signature, so a test can name the one that differs.
public struct SignatureParts: Sendable, Equatable {
    /// The six-line canonical request.
    public var canonicalRequest: String
    /// `ALGORITHM\nDATE\nHASH(canonical request)`.
    public var stringToSign: String
    /// The lowercased, sorted, `;`-joined names of the signed headers.
    public var signedHeaders: String
    /// The hex signature.
    public var signature: String
    /// The whole `Authorization` header value.
    public var authorization: String
    /// Headers the signer adds before `Authorization`: `X-Sdk-Date`, `Host`, and for
    /// non-JSON bodies `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`.
    public var addedHeaders: [(name: String, value: String)]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.authorization == rhs.authorization && lhs.canonicalRequest == rhs.canonicalRequest
    }
}

/// Signs requests byte for byte as `huaweicloudsdkcore.signer.Signer` does (`SDK-HMAC-SHA256`),
/// and recomputes signatures for a server that checks them.
public struct Signer: Sendable, CustomReflectable {
    /// The access key id, sent in clear in `Authorization`.
    public let accessKey: String
    /// The SK as an HMAC key, made once.
    private let hmacKey: SymmetricKey
    /// An HMAC-SHA256 already keyed with the SK: each signature starts from a copy of it instead of
    /// hashing the key again.
    private let keyedHMAC: HMAC<SHA256>
    /// The algorithm to sign with.
    public let algorithm: SigningAlgorithm

    /// A signer for one AK/SK pair.
    public init(accessKey: String, secretKey: Secret, algorithm: SigningAlgorithm = .hmacSHA256) {
        self.accessKey = accessKey
        self.hmacKey = SymmetricKey(data: Array(secretKey.value.utf8))
        self.keyedHMAC = HMAC<SHA256>(key: hmacKey)
        self.algorithm = algorithm
    }

    /// Shows the AK and the algorithm; nothing of the key, not even its length.
    public var customMirror: Mirror { Mirror(self, children: ["accessKey": accessKey, "algorithm": algorithm]) }

    /// Signs `request` for the endpoint `host` (`name[:port]`) at `date`, unless the request
    /// already carries an `X-Sdk-Date`, which is then used as the SDK does.
    public func sign(_ request: SignableRequest, host: String, date: Date = Date()) -> SignatureParts {
        var given = request.headersByLowercasedName
        var added: [(name: String, value: String)] = []
        if let type = given["content-type"],
            !type.hasPrefix("application/json"), !type.hasPrefix("application/bson")
        {
            added.append((algorithm == .hmacSHA256 ? "X-Sdk-Content-Sha256" : "X-Sdk-Content-Sm3", "UNSIGNED-PAYLOAD"))
        }
        if given["x-sdk-date"] == nil {
            added.append(("X-Sdk-Date", SigningDate.format(date)))
        }
        if given["host"] == nil {
            added.append(("Host", host))
        }
        for (name, value) in added { given[name.signingLowercased] = value }
        let signedNames = given.keys.filter { !$0.utf8.contains(UInt8(ascii: "_")) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let parts = compute(request, headers: given, signedHeaderNames: signedNames)
        return SignatureParts(
            canonicalRequest: parts.canonicalRequest, stringToSign: parts.stringToSign,
            signedHeaders: signedNames.joined(separator: ";"), signature: parts.signature,
            authorization: "\(algorithm.rawValue) Access=\(accessKey), SignedHeaders=\(signedNames.joined(separator: ";")), Signature=\(parts.signature)",
            addedHeaders: added
        )
    }

    /// Recomputes the signature of a received request over the headers it names as signed.
    public func expectedSignature(of request: SignableRequest, signedHeaderNames: [String]) -> String {
        compute(request, headers: request.headersByLowercasedName, signedHeaderNames: signedHeaderNames).signature
    }

    private func compute(
        _ request: SignableRequest, headers: [String: String], signedHeaderNames: [String]
    ) -> (canonicalRequest: String, stringToSign: String, signature: String) {
        let canonicalRequest = Canonical.request(request, headers: headers, signedHeaderNames: signedHeaderNames, algorithm: algorithm)
        let date = headers["x-sdk-date"] ?? ""
        let stringToSign = "\(algorithm.rawValue)\n\(date)\n\(algorithm.hexHash(Array(canonicalRequest.utf8)))"
        let signature: String
        switch algorithm {
        case .hmacSHA256:
            var mac = keyedHMAC
            mac.update(data: Array(stringToSign.utf8))
            signature = Array(mac.finalize()).hexString
        case .hmacSM3:
            signature = SM3.hmac(key: hmacKey.withUnsafeBytes { Array($0) }, message: Array(stringToSign.utf8)).hexString
        }
        return (canonicalRequest, stringToSign, signature)
    }
}

/// The `X-Sdk-Date` format, `yyyyMMdd'T'HHmmss'Z'` in UTC.
public enum SigningDate {
    /// Formats a date as `20240102T030405Z`.
    public static func format(_ date: Date) -> String { UTCTime(date).compactText }

    /// Parses `20240102T030405Z`; nil when it is not in that form.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for b in bytes[range] {
                guard b >= 48 && b <= 57 else { return nil }
                n = n * 10 + Int(b - 48)
            }
            return n
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            let time = UTCTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        return time.date
    }
}

extension Sequence<UInt8> {
    /// Lowercase hex, two digits a byte.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    /// Lowercased as Python's `str.lower()` does; ASCII text (every header name in practice) without
    /// the Unicode tables.
    var signingLowercased: String {
        var hasUpper = false
        for byte in utf8 {
            if byte >= 0x80 { return lowercased() }
            if byte >= 0x41 && byte <= 0x5A { hasUpper = true }
        }
        guard hasUpper else { return self }
        return String(unsafeUninitializedCapacity: utf8.count) { out in
            for (index, byte) in utf8.enumerated() { out[index] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
            return utf8.count
        }
    }
}
