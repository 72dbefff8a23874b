/// A value kept on the heap, so that a type holding it is one pointer wide however large the value.
///
/// Errors and events are copied through async functions, whose frames keep a slot for each value
/// that lives across an `await`; a frame is held for as long as its task runs, once for every
/// rollout member in flight. A rarely set, large field stored this way keeps those slots small.
public enum Indirect<Value: Sendable>: Sendable {
    indirect case value(Value)

    /// The value.
    public var value: Value {
        switch self { case .value(let value): value }
    }
}
