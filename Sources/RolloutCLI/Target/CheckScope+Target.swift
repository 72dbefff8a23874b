import RolloutRuntime
import RolloutSyntax

extension TargetChoice {
    /// What the checker may assume where a script starts: the context, the environment, this
    /// target's fleets, and how gates are answered.
    func checkScope(_ context: RunContext, environment: [String: String], gates: GateAnswers = .asked, awaitsApprovals: Bool = false) -> CheckScope {
        var scope = context.checkScope(environment: environment)
        scope.fleets = fleets
        scope.gates = gates
        scope.awaitsApprovals = awaitsApprovals
        // On the cloud a cluster may go by a name only the project's cluster list knows.
        scope.clusterAliases = aliasesNameEveryCluster ? Set(clusterAliases.keys) : nil
        return scope
    }
}
