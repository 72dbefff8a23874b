/// A value the service answered with, and the id the service gave the call (`X-Request-Id`): what
/// a user quotes in a support ticket, and what the journal records beside a change. The value's
/// properties read through it (`try await client.upgrade(...).version`).
@dynamicMemberLookup
public struct Answered<Value: Sendable>: Sendable {
    /// What the service answered.
    public var value: Value
    /// The service's id for the call, when it sent one.
    public var requestID: String?

    /// An answer.
    public init(_ value: Value, requestID: String?) {
        self.value = value
        self.requestID = requestID
    }

    /// A property of the value.
    public subscript<T>(dynamicMember keyPath: KeyPath<Value, T>) -> T { value[keyPath: keyPath] }
}

extension Answered: Equatable where Value: Equatable {}
