/// A call as it goes on the wire: method, path (with its query) and body.
public struct WireRequest: Sendable, Hashable {
    /// `GET`, `PUT`, …
    public var method: String
    /// The path and query, percent-encoded as sent.
    public var path: String
    /// The JSON body, if the call has one.
    public var body: JSONValue?

    /// A request.
    public init(method: String, path: String, body: JSONValue? = nil) {
        self.method = method
        self.path = path
        self.body = body
    }
}
