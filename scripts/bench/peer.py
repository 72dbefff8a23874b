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


if __name__ == "__main__":
    main()
