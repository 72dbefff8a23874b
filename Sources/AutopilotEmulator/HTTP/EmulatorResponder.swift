import Foundation
import Hummingbird

/// Every request's way through the emulator: request ids and Huawei-style errors, injected faults,
/// the signature check, the cached `show` read, and then the routes (the generated handlers and the
/// control endpoint). The cached read answers before the router's path lookup, which costs more than
/// the read itself.
struct EmulatorResponder<Context: RequestContext>: HTTPResponder {
    let faults: FaultMiddleware<Context>
    let signatures: SignatureMiddleware<Context>
    let show: ShowReleaseMiddleware<Context>
    let routes: RouterResponder<Context>
    private let errors = HuaweiErrorMiddleware<Context>()

    init(store: EmulatorStore, identity: IdentityService, routes: RouterResponder<Context>) {
        faults = FaultMiddleware(store: store)
        signatures = SignatureMiddleware(identity: identity)
        show = ShowReleaseMiddleware(store: store)
        self.routes = routes
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        try await errors.handle(request, context: context) { request, context in
            try await faults.handle(request, context: context) { request, context in
                try await signatures.handle(request, context: context) { request, context in
                    try await show.handle(request, context: context) { request, context in
                        try await routes.respond(to: request, context: context)
                    }
                }
            }
        }
    }
}
