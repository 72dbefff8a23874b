import AutopilotClient
import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import Synchronization

/// Turns every error into a Huawei-style body, `{"error_code": ..., "error_msg": ...}`, with the right
/// status. The outermost one (`addsRequestID`) also gives every answer an `X-Request-Id`; the router has
/// one of its own for the errors it answers itself (no route, wrong method).
struct HuaweiErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    var addsRequestID = true

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = Self.response(for: Self.emulatorError(for: error, request: request))
            if let fault = error as? InjectedFault, fault.status == 429 || fault.status == 503 {
                response.headers[.retryAfter] = String(fault.retryAfterSeconds)
            }
        }
        if addsRequestID { response.headers[.requestID] = RequestIDs.next() }
        return response
    }

    /// The answer for an error.
    static func response(for error: EmulatorError) -> Response {
        let body = #"{"error_code":"\#(error.code)","error_msg":\#(JSONValue.string(error.message).jsonText)}"#
        return Response(
            status: .init(code: error.status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// What any thrown error means for the client.
    static func emulatorError(for error: any Error, request: Request) -> EmulatorError {
        switch error {
        case let known as EmulatorError:
            return known
        case let fault as InjectedFault:
            return fault.error
        case let server as ServerError:
            if let known = server.underlyingError as? EmulatorError { return known }
            if let http = server.underlyingError as? HTTPError { return emulatorError(for: http, request: request) }
            return .badRequest("Malformed request: \(describe(server.underlyingError, cause: server.causeDescription))")
        case let http as HTTPError:
            switch http.status.code {
            // The gateway's answer for a path or a method it has no API for.
            case 404, 405: return EmulatorError(status: 404, code: "APIG.0101", message: "The API does not exist or has not been published in the environment (\(request.method) \(request.uri.path.prefix(200)))")
            case 413: return .tooLarge(EmulatorLimits.maxBody)
            default: return EmulatorError(status: http.status.code, code: "CCE.0\(http.status.code)0001", message: http.body ?? http.status.reasonPhrase)
            }
        default:
            return EmulatorError(status: 500, code: "CCE.01500001", message: "Internal error")
        }
    }

    private static func describe(_ error: any Error, cause: String) -> String {
        (error as? DecodingError).map(DecodingProblem.describe) ?? cause
    }
}

/// An error answer injected on purpose (`errorRate`).
struct InjectedFault: Error {
    var status: Int
    var retryAfterSeconds: Int
    /// True for the request-count limit (`requestsPerSecond`), which the real API answers with its own code.
    var requestLimit = false

    var error: EmulatorError {
        if requestLimit {
            return EmulatorError(status: 429, code: "CCE.02429001", message: "The number of requests has reached the limit; try again later")
        }
        switch status {
        case 429: return EmulatorError(status: 429, code: "APIGW.0308", message: "The throttling threshold has been reached")
        case 503: return EmulatorError(status: 503, code: "CCE.01503001", message: "Service temporarily unavailable")
        default: return EmulatorError(status: status, code: "CCE.0\(status)0001", message: "Injected fault \(status)")
        }
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
}

/// Request ids: 32 hex digits, as Huawei's look, unique within the process and unpredictable from
/// outside it. One draw from the system generator per process, then a counter through a mixer, so
/// that an answer costs no system call.
enum RequestIDs {
    private static let seed = (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))
    private static let counter = Atomic<UInt64>(0)

    /// The next id.
    static func next() -> String {
        let count = counter.add(1, ordering: .relaxed).newValue
        let (high, low) = (SplitMix64.mix(count ^ seed.0), SplitMix64.mix(count &+ seed.1))
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 32) { out in
            for index in 0..<16 {
                out[index] = digits[Int(high >> (4 * index) & 0xF)]
                out[16 + index] = digits[Int(low >> (4 * index) & 0xF)]
            }
            return 32
        }
    }
}
