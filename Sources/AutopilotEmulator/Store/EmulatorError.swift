/// An error answer of the emulator, sent as `{"error_code": ..., "error_msg": ...}`.
public struct EmulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status.
    public var status: Int
    /// The Huawei-style error code.
    public var code: String
    /// The message.
    public var message: String

    /// Makes an error answer.
    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// `status code: message`.
    public var description: String { "\(status) \(code): \(message)" }

    static func badRequest(_ message: String) -> EmulatorError {
        EmulatorError(status: 400, code: "CCE.01400001", message: message)
    }
    static func notFound(_ message: String) -> EmulatorError {
        EmulatorError(status: 404, code: "CCE.01404001", message: message)
    }
    static func conflict(_ message: String) -> EmulatorError {
        EmulatorError(status: 409, code: "CCE.01409001", message: message)
    }
    static func unauthorized(_ message: String) -> EmulatorError {
        EmulatorError(status: 401, code: "APIGW.0301", message: "Incorrect IAM authentication information: \(message)")
    }
    /// The real API's answer when too many changes are under way at once.
    static func concurrentLimit(_ limit: Int) -> EmulatorError {
        EmulatorError(status: 429, code: "CCE.01429003", message: "The number of concurrent tasks has reached the limit (\(limit)); try again later")
    }
    static func tooLarge(_ limit: Int) -> EmulatorError {
        EmulatorError(status: 413, code: "CCE.01413001", message: "Request body is larger than \(limit) bytes")
    }
}
