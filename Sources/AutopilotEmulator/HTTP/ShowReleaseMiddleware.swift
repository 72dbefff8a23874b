import HTTPTypes
import Hummingbird
import NIOCore

/// Answers the plain `show release` read (`GET .../clusters/{id}/namespace/{ns}/releases/{name}`, no
/// query, JSON accepted) with the store's encoded answer, so the emulator does not encode an unchanged
/// release on every poll. Anything else, errors included, goes on to the generated handlers, and the
/// bytes are the ones they would answer (a test compares the two).
struct ShowReleaseMiddleware<Context: RequestContext>: RouterMiddleware {
    let store: EmulatorStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.method == .get, request.uri.query == nil, ShowRelease.acceptsJSON(request.headers[.accept]),
            let (cluster, namespace, name) = ShowRelease.path(request.uri.path),
            let body = store.showAnswer(cluster: cluster, namespace: namespace, name: name)
        else { return try await next(request, context) }
        return Response(status: .ok, headers: ShowRelease.headers, body: .init(byteBuffer: body))
    }
}

/// How the `show release` read looks on the wire.
enum ShowRelease {
    static let headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
    private static let prefix = "/autopilot/cam/v3/clusters/"

    /// The cluster, namespace and name of a release path; nil for any other path, and for one with
    /// escapes, which the generated handler decodes.
    static func path(_ path: String) -> (String, String, String)? {
        guard path.hasPrefix(prefix), !path.utf8.contains(UInt8(ascii: "%")) else { return nil }
        let parts = path.utf8.dropFirst(prefix.utf8.count).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 5, !parts.contains(where: \.isEmpty),
            parts[1].elementsEqual("namespace".utf8), parts[3].elementsEqual("releases".utf8)
        else { return nil }
        return (String(Substring(parts[0])), String(Substring(parts[2])), String(Substring(parts[4])))
    }

    /// True when the request takes JSON: no Accept header, or one the generated handler would accept.
    static func acceptsJSON(_ accept: String?) -> Bool {
        guard let accept else { return true }
        return accept == "application/json" || accept == "*/*" || accept == "application/json, */*"
    }
}
