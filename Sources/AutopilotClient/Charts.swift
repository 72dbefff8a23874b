import OpenAPIRuntime

extension AutopilotClient {
    /// The charts of the project.
    public func charts() async throws(AutopilotError) -> [Chart] {
        let output = try await call("ListAutopilotCharts") { try await api.listAutopilotCharts() }
        switch output {
        case .ok(let ok): return try decode { try ok.body.json.map(Chart.init(wire:)) }
        case .default(let status, _): throw unexpected("ListAutopilotCharts", status: status)
        }
    }

    /// One chart.
    public func chart(_ id: String) async throws(AutopilotError) -> Chart {
        let output = try await call("ShowAutopilotChart") { try await api.showAutopilotChart(path: .init(chartId: id)) }
        switch output {
        case .ok(let ok): return try decode { try Chart(wire: ok.body.json) }
        case .default(let status, _): throw unexpected("ShowAutopilotChart", status: status)
        }
    }

    /// Uploads a chart package (`.tgz`) as a multipart form, as Huawei's SDK does.
    public func uploadChart(
        _ package: [UInt8], fileName: String = "chart.tgz", parameters: ChartUploadParameters = ChartUploadParameters()
    ) async throws(AutopilotError) -> Chart {
        let output = try await call("UploadAutopilotChart") {
            try await api.uploadAutopilotChart(body: .multipartForm(Self.form(package, fileName, parameters)))
        }
        switch output {
        case .created(let created): return try decode { try Chart(wire: created.body.json) }
        case .default(let status, _): throw unexpected("UploadAutopilotChart", status: status)
        }
    }

    /// Replaces a chart's package.
    public func updateChart(
        _ id: String, package: [UInt8], fileName: String = "chart.tgz",
        parameters: ChartUploadParameters = ChartUploadParameters()
    ) async throws(AutopilotError) -> Chart {
        let output = try await call("UpdateAutopilotChart") {
            try await api.updateAutopilotChart(path: .init(chartId: id), body: .multipartForm(Self.form(package, fileName, parameters)))
        }
        switch output {
        case .ok(let ok): return try decode { try Chart(wire: ok.body.json) }
        case .default(let status, _): throw unexpected("UpdateAutopilotChart", status: status)
        }
    }

    /// Deletes a chart.
    public func deleteChart(_ id: String) async throws(AutopilotError) {
        let output = try await call("DeleteAutopilotChart") { try await api.deleteAutopilotChart(path: .init(chartId: id)) }
        if case .default(let status, _) = output { throw unexpected("DeleteAutopilotChart", status: status) }
    }

    /// The chart package, the bytes that were uploaded.
    public func downloadChart(_ id: String) async throws(AutopilotError) -> [UInt8] {
        try await call("DownloadAutopilotChart") {
            let output = try await api.downloadAutopilotChart(path: .init(chartId: id))
            switch output {
            case .ok(let ok): return try await ok.body.binary.collectAnswer(limit: configuration.answerLimit)
            case .default(let status, _): throw unexpected("DownloadAutopilotChart", status: status)
            }
        }
    }

    /// The chart's default values (its values.yaml).
    public func chartValues(_ id: String) async throws(AutopilotError) -> JSONValue {
        let output = try await call("ShowAutopilotChartValues") { try await api.showAutopilotChartValues(path: .init(chartId: id)) }
        switch output {
        case .ok(let ok):
            return try decode { try JSONValue(container: ok.body.json.values?.additionalProperties) }
        case .default(let status, _): throw unexpected("ShowAutopilotChartValues", status: status)
        }
    }

    /// The project's chart quotas; needs a project id in the credentials.
    public func chartQuotas() async throws(AutopilotError) -> [ChartQuota] {
        let project = try await projectID(for: "chart quotas need")
        let output = try await call("ShowAutopilotUserChartsQuotas") {
            try await api.showAutopilotUserChartsQuotas(path: .init(projectId: project))
        }
        switch output {
        case .ok(let ok):
            return try decode {
                (try ok.body.json.quotas?.resources ?? []).map {
                    ChartQuota(type: $0._type ?? "", quota: $0.quota ?? 0, used: $0.used ?? 0)
                }
            }
        case .default(let status, _): throw unexpected("ShowAutopilotUserChartsQuotas", status: status)
        }
    }

    private static func form(_ package: [UInt8], _ fileName: String, _ parameters: ChartUploadParameters)
        -> MultipartBody<Components.Schemas.ChartUploadForm>
    {
        [
            .parameters(.init(payload: .init(body: HTTPBody(parameters.jsonText)))),
            .content(.init(payload: .init(body: HTTPBody(package)), filename: fileName)),
        ]
    }
}
