import Hummingbird

/// `GET /metrics`: what every emulated release serves, in Prometheus' text format, for a Prometheus
/// server to scrape and analyses to query (`ReleaseTraffic` says how a tag behaves). Like the control
/// endpoint it needs no signature and takes no faults: it stands for the cluster's own monitoring.
///
/// The text is written here rather than through a metrics library: the values are worked out from
/// the releases at each scrape, not counted as requests happen.
enum MetricsRoutes {
    static let path = "/metrics"

    static func register<Context: RequestContext>(on router: Router<Context>, store: EmulatorStore) {
        router.get(RouterPath(path)) { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: .init(string: exposition(store.traffic()))))
        }
    }

    /// The exposition of every release's requests by status code and their latency histogram.
    static func exposition(_ releases: [(cluster: EmulatedCluster, release: StoredRelease, traffic: ReleaseTraffic)]) -> String {
        var requests = [
            "# HELP http_requests_total Requests an emulated release answered, by status code.",
            "# TYPE http_requests_total counter",
        ]
        var latency = [
            "# HELP http_request_duration_seconds How long an emulated release took to answer.",
            "# TYPE http_request_duration_seconds histogram",
        ]
        let bounds = ReleaseTraffic.buckets.map { "\($0)" } + ["+Inf"]
        for (cluster, release, traffic) in releases {
            let labels = #"cluster="\#(cluster.name)",cluster_id="\#(cluster.id)",namespace="\#(release.namespace)",release="\#(release.name)""#
            requests.append(#"http_requests_total{\#(labels),code="200"} \#(traffic.ok)"#)
            requests.append(#"http_requests_total{\#(labels),code="500"} \#(traffic.errors)"#)
            var cumulative = 0
            for (bound, count) in zip(bounds, traffic.perBucket) {
                cumulative += count
                latency.append(#"http_request_duration_seconds_bucket{\#(labels),le="\#(bound)"} \#(cumulative)"#)
            }
            latency.append("http_request_duration_seconds_sum{\(labels)} \(traffic.latencySum)")
            latency.append("http_request_duration_seconds_count{\(labels)} \(traffic.total)")
        }
        return (requests + latency).joined(separator: "\n") + "\n"
    }
}
