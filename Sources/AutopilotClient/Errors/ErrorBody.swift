import Foundation

/// Reads an error answer in every shape Huawei's services use, and says what came back when it is
/// not JSON at all.
enum ErrorBody {
    /// Builds the API error for a status, headers and body.
    static func error(status: Int, requestID: String?, retryAfter: Double?, body: [UInt8], clockOffset: TimeInterval? = nil) -> AutopilotError {
        let (code, message) = parse(body, status: status)
        var error = AutopilotError(
            kind: .api, httpStatus: status, errorCode: code, message: message, requestID: requestID,
            retryAfter: retryAfter)
        error.hint = GatewayHint.hint(code: code, message: message, clockOffset: clockOffset)
        return error
    }

    /// The `(error_code, error_msg)` of a body: `error_code`/`error_msg`, `errorCode`/`errorMessage`,
    /// `code`/`message`, nested `{"error": {...}}`, or a description of a body that is not JSON.
    static func parse(_ body: [UInt8], status: Int) -> (code: String?, message: String) {
        guard !body.isEmpty else { return (nil, "empty body (\(reason(status)))") }
        guard let json = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else {
            return (nil, "body is not JSON (\(reason(status))): \(snippet(body))")
        }
        guard let object = json as? [String: Any] else {
            return (nil, "body is not a JSON object (\(reason(status))): \(snippet(body))")
        }
        if let found = fields(of: object) { return found }
        if let nested = object["error"] as? [String: Any], let found = fields(of: nested) { return found }
        return (nil, "no error message in body (\(reason(status))): \(snippet(body))")
    }

    private static func fields(of object: [String: Any]) -> (code: String?, message: String)? {
        let code = text(object["error_code"]) ?? text(object["errorCode"]) ?? text(object["code"])
        let message = text(object["error_msg"]) ?? text(object["errorMessage"]) ?? text(object["message"])
            ?? text(object["error_message"])
        guard code != nil || message != nil else { return nil }
        return (code, message ?? "(no message)")
    }

    private static func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: return string
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    private static func reason(_ status: Int) -> String {
        let reasons = [
            400: "bad request", 401: "unauthorized", 403: "forbidden", 404: "not found", 409: "conflict",
            413: "payload too large", 429: "too many requests", 500: "internal server error", 502: "bad gateway",
            503: "service unavailable", 504: "gateway timeout",
        ]
        return "HTTP \(status)" + (reasons[status].map { " \($0)" } ?? "")
    }

    /// At most 200 characters of the body, on one line.
    static func snippet(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: "")
        return body.count > 200 ? "\(text)…" : text
    }
}
