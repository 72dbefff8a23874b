import OpenAPIRuntime

extension AutopilotClient {
    /// The releases of a cluster, optionally of one namespace or chart.
    public func releases(in cluster: String, namespace: String? = nil, chart: String? = nil) async throws(AutopilotError)
        -> [Release]
    {
        let output = try await call("ListAutopilotReleases") {
            try await api.listAutopilotReleases(path: .init(clusterId: cluster), query: .init(chartId: chart, namespace: namespace))
        }
        switch output {
        case .ok(let ok): return try decode { try ok.body.json.map(Release.init(wire:)) }
        case .default(let status, _): throw unexpected("ListAutopilotReleases", status: status)
        }
    }

    /// One release, as it is now.
    public func release(_ name: String, in namespace: String, cluster: String, showResources: Bool = false)
        async throws(AutopilotError) -> Release
    {
        let output = try await call("ShowAutopilotRelease") {
            try await api.showAutopilotRelease(
                path: .init(clusterId: cluster, namespace: namespace, name: name),
                query: .init(showResources: showResources ? "true" : nil))
        }
        switch output {
        case .ok(let ok): return try decode { try Release(wire: ok.body.json) }
        case .default(let status, _): throw unexpected("ShowAutopilotRelease", status: status)
        }
    }

    /// Every version of a release, as the service orders them.
    public func history(of name: String, in namespace: String, cluster: String) async throws(AutopilotError) -> [Release] {
        let output = try await call("ShowAutopilotReleaseHistory") {
            try await api.showAutopilotReleaseHistory(path: .init(clusterId: cluster, namespace: namespace, name: name))
        }
        switch output {
        case .ok(let ok): return try decode { try ok.body.json.map(Release.init(wire:)) }
        case .default(let status, _): throw unexpected("ShowAutopilotReleaseHistory", status: status)
        }
    }

    /// Installs a chart as a new release; the release as answered, with the call's request id.
    public func install(
        release name: String, in namespace: String, cluster: String, chart: String, chartVersion: String,
        values: ReleaseValues = ReleaseValues(), parameters: ReleaseParameters? = nil, description: String? = nil
    ) async throws(AutopilotError) -> Answered<Release> {
        try await applyingChange("install", release: name, in: namespace, cluster: cluster) { () async throws(AutopilotError) in
            let body = Components.Schemas.CreateReleaseReqBody(
                chartId: chart, description: description, name: name, namespace: namespace, version: chartVersion,
                parameters: parameters.map(Components.Schemas.ReleaseReqBodyParams.init), values: .init(values))
            let output = try await call("CreateAutopilotRelease") {
                try await api.createAutopilotRelease(path: .init(clusterId: cluster), body: .json(body))
            }
            switch output {
            case .created(let created):
                return Answered(try decode { try Release(wire: created.body.json) }, requestID: created.headers.xRequestId)
            case .default(let status, _): throw unexpected("CreateAutopilotRelease", status: status)
            }
        }
    }

    /// Upgrades a release: a new version with these values merged over the last ones (or over the
    /// chart's, with `resetValues`).
    public func upgrade(
        release name: String, in namespace: String, cluster: String, chart: String,
        values: ReleaseValues = ReleaseValues(), parameters: ReleaseParameters = ReleaseParameters()
    ) async throws(AutopilotError) -> Answered<Release> {
        try await update(release: name, in: namespace, cluster: cluster, action: .upgrade, chart: chart, values: values, parameters: parameters)
    }

    /// Rolls a release back: a new version with the chart and values of version `version`.
    public func rollback(
        release name: String, in namespace: String, cluster: String, chart: String, to version: Int,
        parameters: ReleaseParameters = ReleaseParameters()
    ) async throws(AutopilotError) -> Answered<Release> {
        var parameters = parameters
        parameters.releaseVersion = version
        return try await update(release: name, in: namespace, cluster: cluster, action: .rollback, chart: chart, values: ReleaseValues(), parameters: parameters)
    }

    /// The update call itself (`PUT ... action=upgrade|rollback`).
    public func update(
        release name: String, in namespace: String, cluster: String, action: ReleaseAction, chart: String,
        values: ReleaseValues, parameters: ReleaseParameters
    ) async throws(AutopilotError) -> Answered<Release> {
        try await applyingChange(action.rawValue, release: name, in: namespace, cluster: cluster) { () async throws(AutopilotError) in
            let body = Components.Schemas.UpdateReleaseReqBody(
                chartId: chart, action: action.rawValue, parameters: .init(parameters), values: .init(values))
            let output = try await call("UpdateAutopilotRelease") {
                try await api.updateAutopilotRelease(
                    path: .init(clusterId: cluster, namespace: namespace, name: name), query: .init(), body: .json(body))
            }
            switch output {
            case .ok(let ok): return Answered(try decode { try Release(wire: ok.body.json) }, requestID: ok.headers.xRequestId)
            case .default(let status, _): throw unexpected("UpdateAutopilotRelease", status: status)
            }
        }
    }

    /// Deletes a release; the answer carries the call's request id.
    @discardableResult
    public func uninstall(release name: String, in namespace: String, cluster: String) async throws(AutopilotError) -> Answered<Void> {
        try await applyingChange("uninstall", release: name, in: namespace, cluster: cluster) { () async throws(AutopilotError) in
            let output = try await call("DeleteAutopilotRelease") {
                try await api.deleteAutopilotRelease(path: .init(clusterId: cluster, namespace: namespace, name: name), query: .init())
            }
            switch output {
            case .ok(let ok): return Answered((), requestID: ok.headers.xRequestId)
            case .default(let status, _): throw unexpected("DeleteAutopilotRelease", status: status)
            }
        }
    }

    /// Runs a change; when it may or may not have been applied (a reset, a read timeout, a garbled
    /// answer, a 5xx other than 503), it is not sent again here: the release is read back and reported
    /// instead, for the caller to judge.
    func applyingChange<T>(
        _ action: String, release name: String, in namespace: String, cluster: String,
        _ change: () async throws(AutopilotError) -> T
    ) async throws(AutopilotError) -> T {
        do {
            return try await change()
        } catch {
            let ambiguous =
                (error.kind == .transport && !(error.transportFailure?.requestNeverSent ?? false))
                || (error.kind == .invalidResponse && (error.httpStatus ?? 0) < 300) || error.mayHaveApplied
            guard ambiguous, !Task.isCancelled else { throw error }
            let readBack = try? await release(name, in: namespace, cluster: cluster)
            throw AutopilotError(
                kind: .outcomeUnknown, httpStatus: error.httpStatus,
                message: "\(action) of \(name) in \(namespace): \(error.description); it was not sent again",
                requestID: error.requestID, transportFailure: error.transportFailure, readBack: readBack)
        }
    }

    func decode<T>(_ body: () throws -> T) throws(AutopilotError) -> T {
        do {
            return try body()
        } catch let error as AutopilotError {
            throw error
        } catch {
            throw AutopilotError(kind: .invalidResponse, message: "unexpected answer: \(Self.describe(error))")
        }
    }
}
