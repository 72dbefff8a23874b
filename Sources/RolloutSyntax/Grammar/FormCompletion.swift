/// What may come next in a statement read by its slots, after the words typed so far: where to find
/// the values of the slot in reach, and the words that introduce slots not given yet. Completion and
/// hints read it; it is worked out from the form alone.
public struct NextInForm: Sendable, Equatable {
    /// Where the values that fit here come from.
    public var sources: [CompletionSource] = []
    /// The words that may come here: introducers of slots not given yet, or the rest of one begun.
    public var words: [String] = []
    /// The release the statement names so far (for versions, and the hint of where it lives).
    public var release: String?
    /// The namespace it names with `in`, if it does.
    public var namespace: String?

    /// What may follow `words` (the keyword left out), each of them typed in full.
    public init(_ keyword: Keyword, after words: [String]) {
        let form = keyword.form
        var given: [SlotName: String] = [:]
        var awaiting: Slot?
        var introducerLeft: ArraySlice<String> = []
        var introducing: Slot?
        var position = 0
        let positional = form.slots.filter { !$0.isNamed }

        func place(_ word: String) {
            while position < positional.count {
                let slot = positional[position]
                position += 1
                let need = slot.need(given: { given[$0] })
                if given[slot.name] != nil || need == .absent { continue }
                if slot.yields(word, to: positional[position...].filter { given[$0.name] == nil }) { continue }
                given[slot.name] = word
                if need == .rest { position -= 1 }
                return
            }
        }

        for word in words {
            if let slot = awaiting {
                given[slot.name] = word
                awaiting = nil
            } else if let slot = introducing {
                guard introducerLeft.first == word else {
                    introducing = nil
                    place(word)
                    continue
                }
                introducerLeft = introducerLeft.dropFirst()
                if introducerLeft.isEmpty {
                    introducing = nil
                    if slot.kind == .flag { given[slot.name] = word } else { awaiting = slot }
                }
            } else if let slot = form.slots.first(where: { $0.introducer.first == word && given[$0.name] == nil }) {
                introducerLeft = slot.introducer.dropFirst()
                if !introducerLeft.isEmpty {
                    introducing = slot
                } else if slot.kind == .flag {
                    given[slot.name] = word
                } else {
                    awaiting = slot
                }
            } else {
                place(word)
            }
        }
        release = given[.release]
        namespace = given[.namespace]
        if let slot = awaiting {
            sources = [Self.kind(of: slot, given).completion]
            return
        }
        if let next = introducerLeft.first, introducing != nil {
            self.words = [next]
            return
        }
        if let slot = positional.dropFirst(position).first(where: { slot in given[slot.name] == nil && slot.need(given: { given[$0] }) != .absent }) {
            sources = [Self.kind(of: slot, given).completion]
            // A value that must come next is all there is to offer.
            if slot.need(given: { given[$0] }) == .required { return }
        }
        self.words = form.slots.filter { slot in
            slot.introducer.count > 0 && given[slot.name] == nil && slot.needs.map { given[$0] != nil } ?? true
        }.map { $0.introducer.joined(separator: " ") }
    }

    /// The kind of value a slot takes given what is typed; a release a statement must name is a new
    /// one (install's), which no list holds.
    private static func kind(of slot: Slot, _ given: [SlotName: String]) -> SlotKind {
        if slot.kind == .release, case .required = slot.presence { return .text }
        return slot.kind(given: { given[$0] })
    }
}
