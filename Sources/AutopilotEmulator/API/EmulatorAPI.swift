import AutopilotClient
import Foundation
import OpenAPIRuntime

/// The server side of the OpenAPI document: each operation reads the store and answers in the
/// exact shapes of the real service. Errors are thrown as `EmulatorError`.
struct EmulatorAPI: APIProtocol {
    let store: EmulatorStore

    func listAutopilotReleases(_ input: Operations.ListAutopilotReleases.Input) async throws
        -> Operations.ListAutopilotReleases.Output
    {
        let releases = try store.releases(
            cluster: input.path.clusterId, namespace: input.query.namespace, chartID: input.query.chartId)
        return .ok(.init(body: .json(releases.map(\.wire))))
    }

    func createAutopilotRelease(_ input: Operations.CreateAutopilotRelease.Input) async throws
        -> Operations.CreateAutopilotRelease.Output
    {
        guard case .json(let body) = input.body else { throw EmulatorError.badRequest("Expected a JSON body") }
        let release = try store.create(
            cluster: input.path.clusterId,
            CreateRequest(
                chartID: body.chartId, name: body.name, namespace: body.namespace, chartVersion: body.version,
                description: body.description, values: ReleaseValues(wire: body.values),
                parameters: ReleaseParameters(wire: body.parameters)))
        return .created(.init(body: .json(release.wire)))
    }

    func showAutopilotRelease(_ input: Operations.ShowAutopilotRelease.Input) async throws
        -> Operations.ShowAutopilotRelease.Output
    {
        let path = input.path
        let release = try store.release(cluster: path.clusterId, namespace: path.namespace, name: path.name)
        return .ok(.init(body: .json(release.wire)))
    }

    func updateAutopilotRelease(_ input: Operations.UpdateAutopilotRelease.Input) async throws
        -> Operations.UpdateAutopilotRelease.Output
    {
        guard case .json(let body) = input.body else { throw EmulatorError.badRequest("Expected a JSON body") }
        let path = input.path
        let release = try store.update(
            cluster: path.clusterId, namespace: path.namespace, name: path.name,
            UpdateRequest(
                chartID: body.chartId, action: body.action, values: ReleaseValues(wire: body.values),
                parameters: ReleaseParameters(wire: body.parameters)))
        return .ok(.init(body: .json(release.wire)))
    }

    func deleteAutopilotRelease(_ input: Operations.DeleteAutopilotRelease.Input) async throws
        -> Operations.DeleteAutopilotRelease.Output
    {
        let path = input.path
        try store.delete(cluster: path.clusterId, namespace: path.namespace, name: path.name)
        return .ok(.init())
    }

    func showAutopilotReleaseHistory(_ input: Operations.ShowAutopilotReleaseHistory.Input) async throws
        -> Operations.ShowAutopilotReleaseHistory.Output
    {
        let path = input.path
        let versions = try store.history(cluster: path.clusterId, namespace: path.namespace, name: path.name)
        return .ok(.init(body: .json(versions.map(\.wire))))
    }

    func listAutopilotCharts(_ input: Operations.ListAutopilotCharts.Input) async throws
        -> Operations.ListAutopilotCharts.Output
    {
        .ok(.init(body: .json(store.charts().map(\.wire))))
    }

    func uploadAutopilotChart(_ input: Operations.UploadAutopilotChart.Input) async throws
        -> Operations.UploadAutopilotChart.Output
    {
        guard case .multipartForm(let form) = input.body else { throw EmulatorError.badRequest("Expected a multipart form") }
        let (package, parameters) = try await Self.read(form)
        return .created(.init(body: .json(try store.uploadChart(package, parameters: parameters).wire)))
    }

    func showAutopilotChart(_ input: Operations.ShowAutopilotChart.Input) async throws
        -> Operations.ShowAutopilotChart.Output
    {
        .ok(.init(body: .json(try store.chart(id: input.path.chartId).wire)))
    }

    func updateAutopilotChart(_ input: Operations.UpdateAutopilotChart.Input) async throws
        -> Operations.UpdateAutopilotChart.Output
    {
        guard case .multipartForm(let form) = input.body else { throw EmulatorError.badRequest("Expected a multipart form") }
        let (package, parameters) = try await Self.read(form)
        return .ok(.init(body: .json(try store.uploadChart(package, parameters: parameters, id: input.path.chartId).wire)))
    }

    func deleteAutopilotChart(_ input: Operations.DeleteAutopilotChart.Input) async throws
        -> Operations.DeleteAutopilotChart.Output
    {
        try store.deleteChart(id: input.path.chartId)
        return .ok(.init())
    }

    func downloadAutopilotChart(_ input: Operations.DownloadAutopilotChart.Input) async throws
        -> Operations.DownloadAutopilotChart.Output
    {
        .ok(.init(body: .binary(HTTPBody(try store.chartPackage(id: input.path.chartId)))))
    }

    func showAutopilotChartValues(_ input: Operations.ShowAutopilotChartValues.Input) async throws
        -> Operations.ShowAutopilotChartValues.Output
    {
        let values = try store.chart(id: input.path.chartId).values
        return .ok(.init(body: .json(.init(values: .init(additionalProperties: try values.objectContainer)))))
    }

    func listAutopilotClusters(_ input: Operations.ListAutopilotClusters.Input) async throws
        -> Operations.ListAutopilotClusters.Output
    {
        let items = store.clusterList().map { cluster in
            Components.Schemas.ClusterResp(
                kind: "Cluster", apiVersion: "v3",
                metadata: .init(name: cluster.name, uid: cluster.id, alias: cluster.name, creationTimestamp: "2026-01-01 00:00:00.000000 +0000 UTC"),
                spec: .init(category: "Turbo", _type: "VirtualMachine", flavor: "cce.autopilot.cluster", version: "v1.31", description: ""),
                status: .init(phase: "Available"))
        }
        return .ok(.init(body: .json(.init(kind: "Cluster", apiVersion: "v3", items: items))))
    }

    func showAutopilotUserChartsQuotas(_ input: Operations.ShowAutopilotUserChartsQuotas.Input) async throws
        -> Operations.ShowAutopilotUserChartsQuotas.Output
    {
        let used = store.chartCount()
        let quota = Components.Schemas.QuotaResource(_type: "Charts", quota: EmulatorSettings.chartQuota, used: used)
        return .ok(.init(body: .json(.init(quotas: .init(resources: [quota])))))
    }

    /// The package bytes and the parsed `parameters` field of an upload form.
    private static func read(_ form: MultipartBody<Components.Schemas.ChartUploadForm>) async throws
        -> ([UInt8], ChartFormParameters)
    {
        var package: [UInt8]?
        var parameters = ChartFormParameters()
        for try await part in form {
            switch part {
            case .parameters(let field):
                let text = try await String(collecting: field.payload.body, upTo: 64 << 10)
                guard !text.isEmpty else { continue }
                guard case .object(let object)? = try? JSONValue.parse(text) else {
                    throw EmulatorError.badRequest("The parameters field is not a JSON object")
                }
                if case .bool(let value)? = object["override"] { parameters.override = value }
                if case .bool(let value)? = object["visible"] { parameters.visible = value }
                if case .string(let value)? = object["source"] { parameters.source = value }
            case .content(let file):
                package = try await [UInt8](collecting: file.payload.body, upTo: EmulatorLimits.maxBody)
            case .undocumented:
                continue
            }
        }
        guard let package else { throw EmulatorError.badRequest("The form has no content (the chart package)") }
        return (package, parameters)
    }
}

/// Sizes the emulator refuses past.
enum EmulatorLimits {
    /// The largest request body, 20 MiB (a 413 past it).
    static let maxBody = 20 << 20
}
