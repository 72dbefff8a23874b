import AutopilotModels
import RolloutSyntax

/// A rollout's settings once its words are read.
struct RolloutSettings {
    var waves: [[MemberTag]]
    var gates: [Int: String]
    /// Who may pass each gate that names them, by the gate's name.
    var gateApprovers: [String: [String]]
    /// The gates an analysis decides, by the wave each opens: the analysis, and whether a person is asked too.
    var gateChecks: [Int: (analysis: AnalysisDefinition, ask: Bool)]
    var parallel: Int
    var soak: Duration?
    /// What each member is measured by while its wave soaks.
    var analyses: [AnalysisDefinition]
    var halt: HaltLimit
    var policy: HaltPolicy

    /// How long a wave soaks with analyses: the soak, else long enough for the slowest to fail.
    var analysisSoak: Duration { soak ?? AnalysisDefinition.window(of: analyses) }
    var recoveredOK: Bool
    var failedOK: Bool
}

/// When a rollout halts: after a number of failed members, or at a share of the group.
struct HaltLimit {
    /// The rule in words, for messages.
    var text: String
    /// How many failed members halt it.
    var failures: Int
}

extension Interpreter {
    /// `rollout <group> ... { block }`: runs the block once per member, wave after wave.
    func rollout(_ groupName: String, _ plan: RolloutPlan, _ body: [Statement], _ info: StepInfo) async throws(StepFailure) -> StepResult {
        guard member == nil else { throw StepFailure(.invalid, "a rollout cannot run inside another rollout's block") }
        guard let members = groups[groupName] else { throw StepFailure(.invalid, "no group '\(groupName)' is defined") }
        let settings = try settings(of: plan, members: members)
        let book = FleetBook(tags: settings.waves.flatMap { $0 })
        emit(.fleet(info, .began(FleetOverview(
            group: groupName, waves: settings.waves.map { $0.map(\.member) }, gates: settings.gates, parallel: settings.parallel))))
        defer {
            context.change = PendingChange()
            membersDone = []
            memberChangesEarlier = [:]
        }
        if mode == .plan { return await planRollout(settings, body, info) }
        // Resumed: what earlier tries changed for each member is this rollout's too, for its
        // policy to undo and its soak to read.
        for tag in book.tags {
            for change in memberChangesEarlier[tag.member.label] ?? [] { book.note(change, of: tag) }
        }
        if !membersDone.isEmpty {
            let done = book.tags.filter { membersDone.contains($0.member.label) }.count
            emit(.progress(info, "resuming: \(done) of \(book.tags.count) members finished in an earlier try and are not run again"))
        }
        let clock = ContinuousClock()
        let start = clock.now
        control.rolloutBegan()
        var (outcome, reason) = try await runWaves(settings, body, book, info)
        control.rolloutEnded()
        book.markUnstarted()
        if outcome == .succeeded { outcome = .ofRollout(book.snapshot.map(\.state)) }
        let summary = FleetSummary(
            group: groupName, members: book.snapshot, outcome: outcome, haltReason: reason, elapsed: clock.now - start)
        emit(.fleet(info, .ended(summary)))
        switch outcome {
        case .succeeded, .recovered: return .fleet(summary)
        case .failed where settings.failedOK: return .fleet(summary)
        case .failed: throw StepFailure(.membersFailed, Self.failedMembers(summary))
        case .interrupted: throw StepFailure(.interrupted, reason ?? "interrupted")
        case .held: throw StepFailure(.halted, reason ?? "halted")
        case .rolledBack: throw StepFailure(.rolledBack, reason ?? "halted and rolled back")
        }
    }

    /// Reads the header's words against the group.
    private func settings(of plan: RolloutPlan, members: [FleetMember]) throws(StepFailure) -> RolloutSettings {
        let sizes: [Int]
        do { sizes = try WaveStep.sizes(of: plan.waves, members: members.count) } catch { throw StepFailure(.invalid, error.description) }
        var waves: [[MemberTag]] = []
        var next = 0
        for (index, size) in sizes.enumerated() {
            waves.append((next..<next + size).map { MemberTag(member: members[$0], wave: index + 1, index: $0) })
            next += size
        }
        func read(_ word: Word, by rule: (String) throws(ClauseProblem) -> Int) throws(StepFailure) -> Int {
            let text = try expand(word)
            do { return try rule(text) } catch { throw StepFailure(.invalid, error.message) }
        }
        let parallel = try plan.parallel.map { (word) throws(StepFailure) in try read(word, by: ClauseRules.parallel) } ?? 1
        let soak = try plan.soak.map { (word) throws(StepFailure) in try duration(word) }
        let halt: HaltLimit
        switch plan.halt {
        case .after(let word):
            let n = try read(word, by: ClauseRules.haltAfter)
            halt = HaltLimit(text: "halt after \(n)", failures: n)
        case .at(let word):
            let p = try read(word, by: ClauseRules.haltAt)
            halt = HaltLimit(text: "halt at \(p)%", failures: max(1, (members.count * p + 99) / 100))
        case nil:
            halt = HaltLimit(text: "the first failure halts", failures: 1)
        }
        // A source that is not named fails the rollout before any member starts.
        func definition(_ word: Word) throws(StepFailure) -> AnalysisDefinition {
            let definition = try analysis(named: try expand(word))
            if mode == .run { try requireSource(of: definition) }
            return definition
        }
        var analyses: [AnalysisDefinition] = []
        for word in plan.analyses { analyses.append(try definition(word)) }
        var gateChecks: [Int: (analysis: AnalysisDefinition, ask: Bool)] = [:]
        for (wave, check) in plan.gateChecks { gateChecks[wave] = (try definition(check.analysis), check.ask) }
        return RolloutSettings(
            waves: waves, gates: plan.gates, gateApprovers: plan.gateApprovers, gateChecks: gateChecks, parallel: parallel, soak: soak, analyses: analyses, halt: halt, policy: plan.policy ?? .hold,
            recoveredOK: plan.recoveredOK, failedOK: plan.failedOK)
    }

    /// The waves, one after another, then the policy if it halted. A wave whose releases another
    /// run holds does not start: the rollout stops there, as it is, and nothing is rolled back.
    private func runWaves(
        _ settings: RolloutSettings, _ body: [Statement], _ book: FleetBook, _ info: StepInfo
    ) async throws(StepFailure) -> (Outcome, String?) {
        var haltReason: String?
        var lastWave: [MemberTag] = []
        let waves = settings.waves.filter { !$0.isEmpty }
        waves: for (position, wave) in waves.enumerated() {
            let number = wave[0].wave
            if let stopped = stopped(book, info) { return stopped }
            if case .halt(let reason)? = control.stop {
                haltReason = "halted by \(reason)"
                emit(.fleet(info, .halted(haltReason ?? "")))
                break
            }
            if let gate = settings.gates[number], position > 0 {
                switch await answer(gate, before: number, settings.gateChecks[number], approvers: settings.gateApprovers[gate] ?? [], book, info) {
                case .pass(let how):
                    emit(.fleet(info, .gate(name: gate, passed: true, how: how)))
                case .refuse(let why):
                    // Nothing failed: the rollout holds where it is, whatever its halt policy.
                    emit(.fleet(info, .gate(name: gate, passed: false, how: why)))
                    let reason = "the gate '\(gate)' before wave \(number) was not passed: \(why); holding as it is"
                    emit(.fleet(info, .halted(reason)))
                    return (.held, reason)
                }
            }
            if let beforeStep {
                let text = "wave \(number) of \(settings.waves.count): \(Self.describe(wave))"
                let waveInfo = StepInfo(
                    number: info.number, location: info.location, text: text, statement: info.statement, narration: [], isElse: false)
                switch await beforeStep(waveInfo) {
                case .run: break
                case .skip:
                    for tag in wave { setState(tag, .notStarted, book, info) }
                    continue waves
                case .quit: return (.interrupted, interruption(book))
                }
            }
            // Every release member of the wave is held before any of them starts, in one order.
            let releases = wave.filter { !membersDone.contains($0.member.label) }.compactMap { tag in
                tag.member.release.map { "\(resolveCluster(tag.member.cluster))/\(tag.member.namespace ?? context.namespace)/\($0)" }
            }
            if let failure = await claimReleases(releases, info) {
                book.markUnstarted()
                emit(.fleet(info, .halted("wave \(number) cannot start: \(failure.message)")))
                throw failure
            }
            lastWave = wave
            emit(.fleet(info, .waveBegan(number)))
            let halted = await runWave(wave, settings, body, book, info)
            emit(.fleet(info, .waveEnded(number)))
            if let stopped = stopped(book, info) { return stopped }
            if case .halt(let reason)? = control.stop {
                haltReason = "halted by \(reason)"
                emit(.fleet(info, .halted(haltReason ?? "")))
                break
            }
            if halted {
                haltReason = haltText(settings, book)
                break
            }
            // A wave whose members all finished in an earlier try has soaked then; but with analyses
            // every wave is measured, the last and a resumed one too, since a try that stopped during
            // its soak did not finish measuring it.
            let ranNow = wave.contains { !membersDone.contains($0.member.label) }
            let readAgain = settings.soak != nil && position < waves.count - 1
            if (ranNow && readAgain) || !settings.analyses.isEmpty {
                let length = settings.analysisSoak
                emit(.fleet(info, .soaking(wave: number, length, analyses: settings.analyses.map(\.name))))
                if settings.analyses.isEmpty {
                    do { try await Task.sleep(for: length) } catch { return (.interrupted, interruption(book)) }
                } else if await analyze(wave, settings, book, info, for: length) {
                    haltReason = haltText(settings, book) + ", by an analysis in wave \(number)"
                    break
                }
                if let stopped = stopped(book, info) { return stopped }
                if ranNow && readAgain {
                    await lookAgain(wave, settings, book, info)
                    if book.failedCount >= settings.halt.failures {
                        let reason = haltText(settings, book) + " (after the soak of wave \(number))"
                        emit(.fleet(info, .halted(reason)))
                        haltReason = reason
                        break
                    }
                }
            }
        }
        // A halt was reported when it happened, so the running members' last steps show under it.
        guard let haltReason else { return (.succeeded, nil) }
        book.markUnstarted()
        return await applyPolicy(settings, lastWave: lastWave, book, info, reason: haltReason)
    }

    /// One wave: at most `parallel` members at a time, none started once the halt rule is met or a
    /// stop is asked for. True when it halted.
    private func runWave(_ wave: [MemberTag], _ settings: RolloutSettings, _ body: [Statement], _ book: FleetBook, _ info: StepInfo) async -> Bool {
        var halted = false
        await withTaskGroup(of: [Chart]?.self) { group in
            var next = 0
            var running = 0
            while true {
                while running < settings.parallel, next < wave.count, !halted, !control.stopRequested, !Task.isCancelled {
                    let tag = wave[next]
                    if membersDone.contains(tag.member.label) {
                        // Resumed: this member finished in an earlier try of the run.
                        setState(tag, .succeeded, book, info)
                        next += 1
                        continue
                    }
                    let member = memberInterpreter(tag, book, info, madeEarlier: memberChangesEarlier[tag.member.label] ?? [])
                    let recoveredOK = settings.recoveredOK
                    setState(tag, .running, book, info)
                    group.addTask { [emit] in
                        let outcome = await member.runList(body, asElse: false)
                        let state: MemberState
                        switch outcome {
                        case .completed: state = .succeeded
                        case .recovered: state = recoveredOK ? .recovered : .failed("failed, and its else recovered")
                        case .quit: state = .interrupted
                        case .failed(let failure): state = failure.kind == .interrupted ? .interrupted : .failed(failure.message)
                        }
                        book.set(tag, state)
                        emit(.fleet(info, .member(tag, state)))
                        return await member.chartCache
                    }
                    next += 1
                    running += 1
                }
                guard running > 0, let charts = await group.next() else { break }
                running -= 1
                // The first member to list the charts spares the later ones the call.
                if chartCache == nil { chartCache = charts }
                if !halted, book.failedCount >= settings.halt.failures {
                    halted = true
                    emit(.fleet(info, .halted(haltText(settings, book))))
                }
            }
        }
        return halted
    }

    /// After the soak: every member of the wave that succeeded is read again, and one whose
    /// releases are no longer all `DEPLOYED` has failed.
    private func lookAgain(_ wave: [MemberTag], _ settings: RolloutSettings, _ book: FleetBook, _ info: StepInfo) async {
        let api = api
        let checks = wave.filter { [.succeeded, .recovered].contains(book.state(of: $0)) }.map { tag in
            (tag, Self.releases(touchedBy: tag, book, resolve: resolveCluster, namespace: context.namespace))
        }
        // Each look reads through transient errors for as long as a step may take, as a wait does.
        let (deadline, interval) = (ContinuousClock.now + context.timeout, context.interval)
        let found = await Self.inBatches(checks, width: settings.parallel) { check async -> String? in
            for (cluster, namespace, name) in check.1 {
                do throws(StepFailure) {
                    let release = try await Self.readThrough(deadline: deadline, interval: interval, onRetry: { _ in }) {
                        () async throws(AutopilotError) in try await api.release(name, in: namespace, cluster: cluster, showResources: false)
                    }
                    if release.status != .deployed { return "after the soak, \(name) version \(release.version) is \(release.status)" }
                } catch {
                    return "after the soak, \(name) cannot be read: \(error.description)"
                }
            }
            return nil
        }
        for ((tag, _), problem) in zip(checks, found) {
            if let problem { setState(tag, .failed(problem), book, info) }
        }
    }

    /// The releases a member's block changed, or the member's own release: what the soak reads again.
    private static func releases(
        touchedBy tag: MemberTag, _ book: FleetBook, resolve: (String) -> String, namespace: String
    ) -> [(cluster: String, namespace: String, name: String)] {
        var seen: Set<String> = []
        var releases = book.changes(of: tag).filter { $0.action != .uninstall }.map { ($0.cluster, $0.namespace, $0.release) }
        if releases.isEmpty, let name = tag.member.release {
            releases = [(resolve(tag.member.cluster), tag.member.namespace ?? namespace, name)]
        }
        return releases.filter { seen.insert("\($0.0)/\($0.1)/\($0.2)").inserted }.map { (cluster: $0.0, namespace: $0.1, name: $0.2) }
    }

    /// The halt policy, once every running member has finished.
    private func applyPolicy(
        _ settings: RolloutSettings, lastWave: [MemberTag], _ book: FleetBook, _ info: StepInfo, reason: String
    ) async -> (Outcome, String?) {
        let chosen: [MemberTag]
        switch settings.policy {
        case .hold: return (.held, reason + "; holding as it is")
        case .rollbackFailed: chosen = book.tags.filter { if case .failed = book.state(of: $0) { true } else { false } }
        case .rollbackWave: chosen = lastWave
        case .rollbackAll: chosen = book.tags
        }
        let targets = chosen.filter { !book.changes(of: $0).isEmpty }
        // "Rolled back" is said only of something rolled back.
        guard !targets.isEmpty else { return (.held, reason + "; \(settings.policy.spelling): nothing this rollout changed is left to roll back; holding as it is") }
        emit(.fleet(info, .policy(settings.policy, members: targets.count)))
        var undo: [(MemberTag, Interpreter, [Statement])] = []
        var earlier: [MemberTag: MemberState] = [:]
        for tag in targets {
            earlier[tag] = book.state(of: tag)
            setState(tag, .rollingBack, book, info)
            undo.append((tag, memberInterpreter(tag, book, info), Self.undoing(book.changes(of: tag), at: info.location)))
        }
        let failures = await Self.inBatches(undo, width: settings.parallel) { item async -> String? in
            let (_, member, statements) = item
            let outcome = await member.runList(statements, asElse: false)
            if case .failed(let failure) = outcome { return failure.message }
            if statements.isEmpty { return "an uninstall cannot be undone" }
            return nil
        }
        for ((tag, _, _), failure) in zip(undo, failures) {
            setState(tag, failure.map { .rollbackFailed($0) } ?? .rolledBack(earlier[tag]?.reason), book, info)
        }
        let failed = failures.compactMap { $0 }.count
        let done = "\(reason); \(settings.policy.spelling): \(targets.count - failed) of \(targets.count) member\(targets.count == 1 ? "" : "s") rolled back"
        return failed == 0 ? (.rolledBack, done) : (.held, done + ", \(failed) could not be")
    }

    /// Statements that undo a member's changes, newest first: each release it upgraded or rolled
    /// back goes back to the version it had before the rollout (and is waited for), one it
    /// installed is uninstalled. Nothing is written for an uninstall, which cannot be undone.
    static func undoing(_ changes: [ChangeRecord], at location: SourceLocation) -> [Statement] {
        var firsts: [String: ChangeRecord] = [:]
        var order: [String] = []
        for record in changes {
            let key = "\(record.cluster)/\(record.namespace)/\(record.release)"
            if firsts[key] == nil {
                firsts[key] = record
                order.append(key)
            }
        }
        var statements: [Statement] = []
        for key in order.reversed() {
            let record = firsts[key]!
            let place: [SlotName: [Word]] = [
                .release: [Word(record.release)], .namespace: [Word(record.namespace)], .cluster: [Word(record.cluster)],
            ]
            func statement(_ keyword: Keyword, _ more: [SlotName: [Word]] = [:]) -> Statement {
                Statement(kind: .call(Call(keyword, place.merging(more) { $1 })), location: location)
            }
            switch (record.action, record.versionBefore) {
            case (.install, _):
                statements.append(statement(.uninstall))
            case (.uninstall, _), (_, nil):
                continue
            case (_, let before?):
                statements.append(statement(.rollback, [.version: [Word(String(before))]]))
                statements.append(statement(.wait, [.status: [Word(WaitStatus.deployed.rawValue)]]))
            }
        }
        return statements
    }

    /// The context a member's block runs in: the member in use and its variables set.
    func memberContext(_ tag: MemberTag) -> RunContext {
        var memberContext = context
        memberContext.cluster = tag.member.cluster
        if let namespace = tag.member.namespace {
            memberContext.namespace = namespace
            memberContext.namespaceChosen = true
        }
        if let release = tag.member.release { memberContext.release = release }
        let values: [MemberVariable: String] = [
            .cluster: tag.member.cluster, .namespace: memberContext.namespace, .release: memberContext.release ?? "",
            .member: tag.member.label, .wave: String(tag.wave),
        ]
        for (variable, value) in values { memberContext.variables[variable.rawValue] = value }
        return memberContext
    }

    /// An interpreter for one member's block: the member in use, its variables set, its changes
    /// journaled with it and noted in the book, and its states reported.
    private func memberInterpreter(_ tag: MemberTag, _ book: FleetBook, _ info: StepInfo, madeEarlier: [ChangeRecord] = []) -> Interpreter {
        let memberContext = memberContext(tag)
        let (journal, emit) = (journal, emit)
        return Interpreter(
            member: tag, context: memberContext, charts: chartCache, madeEarlier: madeEarlier, sharing: self, analyses: analyses,
            journal: { record in
                try await journal(record)
                book.note(record, of: tag)
            }, claim: claim,
            events: { event in
                emit(event)
                guard let state = Self.state(shownBy: event), !book.state(of: tag).isFinal else { return }
                book.set(tag, state)
                emit(.fleet(info, .member(tag, state)))
            })
    }

    /// The member state a step event shows: a change being sent, or a status a wait saw.
    private static func state(shownBy event: RunEvent) -> MemberState? {
        switch event {
        case .change(_, let record) where record.outcome == .sending: return .changing
        case .statusChanged(_, _, let status, _, _): return .status(status)
        default: return nil
        }
    }

    func setState(_ tag: MemberTag, _ state: MemberState, _ book: FleetBook, _ info: StepInfo) {
        book.set(tag, state)
        emit(.fleet(info, .member(tag, state)))
    }

    func haltText(_ settings: RolloutSettings, _ book: FleetBook) -> String {
        let failed = book.failedCount
        return "halted: \(failed) of \(book.tags.count) member\(book.tags.count == 1 ? "" : "s") failed (\(settings.halt.text))"
    }

    /// Why a rollout whose members failed below its halt rule fails: how many, which and why.
    static func failedMembers(_ summary: FleetSummary) -> String {
        let failed = summary.members.filter { $0.state.isFailure }
        let named = failed.prefix(3).map { "\($0.tag.member.label): \($0.state.reason ?? $0.state.shown)" }
        let more = failed.count > 3 ? "; and \(failed.count - 3) more" : ""
        return "rollout \(summary.group): \(failed.count) of \(summary.members.count) members failed (\(named.joined(separator: "; "))\(more)); "
            + "\(summary.tally); '\(RolloutClause.failures.syntax)' in its header accepts failed members"
    }

    /// How the rollout ends when it was interrupted or held from elsewhere, or nil to go on (a
    /// halt asked from elsewhere goes on to the policy).
    private func stopped(_ book: FleetBook, _ info: StepInfo) -> (Outcome, String?)? {
        if Task.isCancelled { return (.interrupted, interruption(book)) }
        switch control.stop {
        case .interrupt?: return (.interrupted, interruption(book))
        case .hold(let reason)?:
            book.markUnstarted()
            let text = "held by \(reason); the members running finished their block"
            emit(.fleet(info, .halted(text)))
            return (.held, text)
        case .halt?, nil: return nil
        }
    }

    private func interruption(_ book: FleetBook) -> String {
        let finished = book.snapshot.filter { $0.state.isFinal && $0.state != .notStarted && $0.state != .queued }.count
        return "interrupted: \(finished) of \(book.tags.count) members finished; no more were started"
    }

    /// The analyses a member would be measured by, their queries written for it.
    private func analysisLines(_ tag: MemberTag, _ settings: RolloutSettings) -> [String] {
        settings.analyses.map { definition in
            let limits = "every \(DurationText.format(definition.interval)), failing at \(definition.failureLimit) failed"
                + (definition.spec.dryRun ? ", dry run" : "")
            do throws(StepFailure) {
                let probe = try probe(definition, for: tag)
                return "\(tag.member.label): \(definition.name): \(definition.asking(probe.query)) (\(limits))"
            } catch {
                return "\(tag.member.label): \(definition.name): would fail here: \(error.message)"
            }
        }
    }

    /// A wave's members in a few words.
    static func describe(_ wave: [MemberTag]) -> String {
        let shown = wave.prefix(3).map(\.member.label).joined(separator: ", ")
        return wave.count <= 3 ? shown : "\(wave.count) members (\(shown), …)"
    }

    /// A plan of a rollout: its waves, the calls of one member's block, and a count for the rest.
    private func planRollout(_ settings: RolloutSettings, _ body: [Statement], _ info: StepInfo) async -> StepResult {
        let all = settings.waves.flatMap { $0 }
        emit(.progress(info, "\(all.count) member\(all.count == 1 ? "" : "s") in \(settings.waves.count) wave\(settings.waves.count == 1 ? "" : "s"), \(settings.parallel) at a time; \(settings.halt.text), then \(settings.policy.spelling)"))
        for wave in settings.waves where !wave.isEmpty {
            if let gate = settings.gates[wave[0].wave], wave[0].wave > 1 {
                let approvers = settings.gateApprovers[gate] ?? []
                let asks = approvers.isEmpty
                    ? "asks before wave \(wave[0].wave); off a terminal it passes only with --approve \(gate) or --yes"
                    : "waits before wave \(wave[0].wave) for rollout approve from \(approvers.joined(separator: " or ")), not the user who runs it"
                if let (definition, ask) = settings.gateChecks[wave[0].wave] {
                    let then = ", then " + (ask ? asks : "opens wave \(wave[0].wave)")
                    do throws(StepFailure) {
                        let query = try gateProbe(definition).query
                        emit(.progress(info, "gate '\(gate)': waits for \(definition.name) to pass (\(definition.asking(query)))" + then))
                    } catch {
                        emit(.progress(info, "gate '\(gate)': would fail here: \(error.message) (a gate measures the rollout as a whole)"))
                    }
                } else {
                    emit(.progress(info, "gate '\(gate)': " + asks))
                }
            }
            emit(.progress(info, "wave \(wave[0].wave): \(Self.describe(wave))"))
            if !settings.analyses.isEmpty {
                let length = settings.analysisSoak
                emit(.progress(info, "then soaks \(DurationText.format(length)), measuring each member:"))
                for tag in wave { for line in analysisLines(tag, settings) { emit(.progress(info, "  \(line)")) } }
            } else if let soak = settings.soak, wave[0].wave < settings.waves.count {
                emit(.progress(info, "then soaks \(DurationText.format(soak)) and reads its members again"))
            }
        }
        guard !all.isEmpty else { return .planned("no members") }
        // Every member's block is planned, as each reads its own release (against a live target,
        // one member may be at the target and another not); only the first one's is shown.
        let book = FleetBook(tags: all)
        for (index, tag) in all.enumerated() {
            emit(.fleet(info, .planFor(tag.member, shown: index == 0)))
            _ = await memberInterpreter(tag, book, info).runList(body, asElse: false)
            emit(.fleet(info, .planForEnded))
        }
        return .planned(all.count == 1 ? "one member" : "the same calls for each of the other \(all.count - 1) members")
    }
}
