import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// Registers the generated handlers on a Hummingbird router. Hummingbird refuses two names for one
/// route segment, and the API has `/charts/{chart_id}/...` beside `/charts/{project_id}/quotas`:
/// the quota route is registered under `{chart_id}` and its parameter renamed back for the handler.
struct AlignedParameterTransport<Context: RequestContext>: ServerTransport {
    let router: Router<Context>

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
            HTTPResponse, HTTPBody?
        ),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        guard path.contains("{project_id}") else {
            router.register(handler, method: method, path: path)
            return
        }
        let aligned = path.replacingOccurrences(of: "{project_id}", with: "{chart_id}")
        router.register(
            { request, body, metadata in
                var metadata = metadata
                metadata.pathParameters["project_id"] = metadata.pathParameters.removeValue(forKey: "chart_id")
                return try await handler(request, body, metadata)
            }, method: method, path: aligned)
    }
}
