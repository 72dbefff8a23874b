import AutopilotModels
import RolloutSyntax

/// Where a statement's release lives, fully resolved.
struct ResolvedRelease {
    var name: String
    var namespace: String
    var cluster: String

    var key: String { "\(cluster)/\(namespace)/\(name)" }
}

extension Interpreter {
    /// Runs one statement.
    func perform(_ kind: StatementKind, _ info: StepInfo) async throws(StepFailure) -> StepResult {
        switch kind {
        case .use(.cluster, let word):
            context.cluster = try expand(word)
            releaseTarget = nil
            return .message("using cluster \(context.cluster!)")
        case .use(.namespace, let word):
            context.namespace = try expand(word)
            context.namespaceChosen = true
            releaseTarget = nil
            return .message("using namespace \(context.namespace)")
        case .use(.release, let word):
            context.release = try expand(word)
            releaseTarget = nil
            return .message("using release \(context.release!)")
        case .set(let setting):
            return .message(try apply(setting))
        case .assign(let name, let value):
            let text = try expand(value)
            if SecretKeys.isSecret(name) { SecretValues.known.insert(text) }
            context.variables[name] = text
            return .message("\(name) set")
        case .call(let statement):
            return try await perform(statement, info)
        case .group(let name, let members):
            return try await defineGroup(name, members, info)
        case .analysis(let name, let spec):
            return try define(analysis: name, spec)
        case .rollout(let group, let plan, let body):
            return try await rollout(group, plan, body, info)
        }
    }

    /// Runs a statement read by its form's slots.
    private func perform(_ statement: Call, _ info: StepInfo) async throws(StepFailure) -> StepResult {
        switch statement.keyword {
        case .upgrade:
            return try await upgrade(try resolve(statement), onlyIfChanged: statement.has(.ifChanged), info)
        case .rollback:
            let version = try statement[.version].map { (word) throws(StepFailure) -> Int in try self.version(word) }
            return try await rollback(try resolve(statement), to: version, info)
        case .install:
            return try await install(try resolve(statement), chart: try expand(statement[.chart]), info)
        case .uninstall:
            return try await uninstall(try resolve(statement), info)
        case .show, .status:
            let resolved = try resolve(statement)
            let release = try await call { () async throws(AutopilotError) in
                try await api.release(resolved.name, in: resolved.namespace, cluster: resolved.cluster, showResources: false)
            }
            return statement.keyword == .show ? .release(release) : .status(release)
        case .list:
            let cluster = try clusterID(statement[.cluster])
            let namespace = try statement[.namespace].map { (word) throws(StepFailure) -> String in try expand(word) }
                ?? (context.namespaceChosen ? context.namespace : nil)
            return .releases(try await call { () async throws(AutopilotError) in try await api.releases(in: cluster, namespace: namespace, chart: nil) })
        case .history:
            let resolved = try resolve(statement)
            let versions = try await call { () async throws(AutopilotError) in
                try await api.history(of: resolved.name, in: resolved.namespace, cluster: resolved.cluster)
            }
            return .history(release: resolved.name, versions: versions.sorted { $0.version < $1.version })
        case .diff:
            return try await diff(try resolve(statement), from: statement[.from], to: statement[.to])
        case .charts:
            let charts = try await call { () async throws(AutopilotError) in try await api.charts() }
            chartCache = charts
            return .charts(charts)
        case .chart:
            let id = try await chartID(named: try expand(statement[.chart]))
            return .chart(try await call { () async throws(AutopilotError) in try await api.chart(id) })
        case .values:
            let id = try await chartID(named: try expand(statement[.chart]))
            return .values(chart: id, values: try await call { () async throws(AutopilotError) in try await api.chartValues(id) })
        case .wait:
            let text = try expand(statement[.status])
            guard let goal = WaitStatus(spelling: text) else { throw StepFailure(.invalid, "unknown status '\(text)'") }
            let limit = try statement[.timeout].map { (word) throws(StepFailure) -> Duration in try duration(word) } ?? context.timeout
            return try await wait(for: goal, try resolve(statement), timeout: limit, info)
        case .expect:
            guard let field = ExpectField(rawValue: try expand(statement[.field])), let comparison = Comparison(rawValue: try expand(statement[.comparison]))
            else { throw StepFailure(.invalid, "expect needs a field and a comparison") }
            let path = try statement[.path].map { (word) throws(StepFailure) -> String in try expand(word) }
            return try await expect(field, path: path, comparison, try expand(statement[.value]), try resolve(statement), info)
        case .verify:
            return try await verify(statement, info)
        case .sleep:
            let length = try duration(statement[.duration])
            if mode == .plan { return .planned("no call: sleeps \(DurationText.format(length))") }
            do { try await Task.sleep(for: length) } catch { throw StepFailure(.interrupted, "interrupted while sleeping") }
            return .message("slept \(DurationText.format(length))")
        case .echo:
            // Only the secret part of what is echoed is masked, on its way out.
            return .message(try statement.all(.words).map { (word) throws(StepFailure) -> String in try expand(word) }.joined(separator: " "))
        case .pause:
            let text = try statement[.message].map { (word) throws(StepFailure) -> String in try expand(word) } ?? "Press Enter to go on"
            if mode == .plan { return .planned("no call: waits for Enter") }
            guard await onPause(text) else { throw StepFailure(.aborted, "stopped at the pause") }
            return .none
        case .abort:
            throw StepFailure(.aborted, try statement[.message].map { (word) throws(StepFailure) -> String in try expand(word) } ?? "aborted")
        case .use, .set, .let, .else, .group, .analysis, .rollout:
            throw StepFailure(.invalid, "\(statement.keyword.rawValue) is not read by slots")
        }
    }

    // MARK: Settings

    private func apply(_ setting: Setting) throws(StepFailure) -> String {
        switch setting {
        case .tag(let word):
            context.change.tag = try expand(word)
            return "tag \(context.change.tag!) for the next change"
        case .pullPolicy(let word):
            context.change.pullPolicy = try expand(word)
            return "pull policy \(context.change.pullPolicy!) for the next change"
        case .value(let pathWord, let valueWord):
            let path = try expand(pathWord)
            let value = try expand(valueWord)
            context.change.values.append((path, JSONValue.inferred(from: value)))
            if SecretKeys.isSecret(path) { SecretValues.known.insert(value) }
            // A value too short for `SecretValues` to mask is still hidden here, by its name.
            let shown = SecretKeys.isSecret(path) || valueWord.holdsSecret ? SecretValues.mask : value
            return "\(path) = \(shown) for the next change"
        case .chart(let word):
            context.change.chart = try expand(word)
            return "chart \(context.change.chart!) for the next change"
        case .timeout(let word):
            context.timeout = try duration(word)
            return "waits time out after \(DurationText.format(context.timeout))"
        case .interval(let word):
            context.interval = try duration(word)
            return "waits look every \(DurationText.format(context.interval)) at first"
        case .flag(let flag, let word):
            let text = try expand(word)
            guard let value = Switch(rawValue: text) else { throw StepFailure(.invalid, "\(flag.rawValue) is on or off, not '\(text)'") }
            context.change.flags[flag] = value.isOn
            return "\(flag.rawValue) \(value.isOn ? "on" : "off") for the next change"
        }
    }

    // MARK: Helpers

    /// A required slot's word, expanded (the reader made sure it is there).
    func expand(_ word: Word?) throws(StepFailure) -> String {
        guard let word else { throw StepFailure(.invalid, "a required argument is missing") }
        return try expand(word)
    }

    func expand(_ word: Word) throws(StepFailure) -> String {
        do {
            return try Expander(variables: context.variables, environment: environment, hidingSecrets: mode == .plan).expand(word)
        } catch {
            throw StepFailure(.invalid, "undefined variable '\(error.name)'")
        }
    }

    func duration(_ word: Word?) throws(StepFailure) -> Duration {
        let text = try expand(word)
        guard let duration = DurationText.parse(text) else { throw StepFailure(.invalid, "'\(text)' is not a duration") }
        return duration
    }

    func clusterID(_ word: Word?) throws(StepFailure) -> String {
        let written = try word.map { (word) throws(StepFailure) -> String in try expand(word) } ?? context.cluster
        guard let written else {
            throw StepFailure(.invalid, "no cluster in use: add 'use cluster <id or alias>' or 'on <cluster>'")
        }
        return resolveCluster(written)
    }

    /// The release a call means.
    func resolve(_ call: Call) throws(StepFailure) -> ResolvedRelease {
        try resolve(call[.release], call.target ?? Target())
    }

    /// The release a statement means: the one it names, or the one last named (where it was).
    func resolve(_ release: Word?, _ target: Target) throws(StepFailure) -> ResolvedRelease {
        let name: String
        var effective = target
        if let release {
            name = try expand(release)
            context.release = name
            releaseTarget = (target.namespace != nil || target.cluster != nil) ? target : nil
        } else if let last = context.release {
            name = last
            if effective.namespace == nil { effective.namespace = releaseTarget?.namespace }
            if effective.cluster == nil { effective.cluster = releaseTarget?.cluster }
        } else {
            throw StepFailure(.invalid, "no release named: name one or add 'use release <name>'")
        }
        let namespace = try effective.namespace.map { (word) throws(StepFailure) -> String in try expand(word) } ?? context.namespace
        return ResolvedRelease(name: name, namespace: namespace, cluster: try clusterID(effective.cluster))
    }

    /// Runs an API call; its error becomes the step's failure.
    func call<T>(_ body: () async throws(AutopilotError) -> T) async throws(StepFailure) -> T {
        do {
            return try await body()
        } catch {
            throw Self.failure(error)
        }
    }

    static func failure(_ error: AutopilotError) -> StepFailure {
        switch error.kind {
        case .cancelled: return StepFailure(.interrupted, "interrupted; the server may still be working on the request", apiError: error)
        case .outcomeUnknown: return StepFailure(.outcomeUnknown, error.description, apiError: error)
        default: return StepFailure(.api, error.description, apiError: error)
        }
    }
}
