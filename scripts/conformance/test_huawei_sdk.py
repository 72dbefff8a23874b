"""Huawei's official Python SDK (huaweicloudsdkcce) against the rollout emulator.

Every one of the 14 Autopilot release and chart operations, and the listing of the project's
clusters, goes through CceClient with only the endpoint overridden, and each result must parse
with the values the emulator holds. A client with
a wrong secret key must be refused.
"""
import io
import json
import os
import subprocess
import tarfile
import tempfile
import time

import pytest

AK = "ROLLOUTEMULATORAK001"
SK = "rollout-emulator-local-secret"
PROJECT = "0123456789abcdef0123456789abcdef"
DEMO = "a870253f-5dc7-11ee-bf71-0255ac100b03"
MAGENTO = "af4b699e-018c-11ec-b8b0-0255ac100b05"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("ROLLOUT_BIN", os.path.join(ROOT, ".build", "debug", "rollout"))

# Importing the SDK writes $HOME/.huaweicloud/application_id: keep it out of the real home.
os.environ["HOME"] = tempfile.mkdtemp(prefix="sdk-home-")

from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.exceptions import exceptions  # noqa: E402
from huaweicloudsdkcore.http.formdata import FormFile  # noqa: E402
from huaweicloudsdkcce.v3 import *  # noqa: E402,F401,F403
from huaweicloudsdkcce.v3 import CceClient  # noqa: E402
import huaweicloudsdkcce.v3 as cce  # noqa: E402


@pytest.fixture(scope="module")
def endpoint():
    process = subprocess.Popen(
        [BINARY, "emulator", "--port", "0", "--deploy-time", "200ms"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first = process.stdout.readline().strip()
    assert first.startswith("rollout emulator listening on "), first
    yield first.rsplit(" ", 1)[1]
    process.terminate()
    process.wait(timeout=10)


def client_for(endpoint, sk=SK):
    return CceClient.new_builder() \
        .with_credentials(BasicCredentials(AK, sk, PROJECT)) \
        .with_endpoint(endpoint).build()


def chart_package(name, version, tag):
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as archive:
        for path, text in [
            (f"{name}/Chart.yaml", f"apiVersion: v2\nname: {name}\nversion: {version}\n"),
            (f"{name}/values.yaml", f"imageTag: {tag}\nbasic:\n  replicas: 2\n"),
        ]:
            info = tarfile.TarInfo(path)
            info.size = len(text.encode())
            archive.addfile(info, io.BytesIO(text.encode()))
    path = os.path.join(tempfile.mkdtemp(), f"{name}-{version}.tgz")
    with open(path, "wb") as file:
        file.write(data.getvalue())
    return path


def wait_until(client, name, namespace, status):
    for _ in range(50):
        response = client.show_autopilot_release(
            cce.ShowAutopilotReleaseRequest(cluster_id=DEMO, namespace=namespace, name=name))
        if response.status == status:
            return response
        time.sleep(0.1)
    raise AssertionError(f"{name} never reached {status}")


def test_release_reads(endpoint):
    client = client_for(endpoint)
    listed = client.list_autopilot_releases(cce.ListAutopilotReleasesRequest(cluster_id=DEMO))
    assert sorted(r.name for r in listed.body) == ["redis-cache", "shop-web", "testwww"]
    only = client.list_autopilot_releases(cce.ListAutopilotReleasesRequest(cluster_id=DEMO, namespace="monitoring"))
    assert [r.name for r in only.body] == ["testwww"]

    shown = client.show_autopilot_release(
        cce.ShowAutopilotReleaseRequest(cluster_id=DEMO, namespace="monitoring", name="testwww"))
    assert shown.version == 3 and isinstance(shown.version, int)
    assert shown.chart_name == "magento-mysql" and shown.chart_version == "1.0.0"
    assert shown.status == "DEPLOYED"
    assert json.loads(shown.values)["basic"]["storage_size"] == "10G"
    assert shown.chart_public is False

    history = client.show_autopilot_release_history(
        cce.ShowAutopilotReleaseHistoryRequest(cluster_id=DEMO, namespace="monitoring", name="testwww"))
    assert [(v.version, v.status) for v in history.body] == [(1, "DEPLOYED"), (2, "FAILED"), (3, "DEPLOYED")]
    assert history.body[2].description == "Rollback to 1"


def test_the_projects_clusters_list_by_name(endpoint):
    client = client_for(endpoint)
    listed = client.list_autopilot_clusters(cce.ListAutopilotClustersRequest())
    assert listed.kind == "Cluster" and listed.api_version == "v3"
    by_name = {c.metadata.name: c.metadata.uid for c in listed.items}
    assert by_name["demo"] == DEMO
    assert by_name["staging"] == "3c0d4e5f-6a7b-11ee-8c9d-0255ac100b07"
    assert all(c.status.phase == "Available" and c.spec.version for c in listed.items)


def test_charts_and_release_lifecycle(endpoint):
    client = client_for(endpoint)
    package = chart_package("conformance", "1.0.0", "c1")
    uploaded = client.upload_autopilot_chart(cce.UploadAutopilotChartRequest(
        body=cce.UploadAutopilotChartRequestBody(
            parameters=json.dumps({"override": False, "skip_lint": True, "source": "package"}),
            content=FormFile(open(package, "rb")))))
    assert uploaded.name == "conformance" and uploaded.version == "1.0.0"
    chart_id = uploaded.id

    charts = client.list_autopilot_charts(cce.ListAutopilotChartsRequest())
    assert chart_id in [c.id for c in charts.body]
    shown = client.show_autopilot_chart(cce.ShowAutopilotChartRequest(chart_id=chart_id))
    assert shown.name == "conformance" and json.loads(shown.values)["imageTag"] == "c1"
    values = client.show_autopilot_chart_values(cce.ShowAutopilotChartValuesRequest(chart_id=chart_id))
    assert values.values.basic == {"replicas": 2}
    quotas = client.show_autopilot_user_charts_quotas(cce.ShowAutopilotUserChartsQuotasRequest())
    assert quotas.quotas.resources[0].type == "Charts" and quotas.quotas.resources[0].used == 4
    downloaded = client.download_autopilot_chart(cce.DownloadAutopilotChartRequest(chart_id=chart_id))
    received = bytearray()
    downloaded.consume_download_stream(lambda stream: received.extend(stream.content))
    with open(package, "rb") as file:
        assert bytes(received) == file.read()

    created = client.create_autopilot_release(cce.CreateAutopilotReleaseRequest(
        cluster_id=DEMO, body=cce.CreateReleaseReqBody(
            chart_id=chart_id, name="conformance", namespace="default", version="1.0.0",
            description="from the Python SDK",
            values=cce.CreateReleaseReqBodyValues(image_tag="c2", image_pull_policy="Always"))))
    assert created.status == "PENDING_INSTALL" and created.version == 1
    assert json.loads(created.values)["imageTag"] == "c2"
    wait_until(client, "conformance", "default", "DEPLOYED")

    upgraded = client.update_autopilot_release(cce.UpdateAutopilotReleaseRequest(
        cluster_id=DEMO, namespace="default", name="conformance", body=cce.UpdateReleaseReqBody(
            chart_id=chart_id, action="upgrade", parameters=cce.ReleaseReqBodyParams(),
            values=cce.CreateReleaseReqBodyValues(image_tag="c3"))))
    assert upgraded.version == 2 and upgraded.status == "PENDING_UPGRADE"
    wait_until(client, "conformance", "default", "DEPLOYED")

    with pytest.raises(exceptions.ClientRequestException) as refused:
        client.update_autopilot_release(cce.UpdateAutopilotReleaseRequest(
            cluster_id=DEMO, namespace="default", name="conformance", body=cce.UpdateReleaseReqBody(
                chart_id=chart_id, action="rollback", parameters=cce.ReleaseReqBodyParams(release_version=9),
                values=cce.CreateReleaseReqBodyValues())))
    assert refused.value.status_code == 404 and refused.value.error_code == "CCE.01404001"
    assert len(refused.value.request_id) == 32

    rolled = client.update_autopilot_release(cce.UpdateAutopilotReleaseRequest(
        cluster_id=DEMO, namespace="default", name="conformance", body=cce.UpdateReleaseReqBody(
            chart_id=chart_id, action="rollback", parameters=cce.ReleaseReqBodyParams(release_version=1),
            values=cce.CreateReleaseReqBodyValues())))
    assert rolled.version == 3 and rolled.description == "Rollback to 1"
    assert json.loads(rolled.values)["imageTag"] == "c2"
    wait_until(client, "conformance", "default", "DEPLOYED")

    newer = chart_package("conformance", "1.1.0", "c4")
    updated = client.update_autopilot_chart(cce.UpdateAutopilotChartRequest(
        chart_id=chart_id, body=cce.UpdateAutopilotChartRequestBody(content=FormFile(open(newer, "rb")))))
    assert updated.id == chart_id and updated.version == "1.1.0"

    deleted = client.delete_autopilot_release(
        cce.DeleteAutopilotReleaseRequest(cluster_id=DEMO, namespace="default", name="conformance"))
    assert deleted.status_code == 200
    for _ in range(50):
        try:
            client.show_autopilot_release(
                cce.ShowAutopilotReleaseRequest(cluster_id=DEMO, namespace="default", name="conformance"))
            time.sleep(0.1)
        except exceptions.ClientRequestException as gone:
            assert gone.status_code == 404
            break
    removed = client.delete_autopilot_chart(cce.DeleteAutopilotChartRequest(chart_id=chart_id))
    assert removed.status_code == 200


def test_errors_parse_in_the_sdk(endpoint):
    client = client_for(endpoint)
    with pytest.raises(exceptions.ClientRequestException) as missing:
        client.show_autopilot_release(cce.ShowAutopilotReleaseRequest(cluster_id=DEMO, namespace="monitoring", name="ghost"))
    assert missing.value.status_code == 404
    assert missing.value.error_msg == "Release ghost not found in namespace monitoring"


def test_a_wrong_secret_key_is_refused(endpoint):
    client = client_for(endpoint, sk="not-the-secret")
    with pytest.raises(exceptions.ClientRequestException) as refused:
        client.list_autopilot_releases(cce.ListAutopilotReleasesRequest(cluster_id=DEMO))
    assert refused.value.status_code == 401
    assert refused.value.error_code == "APIGW.0301"


def test_the_sdk_looks_up_the_project_in_the_emulators_iam(endpoint, monkeypatch):
    """BasicCredentials without a project id: the SDK asks IAM (GET /v3/projects?name=<region>,
    AK/SK-signed) and sends the answer as X-Project-Id, which the emulator checks."""
    from huaweicloudsdkcore.region.region import Region
    monkeypatch.setenv("HUAWEICLOUD_SDK_IAM_ENDPOINT", endpoint)
    client = CceClient.new_builder() \
        .with_credentials(BasicCredentials(AK, SK)) \
        .with_region(Region("cn-north-4", endpoint)).build()
    releases = client.list_autopilot_releases(cce.ListAutopilotReleasesRequest(cluster_id=DEMO))
    assert any(release.name == "testwww" for release in releases.body)
    quotas = client.show_autopilot_user_charts_quotas(cce.ShowAutopilotUserChartsQuotasRequest())
    assert quotas.quotas.resources[0].type == "Charts"


def test_a_region_with_no_project_fails_in_the_sdk_with_the_trace_id(endpoint, monkeypatch):
    from huaweicloudsdkcore.region.region import Region
    monkeypatch.setenv("HUAWEICLOUD_SDK_IAM_ENDPOINT", endpoint)
    with pytest.raises(Exception) as failed:
        client = CceClient.new_builder() \
            .with_credentials(BasicCredentials(AK, SK)) \
            .with_region(Region("ap-southeast-1", endpoint)).build()
        client.list_autopilot_releases(cce.ListAutopilotReleasesRequest(cluster_id=DEMO))
    assert "X-IAM-Trace-Id=" in str(failed.value) and "X-IAM-Trace-Id=None" not in str(failed.value)


def test_a_wrong_project_id_is_refused(endpoint):
    client = CceClient.new_builder() \
        .with_credentials(BasicCredentials(AK, SK, "f" * 32)) \
        .with_endpoint(endpoint).build()
    with pytest.raises(exceptions.ClientRequestException) as refused:
        client.list_autopilot_releases(cce.ListAutopilotReleasesRequest(cluster_id=DEMO))
    assert refused.value.status_code == 401 and refused.value.error_code == "APIGW.0301"


CREDENTIAL_FILES = [
    # (file, what rollout does: an AK's first and last four, "next source", or "refused")
    ("[DEFAULT]\nak = DEFA0000000000DEF1\nsk = d\n[basic]\nproject_id = p\n", "DEFA…DEF1"),
    ("[basic]\nak = BASI0000000000BAS1\nsk = b\n[DEFAULT]\nak = DEFA0000000000DEF1\nsk = d\n", "BASI…BAS1"),
    ("[other]\nak = OTHE0000000000OTH1\nsk = o\n", "next source"),
    ("[DEFAULT]\nak = DEFA0000000000DEF1\nsk = d\n", "next source"),
    ("[basic]\nproject_id = p\n", "next source"),
    ("[basic]\nak = HALF0000000000HAL1\n", "refused"),
]


@pytest.mark.parametrize("text,rollout", CREDENTIAL_FILES)
def test_the_credentials_file_is_read_as_the_sdk_reads_it(text, rollout, tmp_path, monkeypatch):
    """Huawei's own ProfileCredentialProvider and rollout read the same file: the same key, or
    both go on to the next source; where rollout stops instead (half a key pair), the README's
    table says so."""
    from huaweicloudsdkcore.auth.provider import ProfileCredentialProvider
    path = tmp_path / "credentials"
    path.write_text(text)
    path.chmod(0o600)
    monkeypatch.setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", str(path))
    try:
        ak = ProfileCredentialProvider.get_basic().get_credentials().ak
        sdk = ak[:4] + "…" + ak[-4:]
    except Exception:
        sdk = "next source"
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("CLOUD_SDK_", "HUAWEICLOUD_", "ROLLOUT_", "HC_CONTAINER_"))}
    environment.update({"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
                        "HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(path), "ROLLOUT_METADATA_ENDPOINT": "http://127.0.0.1:9"})
    done = subprocess.run([BINARY, "-v", "--region", "cn-north-4", "-c", "echo checked"], env=environment,
                          capture_output=True, text=True, timeout=60)
    if rollout == "refused":
        assert done.returncode == 2, done.stderr
        assert sdk == "next source"
        return
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stderr.splitlines() if "credentials:" in line)
    shown = line.split("AK ", 1)[-1].split(" ", 1)[0].rstrip(",")  # masked: the first and last four kept
    found = "next source" if "metadata service" in line else shown[:4] + "…" + shown[-4:]
    assert found == sdk == rollout, line
