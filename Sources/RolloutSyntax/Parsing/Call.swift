/// A statement read by its form's slots: its keyword and the words given for each slot.
public struct Call: Sendable, Equatable {
    /// Its keyword.
    public var keyword: Keyword
    /// The words given, by slot; a flag holds its introducer, echo's words are many.
    public var arguments: [SlotName: [Word]]

    /// A call of a keyword with words for its slots.
    public init(_ keyword: Keyword, _ arguments: [SlotName: [Word]] = [:]) {
        self.keyword = keyword
        self.arguments = arguments
    }

    /// The word given for a slot, if any.
    public subscript(_ name: SlotName) -> Word? {
        get { arguments[name]?.first }
        set { arguments[name] = newValue.map { [$0] } }
    }

    /// True when a flag slot (`if changed`) is given.
    public func has(_ name: SlotName) -> Bool { arguments[name] != nil }

    /// Every word given for a slot (echo's words).
    public func all(_ name: SlotName) -> [Word] { arguments[name] ?? [] }

    /// Its `in` and `on`, if its form takes them.
    public var target: Target? {
        keyword.takesTarget ? Target(namespace: self[.namespace], cluster: self[.cluster]) : nil
    }

    /// Every word it holds but flags, in the order its form prints them.
    public var words: [Word] {
        keyword.form.slots.filter { $0.kind != .flag }.flatMap { all($0.name) }
    }

    /// Each slot its form has that holds words, with those words, in order.
    public var given: [(slot: Slot, words: [Word])] {
        keyword.form.slots.compactMap { slot in arguments[slot.name].map { (slot, $0) } }
    }
}
