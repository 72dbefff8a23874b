import Foundation
/// Every failure of an Autopilot call: an API error answer, a transport failure, a garbled answer,
/// or a change whose outcome could not be known.
///
/// Prints on one line what a user pastes into a support ticket:
/// `HTTP 404 CCE.01404001: Release not found (request id 1a2b...)`.
public struct AutopilotError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a small extensible set of kinds.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: String { case api, transport, invalidResponse, outcomeUnknown, invalidRequest, cancelled }
        private let code: Code

        /// The service answered with an HTTP error status.
        public static let api = Kind(code: .api)
        /// The request did not complete: refused, reset, timed out, TLS, DNS.
        public static let transport = Kind(code: .transport)
        /// The service answered something that is not the documented shape.
        public static let invalidResponse = Kind(code: .invalidResponse)
        /// A change may or may not have been applied; see `readBack`.
        public static let outcomeUnknown = Kind(code: .outcomeUnknown)
        /// The call was refused before sending (a bad argument).
        public static let invalidRequest = Kind(code: .invalidRequest)
        /// The calling task was cancelled.
        public static let cancelled = Kind(code: .cancelled)

        /// A short, payload-free name for logs.
        public var description: String { code.rawValue }
    }

    /// What kind of failure this is.
    public var kind: Kind
    /// The HTTP status, for API errors.
    public var httpStatus: Int?
    /// The service's `error_code`, when it gave one.
    public var errorCode: String?
    /// The service's `error_msg`, or what went wrong in words.
    public var message: String
    /// The `X-Request-Id` of the answer, when there was one.
    public var requestID: String?
    /// For transport failures: which one.
    public var transportFailure: TransportFailure?
    /// For `outcomeUnknown`: the release as read back after the failure, if the read worked.
    public var readBack: Release? {
        get { readBackStorage?.value }
        set { readBackStorage = newValue.map(Indirect.value) }
    }
    private var readBackStorage: Indirect<Release>?
    /// For 429 and 503: how long the server asked to wait, in seconds.
    public var retryAfter: Double?
    /// What to do next, in one sentence, where the code says (the gateway's `APIG.` codes).
    public var hint: String?

    /// Makes an error; prefer the static constructors.
    public init(
        kind: Kind, httpStatus: Int? = nil, errorCode: String? = nil, message: String, requestID: String? = nil,
        transportFailure: TransportFailure? = nil, readBack: Release? = nil, retryAfter: Double? = nil
    ) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.message = message
        self.requestID = requestID
        self.transportFailure = transportFailure
        self.readBackStorage = readBack.map(Indirect.value)
        self.retryAfter = retryAfter
    }

    /// A transport failure.
    public static func transport(_ failure: TransportFailure) -> AutopilotError {
        AutopilotError(kind: .transport, message: failure.description, transportFailure: failure)
    }

    /// True when the service says the release is busy with an earlier change (`Update release is forbidden`).
    public var isUpdateForbidden: Bool {
        kind == .api && (message.localizedCaseInsensitiveContains("update release is forbidden"))
    }

    /// True for a 404 answer.
    public var isNotFound: Bool { kind == .api && httpStatus == 404 }

    /// True for a failure that asking again may not repeat: a 429 or 5xx answer, a garbled answer, or
    /// a request that did not complete.
    public var isTransient: Bool {
        switch kind {
        case .transport, .invalidResponse: return true
        case .api: return httpStatus == 429 || isServerError
        default: return false
        }
    }

    /// True when the service answered with a 5xx status (also for a change whose outcome is unknown
    /// after such an answer).
    public var isServerError: Bool { (500...599).contains(httpStatus ?? 0) }

    /// True for a 5xx answer to a change other than 503 (which says it was not applied): the service
    /// may have applied it.
    public var mayHaveApplied: Bool { kind == .api && isServerError && httpStatus != 503 }

    /// For the error of a change: true when it is known not to have been applied (a 429 or 503
    /// answer, or a transport failure, which the client reports only when the request was never
    /// sent), so sending it again cannot make it twice.
    public var changeNotApplied: Bool {
        kind == .transport || (kind == .api && (httpStatus == 429 || httpStatus == 503))
    }

    /// One line: status, code, message and request id, each where known; what the server sent is
    /// shown with its control characters made visible.
    public var description: String { line.terminalSafe }

    /// The error in a sentence for a service that names itself in its messages (a metrics source):
    /// an API error's message alone, without the status, code and request id the release API's
    /// errors need; any other error as described.
    public var sentence: String { kind == .api ? message.terminalSafe : description }

    /// Any error in a sentence: an `AutopilotError`'s `sentence`, any other as described.
    public static func sentence(of error: any Error) -> String { (error as? AutopilotError)?.sentence ?? "\(error)" }

    private var line: String {
        switch kind {
        case .api:
            var line = "HTTP \(httpStatus.map(String.init) ?? "?")"
            line += " \(errorCode ?? "-"): \(message)"
            line += " (request id \(requestID ?? "none"))"
            if let hint { line += "; \(hint)" }
            return line
        case .invalidResponse:
            let status = httpStatus.map { "HTTP \($0) " } ?? ""
            return "\(status)invalid response: \(message)" + (requestID.map { " (request id \($0))" } ?? "")
        case .outcomeUnknown:
            var line = "outcome unknown: \(message)"
            if let release = readBack {
                line += "; read back: \(release.name) is at version \(release.version), \(release.status)"
            }
            return line
        default:
            return message
        }
    }
}

/// A request that did not complete, by cause.
public struct TransportFailure: Sendable, Hashable, CustomStringConvertible {
    /// The cause.
    public enum Cause: String, Sendable, Hashable {
        case connectionRefused = "connection refused"
        case connectTimeout = "connect timed out"
        case readTimeout = "read timed out"
        case deadlineExceeded = "deadline exceeded"
        case connectionClosed = "connection closed by the server"
        case tls = "TLS failure"
        case dns = "host not found"
        case proxy = "proxy failure"
        case other = "transport failure"
    }

    /// Which failure.
    public var cause: Cause
    /// The host it happened with.
    public var host: String
    /// The underlying library's words.
    public var detail: String

    /// A failure with its cause, host and the library's words.
    public init(cause: Cause, host: String, detail: String) {
        self.cause = cause
        self.host = host
        self.detail = detail
    }

    /// True when the request cannot have reached the server, so even a change may be sent again.
    public var requestNeverSent: Bool {
        [.connectionRefused, .connectTimeout, .dns, .tls, .proxy].contains(cause)
    }

    /// True when trying again can help: the HTTP client's pool already retries a connection for
    /// the whole connect timeout, so refused, timed-out, DNS and TLS failures are final.
    package var worthRetrying: Bool {
        [.readTimeout, .connectionClosed, .other].contains(cause)
    }

    /// `connection refused (127.0.0.1:8080): ...`, control characters made visible.
    public var description: String { ("\(cause.rawValue) (\(host))" + (detail.isEmpty ? "" : ": \(detail)")).terminalSafe }
}
