import AutopilotModels
import RolloutSyntax

extension Interpreter {
    /// `analysis NAME = ...`: reads its options now, so a mistake shows at the definition.
    func define(analysis name: String, _ spec: AnalysisSpec) throws(StepFailure) -> StepResult {
        analyses[name] = try AnalysisDefinition(name: name, spec: spec) { (word) throws(StepFailure) in try expand(word) }
        return .message("analysis \(name) defined")
    }

    /// The analysis a statement names.
    func analysis(named name: String) throws(StepFailure) -> AnalysisDefinition {
        guard let found = analyses[name] else { throw StepFailure(.invalid, "no analysis '\(name)' is defined") }
        return found
    }

    /// The run's variables with `${CLUSTER}`, `${NAMESPACE}` and `${RELEASE}` naming a release
    /// (the cluster as written).
    func variables(naming release: ResolvedRelease, cluster: String) -> [String: String] {
        var variables = context.variables
        variables[MemberVariable.cluster.rawValue] = cluster
        variables[MemberVariable.namespace.rawValue] = release.namespace
        variables[MemberVariable.release.rawValue] = release.name
        return variables
    }

    /// An analysis written for a release, with `variables` naming it.
    func probe(_ definition: AnalysisDefinition, _ release: ResolvedRelease, variables: [String: String]) throws(StepFailure) -> AnalysisProbe {
        let expander = Expander(variables: variables, environment: environment, hidingSecrets: mode == .plan)
        func write(_ word: Word) throws(StepFailure) -> String {
            do { return try expander.expand(word) } catch {
                throw StepFailure(.invalid, "analysis \(definition.name): undefined variable '\(error.name)'")
            }
        }
        let body: AnalysisProbe.BodyCheck?
        switch definition.spec.body {
        case .contains(let text): body = .contains(try write(text))
        case .json(let path, let comparison, let value): body = .json(path: try write(path), comparison, try write(value))
        case nil: body = nil
        }
        let query = try write(definition.spec.query)
        if definition.spec.source == .http {
            do { try AnalysisRules.url(query) } catch { throw StepFailure(.invalid, "analysis \(definition.name): \(error.message)") }
        }
        let cluster = variables[MemberVariable.cluster.rawValue] ?? release.cluster
        return AnalysisProbe(definition: definition, query: query, body: body, release: "\(cluster)/\(release.namespace)/\(release.name)")
    }

    /// Fails before anything is sent when an analysis's source is not named.
    func requireSource(of definition: AnalysisDefinition) throws(StepFailure) {
        let named: Bool
        switch definition.spec.source {
        case .prometheus: named = sources.prometheus != nil
        case .aom: named = sources.aom != nil
        case .http: named = sources.probe != nil
        }
        if !named { throw StepFailure(.invalid, "analysis \(definition.name): \(AnalysisProbe.unnamed(definition.spec.source))") }
    }

    /// `verify NAME [for <release>] [during <d>]`: one measurement decides; with `during`, it
    /// measures at the analysis's interval until its limits fail it or the time is up.
    func verify(_ call: Call, _ info: StepInfo) async throws(StepFailure) -> StepResult {
        let definition = try analysis(named: try expand(call[.analysis]))
        let written = try call[.cluster].map { (word) throws(StepFailure) in try expand(word) }
        let release = try resolve(call)
        let cluster = written ?? releaseTarget?.cluster?.literal ?? context.cluster ?? release.cluster
        let probe = try probe(definition, release, variables: variables(naming: release, cluster: cluster))
        let during = try call[.during].map { (word) throws(StepFailure) in try duration(word) }
        if mode == .plan {
            let how = during.map { "every \(DurationText.format(definition.interval)) for \(DurationText.format($0))" } ?? "once"
            return .planned("measures \(definition.name) \(how): \(definition.asking(probe.query))")
        }
        try requireSource(of: definition)
        // Once, one measurement decides; for a while, the analysis's limits do.
        let tally = during == nil ? AnalysisTally(failureLimit: 1, inconclusiveLimit: 1) : definition.tally
        let emit = emit
        let (failure, measured) = await Self.measure(probe, tally, until: ContinuousClock.now + (during ?? .zero), with: sources) {
            emit(.measured(info, $0, decided: $1))
        }
        if Task.isCancelled { throw StepFailure(.interrupted, "interrupted while measuring \(definition.name)") }
        guard let failure else { return .verified(release: probe.release, tally: measured, dryRunFailure: nil) }
        if definition.spec.dryRun { return .verified(release: probe.release, tally: measured, dryRunFailure: failure) }
        throw StepFailure(.analysisFailed, failure)
    }
}
