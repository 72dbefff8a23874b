public import Foundation

/// One plain sentence for the API gateway's own error codes (`APIG.` or `APIGW.`), beside the code
/// and request id, saying what to do next.
public enum GatewayHint {
    /// The sentence for an error answer, or nil for codes that are not the gateway's. `clockOffset`
    /// is the server's `Date` minus the local clock, when the answer had one.
    static func hint(code: String?, message: String, clockOffset: TimeInterval?) -> String? {
        guard let code, code.hasPrefix("APIG.") || code.hasPrefix("APIGW.") else { return nil }
        let number = code.split(separator: ".").last.map(String.init) ?? ""
        let lowered = message.lowercased()
        switch number {
        case "0301", "0302":
            if lowered.contains("signature expired") || lowered.contains("more than 15 minutes") {
                return clockSentence(clockOffset)
            }
            if lowered.contains("token expires") || lowered.contains("expired") {
                return "the credentials have expired; temporary ones are fetched again, fixed ones must be renewed"
            }
            if lowered.contains("project") {
                return "the project id is not one of these credentials' projects: fix project_id, or leave it out to have it looked up by region"
            }
            if lowered.contains("locked") { return "the access key is locked after repeated bad signatures; wait 5 minutes and check the SK" }
            return "the gateway refused the credentials: check that the AK and SK belong together and are active (rollout doctor shows which are used)"
        case "0101":
            return "the gateway has no such API at this endpoint: check the region or --endpoint (CCE Autopilot is not offered everywhere)"
        case "0201":
            return "the gateway refused the request as malformed or too large (AK/SK-signed bodies may be at most 12 MB)"
        case "0308":
            return "the account's request limit was reached; rollout slows down and tries again"
        default:
            return nil
        }
    }

    /// What the clock offset means, e.g. `the local clock is 20 minutes behind the server's`.
    public static func clockSentence(_ offset: TimeInterval?) -> String {
        guard let offset else {
            return "the request's date is more than 15 minutes off the server's clock: set this machine's clock (NTP)"
        }
        let minutes = Int((abs(offset) / 60).rounded())
        let amount = minutes == 0 ? "\(Int(abs(offset).rounded())) seconds" : "\(minutes) minute\(minutes == 1 ? "" : "s")"
        return "the local clock is \(amount) \(offset > 0 ? "behind" : "ahead of") the server's, and signatures are valid for 15 minutes: set this machine's clock (NTP)"
    }

    /// The server's `Date` header minus the local clock.
    static func clockOffset(dateHeader: String?, now: Date) -> TimeInterval? {
        dateHeader.flatMap(HTTPDate.parse).map { $0.timeIntervalSince(now) }
    }
}

/// The `Date` header's form, `Wed, 02 Dec 2026 06:00:00 GMT` (RFC 9110's IMF-fixdate).
enum HTTPDate {
    static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
