import AutopilotModels
import RolloutSyntax

extension Interpreter {
    /// A wave's soak with analyses: every member that finished its block well is measured by each
    /// analysis at its interval until the soak ends. A member whose analysis fails has failed at
    /// once; when that meets the halt rule, the soak stops and the rollout halts. True when it halted.
    func analyze(_ wave: [MemberTag], _ settings: RolloutSettings, _ book: FleetBook, _ info: StepInfo, for length: Duration) async -> Bool {
        var probes: [(MemberTag, AnalysisProbe)] = []
        for tag in wave where [.succeeded, .recovered].contains(book.state(of: tag)) {
            for definition in settings.analyses {
                do {
                    probes.append((tag, try probe(definition, for: tag)))
                } catch {
                    setState(tag, .failed(error.message), book, info)
                }
            }
        }
        let clock = ContinuousClock()
        let end = clock.now + length
        let (sources, emit) = (sources, emit)
        return await withTaskGroup(of: (MemberTag, String?).self) { group in
            for (tag, probe) in probes {
                var memberInfo = info
                memberInfo.member = tag
                group.addTask { [memberInfo] in
                    let (failure, _) = await Self.measure(probe, probe.definition.tally, until: end, with: sources) { emit(.measured(memberInfo, $0, decided: $1)) }
                    // A dry run's failure was reported as it was measured, and fails nothing.
                    return (tag, probe.definition.spec.dryRun ? nil : failure)
                }
            }
            for await (tag, failure) in group {
                guard let failure, !book.state(of: tag).isFailure else { continue }
                setState(tag, .failed(failure), book, info)
                if book.failedCount >= settings.halt.failures {
                    emit(.fleet(info, .halted(haltText(settings, book) + ", by an analysis")))
                    group.cancelAll()
                    return true
                }
            }
            return book.failedCount >= settings.halt.failures
        }
    }

    /// Measures one analysis for one release at its interval until `end` (once, when that is now),
    /// counting on `tally`, and reports each measurement with whether it decided: the reason the
    /// tally failed it, if it did, and the tally. It stops early when cancelled.
    static func measure(
        _ probe: AnalysisProbe, _ tally: AnalysisTally, until end: ContinuousClock.Instant, with sources: AnalysisSources,
        report: @Sendable (AnalysisMeasurement, Bool) -> Void
    ) async -> (failure: String?, tally: AnalysisTally) {
        var tally = tally
        let clock = ContinuousClock()
        while !Task.isCancelled {
            let measurement = await probe.measure(with: sources)
            guard !Task.isCancelled else { break }
            let failure = tally.record(measurement)
            let last = failure != nil || clock.now + probe.definition.interval > end
            report(measurement, last)
            if failure != nil || last { return (failure, tally) }
            do { try await clock.sleep(until: min(clock.now + probe.definition.interval, end)) } catch { break }
        }
        return (nil, tally)
    }

    /// An analysis written for a rollout member: its names are the member's.
    func probe(_ definition: AnalysisDefinition, for tag: MemberTag) throws(StepFailure) -> AnalysisProbe {
        let member = memberContext(tag)
        let release = ResolvedRelease(name: member.release ?? "", namespace: member.namespace, cluster: resolveCluster(tag.member.cluster))
        return try probe(definition, release, variables: member.variables)
    }

    /// A gate's answer: a person's, an analysis's, or the analysis's and then a person's.
    func answer(
        _ gate: String, before wave: Int, _ check: (analysis: AnalysisDefinition, ask: Bool)?, approvers: [String], _ book: FleetBook,
        _ info: StepInfo
    ) async -> GateAnswer {
        let request = GateRequest(name: gate, wave: wave, members: book.snapshot, approvers: approvers)
        guard let (definition, ask) = check else { return await onGate(request) }
        let measured = await waitToPass(definition, info)
        guard case .pass(let how) = measured, ask else { return measured }
        switch await onGate(request) {
        case .pass(let person): return .pass("\(how); \(person)")
        case .refuse(let why): return .refuse(why)
        }
    }

    /// The probe of a gate's analysis: for the rollout as a whole, with the cluster, namespace and
    /// release in use as its names; one it needs and none is in use is an undefined variable.
    func gateProbe(_ definition: AnalysisDefinition) throws(StepFailure) -> AnalysisProbe {
        let cluster = context.cluster ?? ""
        let release = ResolvedRelease(name: context.release ?? "", namespace: context.namespace, cluster: cluster.isEmpty ? "" : resolveCluster(cluster))
        var variables = variables(naming: release, cluster: cluster)
        if context.cluster == nil { variables[MemberVariable.cluster.rawValue] = nil }
        if context.release == nil { variables[MemberVariable.release.rawValue] = nil }
        return try probe(definition, release, variables: variables)
    }

    /// Measures a gate's analysis at its interval until a measurement passes (the gate opens) or
    /// its limits fail it (the gate holds; a dry run opens it and says what it would have done).
    private func waitToPass(_ definition: AnalysisDefinition, _ info: StepInfo) async -> GateAnswer {
        let probe: AnalysisProbe
        do { probe = try gateProbe(definition) } catch { return .refuse(error.message) }
        var tally = definition.tally
        while !Task.isCancelled {
            let measurement = await probe.measure(with: sources)
            let failure = tally.record(measurement)
            emit(.measured(info, measurement, decided: measurement.verdict == .passed || failure != nil))
            if measurement.verdict == .passed { return .pass("analysis \(definition.name) passed: \(measurement.reason)") }
            if let failure {
                return definition.spec.dryRun ? .pass("analysis \(definition.name) is a dry run, and would have held the gate: \(failure)") : .refuse(failure)
            }
            do { try await Task.sleep(for: definition.interval) } catch { break }
        }
        return .refuse("interrupted while measuring \(definition.name)")
    }
}
