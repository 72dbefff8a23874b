import AutopilotModels
import RolloutSyntax

extension Interpreter {
    /// A release that is not in the namespace the statement looked in but in exactly one other
    /// namespace of the cluster: the failure says where, with the statement to type. A typo or a
    /// release in several namespaces keeps the service's answer as it is.
    func locatedElsewhere(_ failure: StepFailure, _ kind: StatementKind) async -> StepFailure {
        guard mode == .run, failure.apiError?.isNotFound == true, kind.keyword.needsRelease, var moved = kind.call,
            kind.release != nil || context.release != nil
        else { return failure }
        guard let target = kind.target, let resolved = try? resolve(kind.release, target),
            let releases = try? await api.releases(in: resolved.cluster, namespace: nil, chart: nil)
        else { return failure }
        let elsewhere = Set(releases.filter { $0.name == resolved.name && $0.namespace != resolved.namespace }.map(\.namespace))
        guard elsewhere.count == 1, let namespace = elsewhere.first else { return failure }
        // The statement to type is this one, every argument kept, named and placed where the release is.
        moved[.release] = Word(resolved.name)
        moved[.namespace] = Word(namespace)
        var located = failure
        located.message += "; \(resolved.name) is in namespace \(namespace): \(ScriptPrinter.print(.call(moved)))"
        return located
    }
}
