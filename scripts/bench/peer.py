"""The Python peer of scripts/bench: Huawei's own SDK (huaweicloudsdkcce) making the same calls."""
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

os.environ.setdefault("HOME", tempfile.mkdtemp(prefix="bench-home-"))
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcce.v3 import CceClient  # noqa: E402
import huaweicloudsdkcce.v3 as cce  # noqa: E402

DEMO = "a870253f-5dc7-11ee-bf71-0255ac100b03"
REDIS = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"


def client(url):
    credentials = BasicCredentials("ROLLOUTEMULATORAK001", "rollout-emulator-local-secret", "0123456789abcdef0123456789abcdef")
    return CceClient.new_builder().with_credentials(credentials).with_endpoint(url).build()


def show(api, name="testwww", namespace="monitoring"):
    return api.show_autopilot_release(cce.ShowAutopilotReleaseRequest(cluster_id=DEMO, namespace=namespace, name=name))


def main():
    mode, url = sys.argv[1], sys.argv[2]
    api = client(url)
    if mode == "show":
        show(api)
    elif mode == "latency":
        count = int(sys.argv[3])
        show(api)
        start = time.perf_counter()
        for _ in range(count):
            show(api)
        total = time.perf_counter() - start
        print(json.dumps({"seconds": total, "per_call_ms": total * 1000 / count}))
    elif mode == "fleet":
        releases, concurrency = int(sys.argv[3]), int(sys.argv[4])

        def upgrade(index):
            name = f"svc-{index}"
            upgraded = api.update_autopilot_release(cce.UpdateAutopilotReleaseRequest(
                cluster_id=DEMO, namespace="default", name=name, body=cce.UpdateReleaseReqBody(
                    chart_id=REDIS, action="upgrade", parameters=cce.ReleaseReqBodyParams(),
                    values=cce.CreateReleaseReqBodyValues(image_tag="peer"))))
            while True:
                time.sleep(0.02)
                now = show(api, name, "default")
                if now.version >= upgraded.version and now.status == "DEPLOYED":
                    return

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(upgrade, range(releases)))
        print(json.dumps({"seconds": time.perf_counter() - start}))
    elif mode == "fleet-waves":
        fleet_waves(api, *sys.argv[3:])


def fleet_waves(api, clusters, parallel, interval, tag):
    """What scripts/bench's fleet rollout does, with the SDK and a thread pool: read every shop-web release
    of the emulator's fleet, then upgrade them in waves of 1, 10% and the rest, `parallel` at a time,
    each waited to DEPLOYED (looked at every `interval` seconds, the first an interval after the change)."""
    clusters, parallel, interval = int(clusters), int(parallel), float(interval)
    ids = ["e0000000-0000-4000-8000-%012d" % n for n in range(1, clusters + 1)]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        lists = list(pool.map(lambda cluster: api.list_autopilot_releases(
            cce.ListAutopilotReleasesRequest(cluster_id=cluster, namespace="web")).body, ids))
        members = [(cluster, release.name) for cluster, found in zip(ids, lists) for release in found if release.chart_name == "shop-web"]
        charts = api.list_autopilot_charts(cce.ListAutopilotChartsRequest()).body

        def member(target):
            cluster, name = target
            now = api.show_autopilot_release(cce.ShowAutopilotReleaseRequest(cluster_id=cluster, namespace="web", name=name))
            chart = next(c.id for c in charts if c.name == now.chart_name and c.version == now.chart_version)
            upgraded = api.update_autopilot_release(cce.UpdateAutopilotReleaseRequest(
                cluster_id=cluster, namespace="web", name=name, body=cce.UpdateReleaseReqBody(
                    chart_id=chart, action="upgrade", parameters=cce.ReleaseReqBodyParams(),
                    values=cce.CreateReleaseReqBodyValues(image_tag=tag))))
            while True:
                time.sleep(interval)
                seen = api.show_autopilot_release(cce.ShowAutopilotReleaseRequest(cluster_id=cluster, namespace="web", name=name))
                if seen.version >= upgraded.version and seen.status == "DEPLOYED":
                    return
                if seen.status == "FAILED":
                    raise RuntimeError(f"{name} failed")

        first, tenth = 1, -(-len(members) // 10)
        for wave in (members[:first], members[first:first + tenth], members[first + tenth:]):
            list(pool.map(member, wave))
    print(json.dumps({"seconds": time.perf_counter() - start, "members": len(members)}))


if __name__ == "__main__":
    main()
