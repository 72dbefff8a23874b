"""Runs every measurement of scripts/bench on this machine and writes scripts/bench/RESULTS.md.

Each figure is the median of repeated runs, with min and max beside it; ratios compare rollout with
the peer (Huawei's Python SDK) and with the limit (the machine's floor for the same work).
"""
import datetime
import json
import os
import pty
import random
import re
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLLOUT = os.path.join(ROOT, ".build/release/rollout")
BENCH = os.path.join(ROOT, "Benchmarks/.build/release/rollout-bench")
PYTHON = os.path.join(ROOT, ".venv/bin/python")
PEER = os.path.join(ROOT, "scripts/bench/peer.py")
WORK = tempfile.mkdtemp(prefix="rollout-bench-")
ENV = dict(os.environ, HOME=WORK, XDG_STATE_HOME=os.path.join(WORK, "state"), XDG_CONFIG_HOME=os.path.join(WORK, "config"), NO_COLOR="1")
SHOW_PATH = "/autopilot/cam/v3/clusters/a870253f-5dc7-11ee-bf71-0255ac100b03/namespace/monitoring/releases/testwww"
TOKEN = "X-Auth-Token: rollout-emulator-local-token"
PROFILES_HEADING = "## Profiles, causes and fixes"


def timed(command, stdin=None):
    """Seconds, peak RSS (kB) and stdout of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, stdin=subprocess.DEVNULL)
    out, err = process.communicate()
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError(f"{command} failed ({process.returncode}): {err.decode()[-400:]}")
    return elapsed, out.decode()


def rss_of(command):
    """Runs a command to the end and returns its peak RSS in MB (from wait4)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise RuntimeError(f"{command} failed")
    return usage.ru_maxrss / 1024


def repeat(command, runs):
    return [timed(command)[0] for _ in range(runs)]


def stats(values):
    return statistics.median(values), min(values), max(values)


def emulator(*flags):
    process = subprocess.Popen([ROLLOUT, "emulator", "--port", "0", *flags], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ENV, text=True)
    line = process.stdout.readline()
    return process, line.split()[-1]


def wrk(url, connections, threads, seconds):
    out = subprocess.run(["wrk", f"-c{connections}", f"-t{threads}", f"-d{seconds}s", "--latency", "-H", TOKEN, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, float(p99.group(1)) * scale, int(errors.group(1)) if errors else 0


def first_prompt(url):
    """Seconds from spawn to the prompt on a pseudo-terminal, and the idle prompt's RSS (MB)."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(ROLLOUT, [ROLLOUT, "--endpoint", url], ENV)
    seen = b""
    while b"/default>" not in seen:
        ready, _, _ = select.select([fd], [], [], 10)
        if not ready:
            raise RuntimeError("no prompt")
        seen += os.read(fd, 4096)
    elapsed = time.perf_counter() - start
    time.sleep(1)
    with open(f"/proc/{pid}/status") as status:
        rss = int(re.search(r"VmHWM:\s+(\d+)", status.read()).group(1)) / 1024
    os.write(fd, b"\x04")
    os.waitpid(pid, 0)
    return elapsed, rss


def check_files(lines):
    """A rollout script of `lines` statements, and the same statements as Python calls."""
    templates = [
        ("set tag v{n}", "set_tag('v{n}')"), ("upgrade testwww in monitoring", "upgrade('testwww', namespace='monitoring')"),
        ("wait deployed timeout 5m", "wait('deployed', timeout='5m')"), ("expect tag == v{n}", "expect('tag', '==', 'v{n}')"),
        ("set value basic.storage_size = {n}G", "set_value('basic.storage_size', '{n}G')"), ("status shop-web in shop", "status('shop-web', namespace='shop')"),
        ("echo \"step {n} done\"", "echo('step {n} done')"), ("history redis-cache in default", "history('redis-cache', namespace='default')"),
    ]
    script, python = ["use cluster demo"], ["use('cluster', 'demo')"]
    for i in range(lines - 1):
        rollout_line, python_line = templates[i % len(templates)]
        script.append(rollout_line.format(n=i % 997))
        python.append(python_line.format(n=i % 997))
    paths = os.path.join(WORK, "big.rollout"), os.path.join(WORK, "big.py")
    for path, text in zip(paths, (script, python)):
        with open(path, "w") as file:
            file.write("\n".join(text) + "\n")
    return paths


RUNBOOK_STEP = (
    [
        "# Step {n}: roll shop-web out to version 2.{n}.0, and back if it does not come up.",
        "# The tag comes from the command line when one is given.",
        "let TAG_{n} = ${{TAG:-2.{n}.0}}",
        "set tag ${{TAG_{n}}}",
        "set value resources.memory = {m}Mi",
        "set timeout 5m",
        "status shop-web in shop",
        "upgrade shop-web in shop",
        "wait deployed",
        "else {{",
        "  rollback",
        "  wait deployed",
        "  abort \"step {n} failed\"",
        "}}",
        "expect tag == ${{TAG_{n}}}",
        "echo \"step {n} done\"",
        "",
    ],
    [
        "# Step {n}: roll shop-web out to version 2.{n}.0, and back if it does not come up.",
        "# The tag comes from the command line when one is given.",
        "TAG_{n} = env.get('TAG', '2.{n}.0')",
        "set_tag(TAG_{n})",
        "set_value('resources.memory', '{m}Mi')",
        "set_timeout('5m')",
        "status('shop-web', namespace='shop')",
        "upgrade('shop-web', namespace='shop')",
        "try:",
        "    wait('deployed')",
        "except Failure:",
        "    rollback()",
        "    wait('deployed')",
        "    abort(f'step {n} failed')",
        "expect('tag', '==', TAG_{n})",
        "echo(f'step {n} done')",
        "",
    ],
)


def runbook_files(lines):
    """A realistic runbook of about `lines` lines (comments, let, settings, changes with else blocks), and
    the same statements as Python."""
    script, python = ["# A generated runbook.", "use cluster demo"], ["# A generated runbook.", "use('cluster', 'demo')"]
    n = 0
    while len(script) < lines:
        for target, template in zip((script, python), RUNBOOK_STEP):
            target.extend(line.format(n=n, m=256 + n % 512) for line in template)
        n += 1
    paths = os.path.join(WORK, "runbook.rollout"), os.path.join(WORK, "runbook.py")
    for path, text in zip(paths, (script, python)):
        with open(path, "w") as file:
            file.write("\n".join(text) + "\n")
    return paths, len(script)


def row(results, number, name, unit, rollout, peer, limit, note=""):
    results.append((number, name, unit, rollout, peer, limit, note))


def fmt(value, unit):
    if value is None:
        return "—"
    median, low, high = value
    return f"{median:.4g} {unit} ({low:.4g}–{high:.4g})"


def ratio(a, b, lower_is_better=True):
    if a is None or b is None:
        return "—"
    return f"{(b[0] / a[0]) if lower_is_better else (a[0] / b[0]):.2f}×"


def cold_start(results, goals, url, hello):
    print("1. cold start", flush=True)
    one = [ROLLOUT, "--endpoint", url, "-c", "use cluster demo; status testwww in monitoring"]
    rollout_start = stats(repeat(one, 15))
    peer_start = stats(repeat([PYTHON, PEER, "show", url], 10))
    hello_start = stats(repeat([hello], 15))
    row(results, 1, "cold start to exit, one `status` on the emulator", "s", rollout_start, peer_start, hello_start)
    prompts = [first_prompt(url) for _ in range(5)]
    row(results, 1, "cold start to the first prompt", "s", stats([p[0] for p in prompts]), None, hello_start)
    goals.append(("1: at least 15× faster than the Python peer to exit", peer_start[0] / rollout_start[0] >= 15, f"{peer_start[0] / rollout_start[0]:.1f}×"))


def latency(results, goals, url):
    print("2. per-call latency", flush=True)
    swift = stats([json.loads(timed([BENCH, "latency", "--url", url, "--count", "2000"])[1])["per_call_ms"] for _ in range(3)])
    python = stats([json.loads(timed([PYTHON, PEER, "latency", url, "2000"])[1])["per_call_ms"] for _ in range(3)])
    wrk_ms = stats([1000 / wrk(url + SHOW_PATH, 1, 1, 5)[0] for _ in range(3)])
    # The transport rollout is built on, alone: async-http-client with nothing generated, signed or decoded.
    transport = stats([json.loads(timed([BENCH, "raw-latency", "--url", url, "--count", "2000"])[1])["per_call_ms"] for _ in range(3)])
    row(results, 2, "per-call latency, 2,000 sequential `show` over keep-alive", "ms", swift, python, wrk_ms,
        f"limit: wrk -c1 -t1 (token auth); async-http-client alone (token auth): {transport[0]:.3f} ms")
    goals.append(("2: within 1.5× of wrk", swift[0] <= 1.5 * wrk_ms[0], f"{swift[0] / wrk_ms[0]:.2f}× wrk"))
    goals.append(("2: at least 5× faster than the Python peer", python[0] / swift[0] >= 5, f"{python[0] / swift[0]:.1f}×"))


def check(results, goals):
    print("3. check", flush=True)
    (runbook, runbook_py), lines = runbook_files(2_000)
    mine = stats(repeat([ROLLOUT, "check", runbook], 21))
    ast_parse = stats(repeat([sys.executable, "-c", f"import ast; ast.parse(open({runbook_py!r}).read())"], 21))
    wc = stats(repeat(["wc", "-l", runbook], 21))
    row(results, 3, f"`check` of a {lines:,}-line runbook (comments, let, settings, changes with else blocks; process start included)",
        "s", mine, ast_parse, wc, "peer: CPython's ast.parse of the same statements as Python, its start included; limit: wc -l")
    goals.append(("3: check of the runbook under 30 ms", mine[0] < 0.030, f"{mine[0] * 1000:.1f} ms"))
    goals.append(("3: faster than CPython's ast.parse", mine[0] < ast_parse[0], f"{ast_parse[0] / mine[0]:.2f}×"))
    script, python_file = check_files(100_000)
    big = stats([100_000 / t for t in repeat([ROLLOUT, "check", script], 5)])
    big_ast = stats([100_000 / t for t in repeat([sys.executable, "-c", f"import ast; ast.parse(open({python_file!r}).read())"], 5)])
    big_wc = stats([100_000 / t for t in repeat(["wc", "-l", script], 5)])
    row(results, 3, "`check` of a 100,000-line script (process start included; a report, no goal)", "lines/s", big, big_ast, big_wc)


def bookkeeping(results, goals, url):
    print("10. script-run bookkeeping", flush=True)
    # The same 1,000 statements as a script file (a run id, a record kept for --resume, the file hashed)
    # and with -c; the peer column holds -c, which is the floor a script file's run adds its record to.
    statements = [f'echo "step {n} done"' for n in range(1000)]
    script = os.path.join(WORK, "echo.rollout")
    with open(script, "w") as file:
        file.write("\n".join(statements) + "\n")
    target = ["--endpoint", url]
    from_file = stats(repeat([ROLLOUT, *target, script], 15))
    from_c = stats(repeat([ROLLOUT, *target, "-c", "; ".join(statements)], 15))
    row(results, 10, "1,000 `echo` statements as a script file (run id, record, hash) against the same with -c", "s",
        from_file, from_c, None, "peer: the same statements with -c")
    goals.append(("10: a script file within 1.5× of -c", from_file[0] <= 1.5 * from_c[0], f"{from_file[0] / from_c[0]:.2f}× -c"))


def emulator_throughput(results, goals, url):
    print("5. emulator throughput", flush=True)
    rps, p99, errors = wrk(url + SHOW_PATH, 64, 2, 10)
    body = os.path.join(WORK, "show.json")
    subprocess.run(["curl", "-s", "-H", TOKEN, "-o", body, url + SHOW_PATH], check=True)
    bare = subprocess.Popen([BENCH, "bare-server", "--body-file", body], stdout=subprocess.PIPE, text=True, env=ENV)
    bare_url = bare.stdout.readline().split()[-1]
    bare_rps, bare_p99, _ = wrk(bare_url + SHOW_PATH, 64, 2, 10)
    bare.terminate()
    row(results, 5, "emulator throughput on `show`, 64 connections, 10 s", "req/s", (rps, rps, rps), None, (bare_rps, bare_rps, bare_rps), f"p99 {p99:.1f} ms vs bare {bare_p99:.1f} ms; {errors} non-2xx")
    goals.append(("5: at least 70% of the bare route's throughput", rps >= 0.7 * bare_rps, f"{100 * rps / bare_rps:.0f}%"))


def fleet(results, goals):
    """Returns the peak RSS of rollout's and the peer's fleet runs."""
    print("4. fleet", flush=True)
    fleet_server, fleet_url = emulator("--deploy-time", "200ms")
    try:
        timed([BENCH, "fleet-setup", "--url", fleet_url, "--releases", "1000"])
        swift_runs, peer_runs = [], []
        swift_rss = peer_rss = 0  # the peak over the runs
        for _ in range(3):
            start = time.perf_counter()
            swift_rss = max(swift_rss, rss_of([BENCH, "fleet", "--url", fleet_url, "--releases", "1000", "--concurrency", "64"]))
            swift_runs.append(time.perf_counter() - start)
            start = time.perf_counter()
            peer_rss = max(peer_rss, rss_of([PYTHON, PEER, "fleet", fleet_url, "1000", "64"]))
            peer_runs.append(time.perf_counter() - start)
    finally:
        fleet_server.terminate()
    ideal = 1000 / 64 * 0.2
    swift_fleet = stats(swift_runs)
    row(results, 4, "fleet: 1,000 upgrades waited to DEPLOYED, 64 at a time, 200 ms deploys", "s", swift_fleet, stats(peer_runs), (ideal,) * 3,
        "3 runs each; both poll every 20 ms")
    goals.append(("4: within 1.3× of the ideal time", swift_fleet[0] <= 1.3 * ideal, f"{swift_fleet[0] / ideal:.2f}× ideal"))
    goals.append(("4: under 150 MB peak memory", swift_rss < 150, f"{swift_rss:.0f} MB"))
    return swift_rss, peer_rss


FLEET_SCRIPT = """group edge = fleet edge
group web = releases of chart shop-web in web on edge
set tag ${TAG}
set interval 150ms
rollout web waves 1, 10%, rest parallel ${PARALLEL} { upgrade; wait deployed }
"""
LATENCY, DEPLOY = 0.05, 0.2


def fleet_waves(releases, parallel):
    """The wave sizes of `waves 1, 10%, rest` for a group of `releases`."""
    tenth = -(-releases // 10)
    return [1, tenth, releases - 1 - tenth]


def ideal_fleet(clusters, releases, parallel):
    """The shortest a rollout can take: the group read from each cluster, `parallel` at a time, and the
    charts listed, then each wave in rounds of `parallel` members, each member a read, a change and its
    deploy (the emulator's latency comes before it handles a request, so the read that sees DEPLOYED can be
    the one in flight as the deploy ends)."""
    rounds = lambda n: -(-n // parallel)
    member = 2 * LATENCY + DEPLOY
    return rounds(clusters) * LATENCY + LATENCY + sum(rounds(n) for n in fleet_waves(releases, parallel)) * member


def run_fleet(url, shape, parallel, tag, text=FLEET_SCRIPT, options=(), extra_env=None):
    """Seconds and peak RSS (MB) of a fleet script (the fleet 1 script unless given) run by the release build."""
    script = os.path.join(WORK, "fleet.rollout")
    with open(script, "w") as file:
        file.write(text)
    env = dict(ENV, ROLLOUT_EMULATOR_FLEET=shape, **(extra_env or {}))
    start = time.perf_counter()
    process = subprocess.Popen([ROLLOUT, "--endpoint", url, *options, script, "--", f"TAG={tag}", f"PARALLEL={parallel}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"the fleet script failed ({status}): {process.stderr.read().decode()[-600:]}")
    return elapsed, usage.ru_maxrss / 1024


def emulator_requests(url):
    return json.loads(subprocess.run(["curl", "-s", url + "/_emulator/requests"], capture_output=True, check=True, text=True).stdout)


def fleet_rollouts(results, goals):
    print("7. fleet rollouts through the language", flush=True)
    latency_flag = ["--latency", f"{int(LATENCY * 1000)}ms", "--deploy-time", f"{int(DEPLOY * 1000)}ms"]
    server, url = emulator(*latency_flag, "--fleet", "100x10")
    try:
        runs = [run_fleet(url, "100x10", 64, f"bench-{i}") for i in range(3)]
        peer = [json.loads(timed([PYTHON, PEER, "fleet-waves", url, "100", "64", "0.15", f"peer-{i}"])[1])["seconds"] for i in range(3)]
    finally:
        server.terminate()
    ideal = ideal_fleet(100, 1000, 64)
    mine = stats([r[0] for r in runs])
    rss1 = max(r[1] for r in runs)
    row(results, 7, "fleet 1: 1,000 releases on 100 clusters, waves 1, 10%, rest, 64 at a time, 200 ms deploys, 50 ms latency",
        "s", mine, stats(peer), (ideal,) * 3, f"a .rollout script run by the release build; peak RSS {rss1:.0f} MB; both look 150 ms after the change, then poll")
    goals.append(("7: fleet 1 within 1.10× of the ideal schedule", mine[0] <= 1.10 * ideal, f"{mine[0] / ideal:.2f}× ideal ({ideal:.2f} s)"))
    goals.append(("7: fleet 1 at least 2× faster than the SDK with a thread pool", stats(peer)[0] >= 2 * mine[0], f"{stats(peer)[0] / mine[0]:.2f}×"))
    goals.append(("7: fleet 1 under 100 MB peak memory", rss1 < 100, f"{rss1:.0f} MB"))

    server, url = emulator(*latency_flag, "--fleet", "1000x10")
    try:
        big = [run_fleet(url, "1000x10", 256, f"bench-big-{i}") for i in range(2)]
    finally:
        server.terminate()
    ideal2 = ideal_fleet(1000, 10_000, 256)
    mine2 = stats([r[0] for r in big])
    rss2 = max(r[1] for r in big)
    per1, per2 = mine[0] / 1000 * 1000, mine2[0] / 10_000 * 1000
    row(results, 8, "fleet 2: 10,000 releases on 1,000 clusters, the same waves, 256 at a time", "s", mine2, None, (ideal2,) * 3,
        f"peak RSS {rss2:.0f} MB ({rss2 / rss1:.1f}× fleet 1's); {per2:.2f} ms a member against fleet 1's {per1:.2f} ms")
    goals.append(("8: fleet 2 under 200 MB peak memory", rss2 < 200, f"{rss2:.0f} MB"))

    server, url = emulator(*latency_flag, "--fleet", "100x10", "--rate-limit", "100")
    try:
        throttled = []
        for i in range(2):
            before = emulator_requests(url)
            elapsed, _ = run_fleet(url, "100x10", 64, f"bench-throttled-{i}")
            after = emulator_requests(url)
            throttled.append((elapsed, after["admitted"] - before["admitted"], after["throttled"] - before["throttled"]))
    finally:
        server.terminate()
    elapsed = stats([t[0] for t in throttled])
    admitted = statistics.median(t[1] for t in throttled)
    refused = statistics.median(t[2] for t in throttled)
    bound = admitted / 100
    row(results, 9, "throttled: fleet 1 against an emulator that allows 100 requests a second", "s", elapsed, None, (bound,) * 3,
        f"limit: the requests the run needed ({admitted:.0f}, i.e. {admitted / 1000:.2f} a member) ÷ 100 a second; {refused:.0f} answered 429 on the way; no member failed")
    goals.append(("9: throttled fleet 1 within 1.2× of the rate limit's bound", elapsed[0] <= 1.2 * bound, f"{elapsed[0] / bound:.2f}× ({bound:.1f} s)"))


ERRORS = ("analysis errors = prometheus \"sum(rate(http_requests_total{cluster='${CLUSTER}',namespace='${NAMESPACE}',"
          "release='${RELEASE}',code=~'5..'}[5s])) / sum(rate(http_requests_total{cluster='${CLUSTER}',namespace='${NAMESPACE}',"
          "release='${RELEASE}'}[5s]))\" < 0.01 every 1s failures 2\n")


def prometheus(target):
    """A Prometheus server scraping `target` (host:port) every second, once it has scraped it; (process, url)."""
    port = free_port()
    folder = tempfile.mkdtemp(prefix="prometheus-", dir=WORK)
    config = os.path.join(folder, "prometheus.yml")
    with open(config, "w") as file:
        file.write(f"global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: emulator\n    static_configs:\n      - targets: [\"{target}\"]\n")
    process = subprocess.Popen(["prometheus", f"--config.file={config}", f"--storage.tsdb.path={folder}/data",
                                f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if prometheus_value(url, "sum(rate(http_requests_total[5s]))") is not None:
            return process, url
        time.sleep(0.1)
    raise RuntimeError("prometheus did not scrape the emulator within 60 s")


def prometheus_value(url, query):
    """The value of an instant query, or None while it has none."""
    try:
        with urllib.request.urlopen(f"{url}/api/v1/query?" + urllib.parse.urlencode({"query": query}), timeout=2) as answer:
            result = json.load(answer)["data"]["result"]
        return float(result[0]["value"][1]) if result else None
    except (OSError, KeyError, IndexError, ValueError):
        return None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres():
    """A PostgreSQL server of its own (Debian's; initdb and the server as the postgres user when run as
    root), with fsync on as a team's would be; (process, state URL, password)."""
    bin_dir = max((os.path.join("/usr/lib/postgresql", v, "bin") for v in os.listdir("/usr/lib/postgresql")), key=lambda p: int(p.split("/")[-2]))
    folder = tempfile.mkdtemp(prefix="postgres-", dir=WORK)
    os.chmod(WORK, 0o755)
    password = "rollout-bench"
    with open(os.path.join(folder, "password"), "w") as file:
        file.write(password)
    as_server = ["/usr/sbin/runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    if as_server:
        subprocess.run(["chown", "-R", "postgres", folder], check=True)
    subprocess.run(as_server + [os.path.join(bin_dir, "initdb"), "-D", f"{folder}/data", "-U", "rollout", "--pwfile", f"{folder}/password",
                                "-A", "scram-sha-256", "-E", "UTF8", "--locale", "C"], check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    process = subprocess.Popen(as_server + [os.path.join(bin_dir, "postgres"), "-D", f"{folder}/data", "-p", str(port), "-h", "127.0.0.1", "-k", folder],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"postgres://rollout:{password}@127.0.0.1:{port}/postgres"
    for _ in range(300):
        if subprocess.run(["psql", "-X", "-c", "create database rollout", url], capture_output=True).returncode == 0:
            return process, f"postgres://rollout@127.0.0.1:{port}/rollout", password
        time.sleep(0.1)
    raise RuntimeError("postgres did not start within 30 s")


def shared_state(results, goals):
    """Fleet 1 with its journal, run record and locks in PostgreSQL against the same run on local files."""
    print("13. shared state", flush=True)
    latency_flag = ["--latency", f"{int(LATENCY * 1000)}ms", "--deploy-time", f"{int(DEPLOY * 1000)}ms"]
    server, url = emulator(*latency_flag, "--fleet", "100x10")
    database, state, password = postgres()
    shared = {"ROLLOUT_STATE": state, "ROLLOUT_STATE_PASSWORD": password}
    try:
        local, remote = [], []
        for i in range(3):
            local.append(run_fleet(url, "100x10", 64, f"files-{i}")[0])
            remote.append(run_fleet(url, "100x10", 64, f"postgres-{i}", extra_env=shared)[0])
    finally:
        database.send_signal(2)
        server.terminate()
    base, cost = stats(local), stats(remote)
    row(results, 13, "shared state: fleet 1 with the journal, run record and locks in PostgreSQL (loopback, fsync on), against local files",
        "s", cost, None, base, "2,000 journal lines and 1,000 leases each run; the limit column is the run on local files")
    goals.append(("13: fleet 1 on PostgreSQL within 1.2× of local files", cost[0] <= 1.2 * base[0], f"{cost[0] / base[0]:.2f}×"))


def analyses_cost(results, goals):
    """Fleet 1 with a soak, with and without one analysis per member measured through the soak."""
    print("11. analyses", flush=True)
    latency_flag = ["--latency", f"{int(LATENCY * 1000)}ms", "--deploy-time", f"{int(DEPLOY * 1000)}ms"]
    server, url = emulator(*latency_flag, "--fleet", "100x10")
    scraper, prom = prometheus(url.split("//")[1])
    plain = FLEET_SCRIPT.replace("parallel ${PARALLEL}", "parallel ${PARALLEL} soak 2s")
    measured = ERRORS + FLEET_SCRIPT.replace("parallel ${PARALLEL}", "parallel ${PARALLEL} soak 2s analyze errors")
    try:
        without, with_ = [], []
        for i in range(3):
            without.append(run_fleet(url, "100x10", 64, f"soak-{i}", plain)[0])
            with_.append(run_fleet(url, "100x10", 64, f"measured-{i}", measured, ["--prometheus", prom])[0])
    finally:
        scraper.terminate()
        server.terminate()
    base, cost = stats(without), stats(with_)
    row(results, 11, "analyses: fleet 1 with a 2 s soak and one Prometheus analysis per member (every 1 s), against the same soak without",
        "s", cost, None, base, "1,000 members measured about 3 times each; the limit column is the run without analyses")
    goals.append(("11: analyses add under 5% to fleet 1", cost[0] <= 1.05 * base[0], f"{100 * (cost[0] / base[0] - 1):+.1f}%"))


def analysis_soak(results, goals, runs=20):
    """Seeded runs of a 10-member fleet with one sick member: it must halt the rollout in its own wave and
    be the only one rolled back."""
    print(f"12. analysis soak, {runs} seeded runs", flush=True)
    server, url = emulator("--deploy-time", "300ms", "--fleet", "1x10")
    scraper, prom = prometheus(url.split("//")[1])
    script = ERRORS + ("group web = releases of chart shop-web in web on edge-001\nset interval 100ms\n"
                       "rollout web waves 1, 10%, rest parallel 10 soak 4s analyze errors then rollback failed { set tag ${TAG}; upgrade; wait deployed }\n")
    path = os.path.join(WORK, "analysis-soak.rollout")
    with open(path, "w") as file:
        file.write(script)
    seeds = random.Random(26)
    false_promotions = false_halts = missed = 0
    measurements = []
    try:
        for run in range(runs):
            sick = f"web-{seeds.randint(1, 10):02d}"
            faults = urllib.request.Request(url + "/_emulator/faults", data=json.dumps({"sickReleases": [sick]}).encode(), method="PUT")
            urllib.request.urlopen(faults).read()
            process = subprocess.run([ROLLOUT, "--endpoint", url, "--prometheus", prom, "--output", "json", path, "--", f"TAG=soak-{run}"],
                                     capture_output=True, text=True, env=ENV)
            events = [json.loads(line) for line in process.stdout.splitlines() if line.startswith("{")]
            ended = next(e["rollout"]["members"] for e in reversed(events) if e.get("event") == "rollout_ended")
            label = f"edge-001/web/{sick}"
            wave = next(m["wave"] for m in ended if m["member"] == label)
            for member in ended:
                if member["member"] == label:
                    missed += member["state"] != "rolled back"
                elif member["wave"] > wave:
                    false_promotions += member["state"] != "not started"
                else:
                    false_halts += member["state"] != "succeeded"
            missed += process.returncode != 6
            measurements.append(sum(1 for e in events if e.get("event") == "measured" and e["release"] == label))
            # The next run starts once the sick version's errors are out of the 5 s window.
            for _ in range(300):
                if prometheus_value(prom, f'sum(rate(http_requests_total{{release="{sick}",code="500"}}[5s]))') == 0:
                    break
                time.sleep(0.1)
    finally:
        scraper.terminate()
        server.terminate()
    worst = max(measurements)
    row(results, 12, f"analysis soak: {runs} seeded runs of 10 members (waves 1, 10%, rest), one sick", "runs", (runs,) * 3, None, None,
        f"{false_promotions} false promotions, {false_halts} false halts, {missed} sick members missed; the sick one decided within {worst} measurements of 1 s (bound: 4)")
    goals.append((f"12: 0 false promotions and 0 false halts in {runs} seeded runs", false_promotions == 0 and false_halts == 0 and missed == 0,
                  f"{false_promotions} / {false_halts} / {missed} missed"))


def memory(results, fleet_rss):
    print("6. memory", flush=True)
    server, url = emulator()
    try:
        one_rss = rss_of([ROLLOUT, "--endpoint", url, "-c", "use cluster demo; status testwww in monitoring"])
        one_peer = rss_of([PYTHON, PEER, "show", url])
        idle = statistics.median([first_prompt(url)[1] for _ in range(3)])
    finally:
        server.terminate()
    row(results, 6, "peak RSS, measurement 1 (one call)", "MB", (one_rss,) * 3, (one_peer,) * 3, None)
    if fleet_rss:
        row(results, 6, "peak RSS, measurement 4 (fleet)", "MB", (fleet_rss[0],) * 3, (fleet_rss[1],) * 3, None)
    row(results, 6, "peak RSS, an idle prompt", "MB", (idle,) * 3, None, None)


def main():
    # `--only 1,3` runs just those measurements, prints their table and leaves RESULTS.md as it is.
    only = set(sys.argv[sys.argv.index("--only") + 1].split(",")) if "--only" in sys.argv else None
    wanted = lambda number: only is None or str(number) in only
    results, goals = [], []
    hello = os.path.join(WORK, "hello")
    subprocess.run(["cc", "-O2", "-o", hello, os.path.join(ROOT, "scripts/bench/hello.c")], check=True)
    server, url = emulator("--deploy-time", "200ms")
    try:
        if wanted(1):
            cold_start(results, goals, url, hello)
        if wanted(2):
            latency(results, goals, url)
        if wanted(3):
            check(results, goals)
        if wanted(5):
            emulator_throughput(results, goals, url)
        if wanted(10):
            bookkeeping(results, goals, url)
    finally:
        server.terminate()
    fleet_rss = fleet(results, goals) if wanted(4) else None
    if wanted(7):
        fleet_rollouts(results, goals)
    if wanted(11):
        analyses_cost(results, goals)
    if wanted(12):
        analysis_soak(results, goals)
    if wanted(13):
        shared_state(results, goals)
    if wanted(6):
        memory(results, fleet_rss)

    lines = [
        "# rollout benchmarks", "",
        f"Made by `scripts/bench` on {datetime.date.today().isoformat()}, {os.cpu_count()} cores. Medians of repeated runs, (min–max).",
        "rollout runs the release build; the peer is Huawei's Python SDK (huaweicloudsdkcce) against the same emulator;",
        "the limit is the machine's floor for the same work. Ratios say how many times better rollout is (above 1 is better).", "",
        "| # | measurement | rollout | peer | limit | vs peer | vs limit | note |", "|---|---|---|---|---|---|---|---|",
    ]
    for number, name, unit, mine, peer, limit, note in results:
        higher_better = unit in ("lines/s", "req/s")
        lines.append(f"| {number} | {name} | {fmt(mine, unit)} | {fmt(peer, unit)} | {fmt(limit, unit)} | "
                     f"{ratio(mine, peer, not higher_better)} | {ratio(mine, limit, not higher_better)} | {note} |")
    lines += ["", "## Goals", "", "| goal | met | figure |", "|---|---|---|"]
    lines += [f"| {goal} | {'yes' if met else '**no**'} | {figure} |" for goal, met, figure in goals]
    text = "\n".join(lines) + "\n"
    print(text)
    if only is not None:
        return
    # The hand-written record of profiles and fixes below the tables stays as it is.
    path = os.path.join(ROOT, "scripts/bench/RESULTS.md")
    kept = ""
    if os.path.exists(path):
        with open(path) as file:
            old = file.read()
        if PROFILES_HEADING in old:
            kept = "\n" + old[old.index(PROFILES_HEADING):]
    with open(path, "w") as file:
        file.write(text + kept)


if __name__ == "__main__":
    main()
