/// The canonical forms of `SDK-HMAC-*` signing: URI, query, headers and the whole request.
public enum Canonical {
    /// The six lines that are hashed and signed: method, URI, query, headers, names, payload hash.
    static func request(
        _ request: SignableRequest, headers byName: [String: String], signedHeaderNames: [String], algorithm: SigningAlgorithm
    ) -> String {
        // One string grown in place: method, URI, query, a `name:value` line per signed header,
        // an empty line, the names, the payload hash.
        var out = request.method.uppercased()
        out.reserveCapacity(512)
        out += "\n" + uri(request.path) + "\n" + query(request.query) + "\n"
        for name in signedHeaderNames {
            out += name + ":" + (byName[name] ?? "").trimmingWhitespace + "\n"
        }
        out += "\n" + signedHeaderNames.joined(separator: ";") + "\n" + payloadHash(request, headers: byName, algorithm: algorithm)
        return out
    }

    /// Percent-decodes the path, splits it on `/`, encodes each segment, and ends it with `/`.
    public static func uri(_ path: String) -> String {
        // A path of unreserved bytes and slashes (the API's, in practice) decodes and encodes to itself.
        if path.utf8.allSatisfy({ $0 == UInt8(ascii: "/") || PercentEncoding.isUnreserved($0) }) {
            return path.hasSuffix("/") ? path : path + "/"
        }
        let decoded = PercentEncoding.decode(path)
        var out = decoded.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .map { PercentEncoding.encode($0) }
            .joined(separator: "/")
        if !out.hasSuffix("/") { out += "/" }
        return out
    }

    /// Sorts the raw pairs by code point, then encodes each `key=value` and joins them with `&`.
    public static func query(_ pairs: [(name: String, value: String)]) -> String {
        pairs.sorted { lhs, rhs in
            let (l, r) = (Array(lhs.name.utf8), Array(rhs.name.utf8))
            return l == r
                ? Array(lhs.value.utf8).lexicographicallyPrecedes(Array(rhs.value.utf8))
                : l.lexicographicallyPrecedes(r)
        }
        .map { "\(PercentEncoding.encode($0.name.utf8))=\(PercentEncoding.encode($0.value.utf8))" }
        .joined(separator: "&")
    }

    static func payloadHash(_ request: SignableRequest, headers: [String: String], algorithm: SigningAlgorithm) -> String {
        guard let body = request.body, !body.isEmpty else { return algorithm.emptyHash }
        if let preset = headers[algorithm.contentHashHeader] { return preset }
        return algorithm.hexHash(body)
    }
}

/// Percent-encoding as Huawei's signer does it: only `A-Z a-z 0-9 - . _ ~` stay as they are.
public enum PercentEncoding {
    /// Encodes bytes, uppercase hex.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Encodes a string's UTF-8 bytes.
    public static func encode(_ text: String) -> String { encode(text.utf8) }

    /// Decodes `%XX` escapes to bytes; anything else stays as it is.
    public static func decode(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
                let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2])
            {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// Decodes `%XX` escapes to a string (invalid UTF-8 becomes U+FFFD).
    public static func decodeString(_ text: String) -> String {
        String(decoding: decode(text), as: UTF8.self)
    }

    static func isUnreserved(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39)
            || b == 0x2d || b == 0x2e || b == 0x5f || b == 0x7e
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }
}

extension String {
    /// Trims whitespace at both ends, as Python's `str.strip()` does.
    var trimmingWhitespace: String {
        // Most values have no space at either end; only they skip the Unicode property lookups.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 { return self }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
