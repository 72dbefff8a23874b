import PropertyBased
import RolloutSyntax
import Foundation
import Testing

/// Builds a program from a list of numbers ("genes"), so the property library can generate and
/// shrink programs as lists of integers.
struct ProgramBuilder {
    private var genes: [Int]
    private var index = 0
    private let here = SourceLocation(file: "gen", line: 1, column: 1, offset: 0)

    static let names = ["testwww", "shop-web", "a1", "集群", "on", "in", "else", "a b", "semi;colon", "quote\"d", "#hash", "", "back\\slash", "$dollar", "tab\tx", "=eq", "{brace}"]
    static let variables: [WordPart] = [.variable(name: "TAG", fallback: nil), .variable(name: "X_1", fallback: "v-2"), .variable(name: "E", fallback: "")]

    init(_ genes: [Int]) { self.genes = genes.isEmpty ? [0] : genes }

    private mutating func next(_ bound: Int) -> Int {
        defer { index += 1 }
        return genes[index % genes.count] / (1 + index / genes.count) % bound
    }

    private mutating func word(_ pool: [String] = names) -> Word {
        switch next(4) {
        case 0: return Word(parts: [ProgramBuilder.variables[next(3)]], quoted: false, range: 0..<0)
        case 1: return Word(parts: [.literal("pre-"), ProgramBuilder.variables[next(3)], .literal(pool[next(pool.count)])], quoted: false, range: 0..<0)
        default:
            let text = pool[next(pool.count)]
            return Word(parts: text.isEmpty ? [] : [.literal(text)], quoted: false, range: 0..<0)
        }
    }

    private mutating func plain(_ pool: [String]) -> Word { Word(pool[next(pool.count)]) }

    /// A word for a slot, of its kind.
    private mutating func value(for slot: Slot, kind: SlotKind? = nil) -> Word {
        switch kind ?? slot.kind {
        case .release: return word(["testwww", "shop-web", "a b", "on", "x;y"])
        case .version, .versionBound: return plain(["1", "2", "10"])
        case .status: return plain(WaitStatus.allCases.map(\.rawValue))
        case .duration: return plain(["5m", "30s", "500ms"])
        case .field: return plain(ExpectField.allCases.map(\.rawValue))
        case .path: return plain(["basic.size", "a.b.c"])
        case .comparison: return plain(Comparison.allCases.map(\.rawValue))
        case .flag: return Word(slot.introducer.joined(separator: " "))
        case .namespace, .cluster, .chart, .text: return word()
        case .analysis: return plain(["errors", "p99"])
        }
    }

    /// A statement read by its slots, generated from its form: each slot given as its presence allows.
    private mutating func call(_ keyword: Keyword) -> Call {
        var call = Call(keyword)
        for slot in keyword.form.slots {
            if let needed = slot.needs, !call.has(needed) { continue }
            switch slot.presence {
            // Of the kind the slot takes given the others (expect's value, its field's), so that a generated script checks.
            case .required: call[slot.name] = value(for: slot, kind: slot.kind(given: { call[$0]?.literal }))
            case .optional: if next(2) == 1 { call[slot.name] = value(for: slot) }
            case .rest: call.arguments[slot.name] = (0..<next(4)).map { _ in word() }
            case .requiredWhen(let other, let test): if call[other]?.literal.map(test) == true { call[slot.name] = value(for: slot) }
            }
            if call.arguments[slot.name] == [] { call.arguments[slot.name] = nil }
        }
        return call
    }

    private mutating func groupMembers() -> GroupMembers {
        switch next(4) {
        case 0: return .clusters((0...next(3)).map { _ in word() })
        case 1: return .releases((0...next(2)).map { _ in plain(["demo/shop/shop-web", "edge-001/web/web-01", "a/b/c"]) })
        case 2: return .fleet(word())
        default:
            return .query(
                ReleaseQuery(
                    chart: next(2) == 0 ? nil : word(), pattern: next(2) == 0 ? nil : plain(["web-*", "a?c"]),
                    namespace: next(2) == 0 ? nil : word(), clusters: (0...next(2)).map { _ in word() }))
        }
    }

    private mutating func rolloutPlan() -> RolloutPlan {
        let steps: [WaveStep] = [
            .count(1), .percent(10), .rest, .gate(nil), .gate("prod"), .count(25), .percent(100),
            .gate(nil, check: GateCheck(analysis: Word("errors"))), .gate("canary", check: GateCheck(analysis: Word("p99"), ask: true)),
        ]
        return RolloutPlan(
            waves: (0..<next(5)).map { _ in steps[next(steps.count)] }, parallel: next(2) == 0 ? nil : word(["8", "64"]),
            soak: next(2) == 0 ? nil : plain(["5m", "30s"]),
            analyses: (0..<next(3)).map { _ in plain(["errors", "p99"]) },
            halt: [nil, HaltRule.after(plain(["1", "3"])), HaltRule.at(plain(["10%", "${P}%"]))][next(3)],
            policy: next(2) == 0 ? nil : HaltPolicy.allCases[next(HaltPolicy.allCases.count)], recoveredOK: next(2) == 0)
    }

    private mutating func analysisSpec() -> AnalysisSpec {
        let source = AnalysisSource.allCases[next(AnalysisSource.allCases.count)]
        var spec: AnalysisSpec
        if source == .http {
            let bodies: [ProbeCheck?] = [nil, .contains(word()), .json(path: plain(["status", "a.b"]), .equal, word())]
            spec = AnalysisSpec(
                source: .http, query: plain(["http://127.0.0.1:8080/healthz", "https://x/${RELEASE}"]),
                method: next(2) == 0 ? nil : plain(AnalysisRules.methods), status: plain(["200", "204"]), body: bodies[next(3)])
        } else {
            let conditions: [AnalysisCondition] = [
                .compare(Comparison.allCases[next(Comparison.allCases.count)], plain(["0.01", "5"])), .between(plain(["0.9"]), plain(["1.1"])),
            ]
            spec = AnalysisSpec(source: source, query: word(["sum(rate(x{release='${RELEASE}'}[1m]))", "up"]), condition: conditions[next(2)])
        }
        for option in AnalysisOption.allCases where option.takesValue && next(2) == 0 {
            spec.values[option] = plain(option == .every || option == .timeout ? ["10s", "1m"] : ["1", "3"])
        }
        spec.dryRun = next(2) == 0
        spec.noDataOK = next(2) == 0
        return spec
    }

    static let calls = Keyword.allCases.filter(\.form.readsBySlots)

    mutating func statementKind(inBlock: Bool = false) -> StatementKind {
        let kinds = inBlock ? 6 : 9
        switch next(kinds + 8) {
        case 0: return .use([UseKind.cluster, .namespace, .release][next(3)], word())
        case 1: return .set(.tag(word()))
        case 2: return .set(.value(path: plain(["basic.size", "a.b.c", "x"]), value: word()))
        case 3: return .set(.flag(ParameterFlag.allCases[next(ParameterFlag.allCases.count)], plain(["on", "off"])))
        case 4: return .set(.timeout(plain(["5m", "1m30s", "250ms"])))
        case 5: return .assign(name: ["TAG", "X_1", "a"][next(3)], value: word())
        case 6 where !inBlock: return .group(name: ["web", "edge-1", "a_b"][next(3)], members: groupMembers())
        case 7 where !inBlock:
            let body = (0...next(2)).map { _ in Statement(kind: statementKind(inBlock: true), location: here) }
            return .rollout(group: ["web", "edge-1"][next(2)], plan: rolloutPlan(), body: body)
        case 8 where !inBlock: return .analysis(name: ["errors", "p99"][next(2)], spec: analysisSpec())
        default: return .call(call(Self.calls[next(Self.calls.count)]))
        }
    }

    mutating func program() -> Script {
        var statements: [Statement] = []
        for _ in 0..<(1 + next(8)) {
            var statement = Statement(kind: statementKind(), location: here)
            if next(4) == 0 {
                let body = (0..<(1 + next(2))).map { _ in Statement(kind: statementKind(), location: here) }
                statement.elseBranch = ElseBranch(body: body, braced: body.count > 1 || next(2) == 0)
                if next(3) == 0 { statement.elseBranch!.next = ElseBranch(body: [Statement(kind: .call(Call(.abort)), location: here)], braced: false) }
            }
            statements.append(statement)
        }
        return Script(statements: statements)
    }
}

@Suite struct RoundTripPropertyTests {
    @Test func generatedProgramsPrintAndParseBackToTheSameTree() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000).array(of: 1...24)) { genes in
            var builder = ProgramBuilder(genes)
            let program = builder.program()
            let text = ScriptPrinter.print(program)
            let (parsed, diagnostics) = Parser.parse(SourceFile(name: "gen", text: text))
            #expect(diagnostics.isEmpty, "\(text)\n\(diagnostics.map(\.message))")
            #expect(parsed.statements.count == program.statements.count, "\(text)")
            #expect(ScriptPrinter.print(parsed) == text)
            #expect(Self.shape(parsed) == Self.shape(program), "\(text)")
        }
    }

    /// The tree with every word's parts, ignoring whether a word was quoted.
    static func shape(_ script: Script) -> String {
        script.statements.map { shape($0) }.joined(separator: "\n")
    }

    static func shape(_ statement: Statement) -> String {
        var kind = statement.kind
        var body = ""
        if case .rollout(let group, var plan, let statements) = kind {
            plan.wavesRange = 0..<0
            kind = .rollout(group: group, plan: plan, body: [])
            body = " block(" + statements.map(shape).joined(separator: ";") + ")"
        }
        var out = "\(kind)" + body
        if case .analysis(let name, var spec) = kind {
            // A dictionary prints in no fixed order.
            let values = spec.values.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key): \($0.value)" }
            spec.values = [:]
            out = "analysis(\(name), \(spec), \(values))"
        }
        if let call = kind.call {
            // A dictionary prints in no fixed order.
            out = "\(call.keyword)(" + call.arguments.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
        }
        out = out.replacingOccurrences(of: "quoted: true", with: "quoted: _").replacingOccurrences(of: "quoted: false", with: "quoted: _")
        out = out.replacingOccurrences(of: #"range: Range\(\d+\.\.<\d+\)|range: \d+\.\.<\d+"#, with: "range: _", options: .regularExpression)
        for branch in statement.elseBranch?.chain ?? [] {
            out += " else[\(branch.braced || branch.body.count > 1)](" + branch.body.map(shape).joined(separator: ";") + ")"
        }
        return out
    }
}
