extension ArgumentReader {
    /// Reads a statement by its form: first each slot written after its words (`in monitoring`,
    /// anywhere in the arguments), then the rest in the order of the positional slots.
    mutating func call() -> Call? {
        let form = keyword.form
        var call = Call(keyword)
        for slot in form.slots where !slot.introducer.isEmpty {
            guard readNamed(slot, into: &call) else { return nil }
        }
        for slot in form.slots where call.has(slot.name) {
            if let needed = slot.needs, !call.has(needed), let word = call[slot.name] {
                let neededSlot = form.slot(needed)
                let written = neededSlot.map { ($0.introducer + [$0.kind.placeholder]).joined(separator: " ") } ?? needed.rawValue
                diagnostics.append(
                    Diagnostic("'\(slot.introducer.joined(separator: " "))' needs '\(written)' before it", at: word.range, note: "e.g. \(form.example)"))
                return nil
            }
        }
        guard readPositional(form.slots.filter { !$0.isNamed }, into: &call) else { return nil }
        return call
    }

    /// Takes a slot's words and its value from wherever they stand; false after a diagnostic.
    private mutating func readNamed(_ slot: Slot, into call: inout Call) -> Bool {
        let first = slot.introducer[0]
        guard let at = tokens.firstIndex(where: { literal($0) == first }) else { return true }
        let start = tokens[at]
        let rest = slot.introducer.dropFirst()
        let follows = rest.enumerated().allSatisfy { offset, word in
            at + 1 + offset < tokens.count && literal(tokens[at + 1 + offset]) == word
        }
        guard follows else {
            let after = rest.joined(separator: " ")
            diagnostics.append(
                Diagnostic("'\(first)' needs '\(after)' after it", at: start.range, note: "usage: \(keyword.syntax)"))
            return false
        }
        let end = at + slot.introducer.count
        if slot.kind == .flag {
            call.arguments[slot.name] = [Word(slot.introducer.joined(separator: " "), range: start.range.lowerBound..<tokens[end - 1].range.upperBound)]
            tokens.removeSubrange(at..<end)
        } else {
            guard end < tokens.count, let word = tokens[end].kind.word else {
                diagnostics.append(Diagnostic("'\(slot.introducer.joined(separator: " "))' needs a value after it", at: start.range))
                return false
            }
            call[slot.name] = word
            tokens.removeSubrange(at...end)
        }
        if let again = tokens.first(where: { literal($0) == first }) {
            diagnostics.append(Diagnostic("'\(first)' is given twice", at: again.range, note: "usage: \(keyword.syntax)"))
            return false
        }
        return true
    }

    /// Gives the words left to the positional slots in order: an optional slot lets a word pass to
    /// a later one whose kind it fits better (`rollback 1` is a version); false after a diagnostic.
    private mutating func readPositional(_ slots: [Slot], into call: inout Call) -> Bool {
        var next = 0
        while !tokens.isEmpty {
            let token = tokens.removeFirst()
            var placed = false
            while next < slots.count, !placed {
                let slot = slots[next]
                next += 1
                if call.has(slot.name) { continue }
                switch slot.need(given: { call[$0]?.literal }) {
                case .absent: continue
                case .rest:
                    call.arguments[slot.name] = ([token] + tokens).map { $0.kind.word ?? Word(Self.text(of: $0.kind), range: $0.range) }
                    tokens.removeAll()
                    return true
                case .optional where literal(token).map({ slot.yields($0, to: slots[next...].filter { !call.has($0.name) }) }) == true:
                    continue
                case .optional, .required:
                    guard let word = value(of: token, for: slot, in: call) else { return false }
                    call[slot.name] = word
                    placed = true
                }
            }
            if !placed {
                unexpected(token)
                return false
            }
        }
        for slot in slots where !call.has(slot.name) && slot.need(given: { call[$0]?.literal }) == .required {
            missing(slot.kind.withArticle, example: keyword.example)
            return false
        }
        return true
    }

    /// The word a token gives a slot, or nil after a diagnostic: a comparison slot takes only a
    /// comparison, a slot with a closed set of words only one of them.
    private mutating func value(of token: Token, for slot: Slot, in call: Call) -> Word? {
        if slot.kind == .comparison {
            guard case .comparison(let comparison) = token.kind else {
                let after = call.words.last.map { " after '\($0.description)'" } ?? ""
                diagnostics.append(Diagnostic("expected a \(slot.kind.noun)\(after)", at: token.range, note: "e.g. \(keyword.example)"))
                return nil
            }
            return Word(comparison.rawValue, range: token.range)
        }
        guard let word = token.kind.word else {
            unexpected(token)
            return nil
        }
        if slot.kind.choices != nil {
            // A closed set is checked as it is read, since what comes after may depend on it (a
            // field's path); a field cannot wait for the run to say which it is.
            let text = word.literal ?? (slot.kind == .field ? word.description : nil)
            if let text, !slot.kind.admits(text) {
                let (message, note) = slot.kind.unknown(text)
                diagnostics.append(Diagnostic(message, at: word.range, note: note))
                return nil
            }
        }
        return word
    }
}
