import AutopilotClient

/// What a fresh emulator holds, so a new user has releases to explore at once: the reference
/// example (`testwww` in `monitoring`, chart `magento-mysql` 1.0.0) and a few more.
public enum DemoData {
    /// The demo cluster's id (the one of Huawei's example).
    public static let demoClusterID = "a870253f-5dc7-11ee-bf71-0255ac100b03"
    /// The staging cluster's id.
    public static let stagingClusterID = "3c0d4e5f-6a7b-11ee-8c9d-0255ac100b07"
    /// The magento-mysql chart's id (the one of Huawei's example).
    public static let magentoChartID = "af4b699e-018c-11ec-b8b0-0255ac100b05"
    /// The shop-web chart's id.
    public static let shopWebChartID = "5d1c0f3a-7b2e-4c1d-9a8e-3f2b1c0d4e5f"
    /// The redis chart's id.
    public static let redisChartID = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"

    /// The emulator's clusters, by name: `demo` and `staging`.
    public static let clusters = [
        EmulatedCluster(id: demoClusterID, name: "demo", namespaces: ["default", "monitoring", "shop", "kube-system"]),
        EmulatedCluster(id: stagingClusterID, name: "staging", namespaces: ["default", "shop"]),
    ]

    /// The cluster a run on the embedded emulator starts in, so a newcomer's first `list` shows releases.
    public static let startCluster = "demo"

    /// Cluster aliases a client may use for the emulator: name → id.
    public static let clusterAliases = Dictionary(uniqueKeysWithValues: clusters.map { ($0.name, $0.id) })

    static let magentoValues: JSONValue = .object([
        "basic": .object([
            "admin_password": "******", "admin_username": "username", "app_name": "magento",
            "mysql_database": "magento", "mysql_name": "mysql", "mysql_password": "******", "mysql_port": 3306,
            "mysql_root_password": "******", "mysql_user": "magento", "storage_class": "csi-nas",
            "storage_mode": "ReadWriteMany", "storage_size": "10G",
        ]),
        "global": .object(["magento_EIP": "100.100.100.100", "magento_EPORT": 32080, "namespace": "default"]),
        "image": .object([
            "magento_image": "example.com/everest/magento:latest", "mysql_image": "example.com/everest/mysql:5.7.14",
        ]),
        "imagePullPolicy": "IfNotPresent",
        "imageTag": "latest",
    ])

    static let shopWebValues: JSONValue = .object([
        "imagePullPolicy": "IfNotPresent", "imageTag": "2.1.0", "replicas": 3,
        "resources": .object(["cpu": "500m", "memory": "512Mi"]),
    ])

    static let redisValues: JSONValue = .object([
        "imagePullPolicy": "IfNotPresent", "imageTag": "7.2.4",
        "auth": .object(["password": "******"]), "persistence": .object(["size": "8Gi"]),
    ])

    static func charts(at now: Double) -> [StoredChart] {
        [
            chart(magentoChartID, "magento-mysql", "1.0.0", "Magento with a MySQL database", magentoValues, now - 30 * 86400),
            chart(shopWebChartID, "shop-web", "2.1.0", "The shop's web tier", shopWebValues, now - 20 * 86400),
            chart(redisChartID, "redis", "7.2.4", "Redis cache", redisValues, now - 10 * 86400),
        ]
    }

    static func releases(at now: Double) -> [StoredRelease] {
        let day = 86400.0
        func version(
            _ n: Int, _ chart: String, _ name: String, _ chartVersion: String, _ values: JSONValue, _ status: String,
            _ description: String, _ at: Double
        ) -> StoredVersion {
            StoredVersion(
                version: n, chartID: chart, chartName: name, chartVersion: chartVersion, values: values,
                parameters: .object([:]), description: description,
                pendingStatus: n == 1 ? "PENDING_INSTALL" : "PENDING_UPGRADE", finalStatus: status, readyAt: at + 2,
                updatedAt: at)
        }
        let magento = { (tag: String) in magentoValues.setting(path: "imageTag", to: .string(tag)) }
        let shop = { (tag: String) in shopWebValues.setting(path: "imageTag", to: .string(tag)) }
        return [
            StoredRelease(
                clusterID: demoClusterID, namespace: "monitoring", name: "testwww", createdAt: now - 3 * day,
                versions: [
                    version(1, magentoChartID, "magento-mysql", "1.0.0", magento("v1"), "DEPLOYED", "Install complete", now - 3 * day),
                    version(2, magentoChartID, "magento-mysql", "1.0.0", magento("v2"), "FAILED", "Upgrade failed: the new pods did not become ready", now - 2 * day),
                    version(3, magentoChartID, "magento-mysql", "1.0.0", magento("v1"), "DEPLOYED", "Rollback to 1", now - 2 * day + 600),
                ]),
            StoredRelease(
                clusterID: demoClusterID, namespace: "shop", name: "shop-web", createdAt: now - 5 * day,
                versions: [
                    version(1, shopWebChartID, "shop-web", "2.1.0", shop("2.0.0"), "DEPLOYED", "Install complete", now - 5 * day),
                    version(2, shopWebChartID, "shop-web", "2.1.0", shop("2.1.0"), "DEPLOYED", "Upgrade complete", now - 1 * day),
                ]),
            StoredRelease(
                clusterID: demoClusterID, namespace: "default", name: "redis-cache", createdAt: now - 9 * day,
                versions: [
                    version(1, redisChartID, "redis", "7.2.4", redisValues, "DEPLOYED", "Install complete", now - 9 * day)
                ]),
            StoredRelease(
                clusterID: stagingClusterID, namespace: "shop", name: "shop-web", createdAt: now - 2 * day,
                versions: [
                    version(1, shopWebChartID, "shop-web", "2.1.0", shop("2.2.0-rc1"), "DEPLOYED", "Install complete", now - 2 * day)
                ]),
        ]
    }

    private static func chart(
        _ id: String, _ name: String, _ version: String, _ description: String, _ values: JSONValue, _ at: Double
    ) -> StoredChart {
        StoredChart(
            id: id, name: name, version: version, values: values, description: description, source: "package",
            isPublic: false, createdAt: at, updatedAt: at,
            package: ChartPackage.make(name: name, version: version, description: description, values: values))
    }
}

