/// A Markdown runbook read as one script: the fenced blocks marked `rollout`, in order, with every
/// other line (prose, headings, fences, other code blocks) blanked out byte for byte, so that lines
/// and columns are those of the `.md` file. The heading and prose right before a block narrate its
/// first statement in step mode.
public enum MarkdownRunbook {
    /// The info string that marks a block to run.
    public static let language = "rollout"

    /// True for a file read as Markdown (`.md`, `.markdown`).
    public static func isMarkdown(_ path: String) -> Bool {
        let lowered = path.lowercased()
        return lowered.hasSuffix(".md") || lowered.hasSuffix(".markdown")
    }

    /// The runbook as a source file: shows the Markdown, lexes only the `rollout` blocks, and holds
    /// the problems of its structure (no block, a fence never closed).
    public static func source(name: String, text: String) -> SourceFile {
        let original = SourceFile(name: name, text: text)
        let lines = (1...original.lineStarts.count).map { original.line($0) }
        let kinds = classify(lines)
        var bytes = original.bytes
        var narration: [(line: Int, lines: [String])] = []
        var problems: [Diagnostic] = []
        for (index, kind) in kinds.enumerated() {
            if case .code(language) = kind { continue }
            let start = original.lineStarts[index]
            let end = index + 1 < original.lineStarts.count ? original.lineStarts[index + 1] - 1 : bytes.count
            for offset in start..<end { bytes[offset] = UInt8(ascii: " ") }
            if case .fence(let info, let closed) = kind {
                if info == language { narration.append((index + 1, prose(before: index, in: lines, kinds))) }
                if !closed {
                    let marker = lines[index].trimmingLeadingSpaces
                    problems.append(
                        Diagnostic(
                            "this fence is never closed, so the rest of \(name) would be its code", at: start..<(start + max(1, marker.utf8.count)),
                            note: "close it with a line of \(String(marker.prefix { $0 == "`" || $0 == "~" }))"))
                }
            }
        }
        if narration.isEmpty {
            problems.append(
                Diagnostic(
                    "\(name) has no ```\(language) block to run", at: 0..<0,
                    note: "put the statements in a fenced block: a line ```\(language), the statements, then a line ```"))
        }
        return SourceFile(name: name, shown: text, lexed: bytes, narration: narration, problems: problems)
    }

    /// What a line of Markdown is, for this reading.
    enum LineKind: Equatable {
        /// An opening fence, with its info string's first word, and whether a closing fence follows.
        case fence(info: String, closed: Bool)
        /// A closing fence.
        case closing
        /// A line inside a fenced block of the language given.
        case code(String)
        case heading(String)
        case prose(String)
        case blank
    }

    static func classify(_ lines: [String]) -> [LineKind] {
        var kinds: [LineKind] = []
        var open: (index: Int, marker: Character, length: Int, info: String)?
        for line in lines {
            let trimmed = line.trimmingLeadingSpaces
            let indent = line.count - trimmed.count
            let marker = trimmed.first
            let length = trimmed.prefix { $0 == marker }.count
            let isFence = indent <= 3 && (marker == "`" || marker == "~") && length >= 3
            if let current = open {
                let rest = trimmed.dropFirst(length).trimmingCharacters(in: " \t")
                if isFence, marker == current.marker, length >= current.length, rest.isEmpty {
                    kinds[current.index] = .fence(info: current.info, closed: true)
                    kinds.append(.closing)
                    open = nil
                } else {
                    kinds.append(.code(current.info))
                }
            } else if isFence, let marker {
                let info = trimmed.dropFirst(length).trimmingCharacters(in: " \t").prefix { $0 != " " && $0 != "{" && $0 != "\t" }
                open = (kinds.count, marker, length, String(info).lowercased())
                kinds.append(.fence(info: String(info).lowercased(), closed: false))
            } else if trimmed.isEmpty {
                kinds.append(.blank)
            } else if indent <= 3, trimmed.hasPrefix("#"), trimmed.drop(while: { $0 == "#" }).first.map({ $0 == " " }) ?? true {
                kinds.append(.heading(trimmed.drop(while: { $0 == "#" }).trimmingCharacters(in: " \t#")))
            } else {
                kinds.append(.prose(trimmed))
            }
        }
        return kinds
    }

    /// The heading and prose lines right before the fence at `index`: back to the nearest heading,
    /// or to the end of the block before; blank lines and other code blocks left out.
    static func prose(before index: Int, in lines: [String], _ kinds: [LineKind]) -> [String] {
        var found: [String] = []
        var at = index - 1
        while at >= 0 {
            switch kinds[at] {
            case .heading(let text):
                return [text] + found
            case .prose(let text):
                found.insert(text, at: 0)
            case .closing:
                // A closing fence ends either the block before (stop) or another code block to skip.
                guard let opening = (0..<at).last(where: { if case .fence = kinds[$0] { true } else { false } }),
                    case .fence(let info, _) = kinds[opening], info != language
                else { return found }
                at = opening
            case .blank, .code, .fence:
                break
            }
            at -= 1
        }
        return found
    }
}

extension StringProtocol {
    /// The text without its leading spaces and tabs.
    fileprivate var trimmingLeadingSpaces: String { String(drop { $0 == " " || $0 == "\t" }) }

    /// The text without leading and trailing characters of `set`.
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        return String(drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }
}
