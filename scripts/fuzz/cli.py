"""Fuzzes rollout's command line, environment and the files it reads (config.toml profiles,
Huawei's credentials file, SK files) by running the built binary on mutated inputs.

Each try starts from a valid invocation, then replaces flags, values, variables and file contents
with edge cases (empty, huge, out-of-range ports, control characters, broken URLs, TOML and INI
that is half right) and runs rollout with them. Every cloud address is a closed loopback port, so
nothing leaves the machine. A try fails when rollout dies of a signal or a Swift trap (exit 128 or
more, "Fatal error", a backtrace) or is still running after its time limit. Failing inputs are
written to .build-fuzz/cli-crash-N.json with the command that reproduces them.

usage: python3 scripts/fuzz/cli.py [seconds] [--seed N]
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("ROLLOUT_BIN", os.path.join(ROOT, ".build", "debug", "rollout"))
OUT = os.path.join(ROOT, ".build-fuzz")
CLOSED = "http://127.0.0.1:9"  # nothing listens on the discard port
LIMIT = 40  # seconds a try may take: rollout's own limits (connect 5 s, a call 120 s) are not reached against closed ports

TEXT = [
    "", " ", "x", "-", "--", "=", "%", "%zz", "\t", "\u00e9", "\u4e2d\u6587", "\u202e", "\x1b[2J", "\x07", "\r\n",
    "a" * 5000, "9" * 40, "-1", "0", "65536", "99999", "1e400", "nan", "${X}", "$(id)", "'", '"', "\\", "[", "]",
    "{}", "[]", "null", "true", "1h", "-5s", "500ms", "10%", "../../etc/passwd", "/dev/zero", "/dev/null", "/",
]
URLS = [
    CLOSED, "http://127.0.0.1:99999", "http://localhost:104691", "http://127.0.0.1:0", "https://[::1]:9", "http://[::1",
    "http://", "://x", "ftp://x", "http://u:p@127.0.0.1:9", "http://127.0.0.1:9/base/?q=1#f", "127.0.0.1:9",
    "http://h:99999999999999999999999", "http://%zz:9", "http://127.0.0.1:9" + "/a" * 500, "https://\u4e2d\u6587.example:9",
    "http://127.0.0.1:+9", "http://127.0.0.1:-9", "http://127.0.0.1: 9", "HTTP://127.0.0.1:9",
]
REGIONS = ["cn-north-4", "eu-west-101", "cn-nort-4", "", "CN-NORTH-4", "x" * 300]
COMMANDS = [
    ["-c", "charts"], ["-c", "use cluster demo; list"], ["-c", "list on a870253f-5dc7-11ee-bf71-0255ac100b03"],
    ["doctor"], ["check", "scripts/oneliner.rollout"], ["plan", "scripts/canary.rollout"], ["journal"],
    ["-c", "use cluster shop-prod; status testwww in monitoring"], ["--resume", "20261202T175655Z-c4a107"], ["-"],
]
FLAGS = {
    "--endpoint": URLS, "--region": REGIONS, "--proxy": URLS, "--ca-file": ["/dev/null", "/nonexistent", "/etc/hostname"],
    "--ak": ["AKAKAKAKAKAKAKAKAKAK", ""], "--sk-file": ["SKFILE", "/dev/null", "/nonexistent", "/dev/stdin"],
    "--project-id": ["0123456789abcdef0123456789abcdef", ""], "--output": ["human", "json", "yaml"],
    "--color": ["auto", "always", "never", "purple"], "--profile": ["prod", "ops", "missing", ""], "--approve": ["g"],
}
BARE_FLAGS = ["-y", "-v", "--step", "--no-pager", "--fresh-emulator", "--insecure-skip-tls-verify", "--version", "-h", "--bogus"]
VARIABLES = {
    "ROLLOUT_ENDPOINT": URLS, "ROLLOUT_REGION": REGIONS, "ROLLOUT_PROFILE": ["prod", "ops", "missing"],
    "HTTPS_PROXY": URLS, "https_proxy": URLS, "HTTP_PROXY": URLS, "NO_PROXY": ["*", ".0.0.1", "127.0.0.1:9,[::1]", "10.0.0.0/33", ",,"],
    "HUAWEICLOUD_SDK_AK": ["AKAKAKAKAKAKAKAKAKAK", ""], "HUAWEICLOUD_SDK_SK": ["SKSKSKSKSKSKSKSKSKSK", ""],
    "CLOUD_SDK_AK": ["CLOUDAKCLOUDAK0001"], "CLOUD_SDK_SK": ["s"], "CLOUD_SDK_TOKEN": ["t"],
    "HUAWEICLOUD_SDK_PROJECT_ID": ["0123456789abcdef0123456789abcdef", ""], "HUAWEICLOUD_SDK_SECURITY_TOKEN": ["tok"],
    "HUAWEICLOUD_SDK_REGION_CCE_CN_NORTH_4": URLS, "HUAWEICLOUD_SDK_IAM_ENDPOINT": URLS, "ROLLOUT_METADATA_ENDPOINT": URLS,
    "HC_CONTAINER_CREDENTIALS_FULL_URI": URLS, "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE": ["SKFILE", "/nonexistent", "/dev/zero"],
    "HUAWEICLOUD_SDK_CREDENTIALS_FILE": ["CREDENTIALS", "/nonexistent", "/dev/null"], "SSL_CERT_FILE": ["/dev/null", "/nonexistent"],
    "ROLLOUT_EMULATOR_DEPLOY_TIME": ["200ms", "0s", "-1s", "1e400s", "x"], "ROLLOUT_EMULATOR_FLEET": ["3x2", "0x0", "100000x100000", "x"],
    "ROLLOUT_CLUSTER": ["demo", "", "\x1b[2J"], "ROLLOUT_NAMESPACE": ["default", ""], "ROLLOUT_PAGER": ["cat", "/nonexistent"],
    "HUAWEICLOUD_SDK_IDP_ID": ["idp"], "NO_COLOR": ["1"], "TERM": ["xterm", "dumb", ""], "COLUMNS": ["0", "-1", "99999999999"],
}
PROFILE = """default = "prod"
[profiles.prod]
endpoint = "{url}"
region = "cn-north-4"
project_id = "0123456789abcdef0123456789abcdef"
cluster = "demo"
ak_env = "PROD_AK"
sk_env = "PROD_SK"
proxy = "{proxy}"
[profiles.prod.clusters]
shop = "a870253f-5dc7-11ee-bf71-0255ac100b03"
[profiles.prod.fleets]
europe = ["shop", "edge-001"]
[profiles.ops]
region = "cn-north-4"
iam_user = "deployer"
iam_domain = "acme"
password_env = "OPS_PASSWORD"
"""
CREDENTIALS = """[DEFAULT]
project_id = 0123456789abcdef0123456789abcdef
[basic]
ak = FILEAKFILEAKFILE01
sk = file-sk
iam_endpoint = {url}
"""


def mutate_text(rng, text):
    """A text with a few edits: a slice replaced by an edge case, a character dropped or doubled."""
    for _ in range(rng.randint(1, 3)):
        if not text or rng.random() < 0.3:
            text += rng.choice(TEXT)
            continue
        at = rng.randrange(len(text))
        choice = rng.random()
        if choice < 0.4:
            text = text[:at] + rng.choice(TEXT) + text[at + rng.randint(0, 8):]
        elif choice < 0.7:
            text = text[:at] + text[at + 1:]
        else:
            text = text[:at] + text[at] * rng.randint(2, 50) + text[at + 1:]
    return text


def value(rng, choices):
    picked = rng.choice(choices)
    return mutate_text(rng, picked) if rng.random() < 0.3 else picked


def make_try(rng):
    """One invocation: arguments, variables and file contents, as JSON-able data."""
    arguments = []
    for _ in range(rng.randint(0, 4)):
        if rng.random() < 0.8:
            flag = rng.choice(list(FLAGS))
            arguments += [flag, value(rng, FLAGS[flag])]
        else:
            arguments.append(rng.choice(BARE_FLAGS))
    command = list(rng.choice(COMMANDS))
    if rng.random() < 0.2:
        command[-1] = mutate_text(rng, command[-1])
    arguments = command[:1] + arguments + command[1:] if command[0] in ("doctor", "check", "plan", "journal") else arguments + command
    if rng.random() < 0.1:
        arguments.insert(rng.randrange(len(arguments) + 1), rng.choice(TEXT))
    variables = {}
    for _ in range(rng.randint(0, 6)):
        name = rng.choice(list(VARIABLES))
        variables[name] = value(rng, VARIABLES[name])
    profile = PROFILE.format(url=rng.choice(URLS), proxy=rng.choice(URLS))
    credentials = CREDENTIALS.format(url=rng.choice(URLS))
    if rng.random() < 0.5:
        profile = mutate_text(rng, profile)
    if rng.random() < 0.5:
        credentials = mutate_text(rng, credentials)
    if rng.random() < 0.5:
        variables.update({"PROD_AK": "PRODAKPRODAK00001", "PROD_SK": value(rng, ["prod-sk", ""])})
    return {"arguments": arguments, "variables": variables, "profile": profile, "credentials": credentials,
            "sk": value(rng, ["sk-value\n", ""]), "modes": [rng.choice([0o600, 0o644, 0o400]) for _ in range(3)]}


def clean(text):
    """What may go into argv and the environment: no NUL."""
    return text.replace("\x00", "")


def summary(err):
    """The lines of a crash report that say what and where: the fatal error and the crashed
    thread's frames in rollout's own code."""
    lines = err.splitlines()
    kept = [line for line in lines if "Fatal error" in line or "crashed" in line]
    kept += [line.strip() for line in lines if " at /" in line and "/Sources/" in line][:8]
    return "\n".join(kept) or err[:2000]


def run(one):
    """Runs one try in a home of its own; returns a failure description or None."""
    home = tempfile.mkdtemp(prefix="cli-fuzz-")
    try:
        config = os.path.join(home, "config", "rollout")
        os.makedirs(config)
        os.makedirs(os.path.join(home, ".huaweicloud"))
        files = {
            os.path.join(config, "config.toml"): one["profile"],
            os.path.join(home, ".huaweicloud", "credentials"): one["credentials"],
            os.path.join(home, "sk"): one["sk"],
        }
        for (path, text), mode in zip(files.items(), one["modes"]):
            with open(path, "w", encoding="utf-8", errors="surrogatepass") as file:
                file.write(clean(text))
            os.chmod(path, mode)
        places = {"SKFILE": os.path.join(home, "sk"), "CREDENTIALS": os.path.join(home, ".huaweicloud", "credentials")}
        environment = {key: value for key, value in os.environ.items()
                       if not key.startswith(("CLOUD_SDK_", "HUAWEICLOUD_", "ROLLOUT_", "HC_CONTAINER_"))
                       and key.lower() not in ("https_proxy", "http_proxy", "no_proxy", "ssl_cert_file")}
        environment.update({"HOME": home, "XDG_STATE_HOME": os.path.join(home, "state"),
                            "XDG_CONFIG_HOME": os.path.join(home, "config"), "ROLLOUT_METADATA_ENDPOINT": CLOSED,
                            "ROLLOUT_EMULATOR_DEPLOY_TIME": "200ms"})
        for key, text in one["variables"].items():
            environment[key] = clean(places.get(text, text))
        arguments = [clean(places.get(a, a)) for a in one["arguments"]]
        started = time.monotonic()
        try:
            done = subprocess.run([BINARY] + arguments, env=environment, cwd=ROOT, stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=LIMIT)
        except subprocess.TimeoutExpired:
            return f"still running after {LIMIT}s"
        err = done.stderr.decode("utf-8", "replace")
        crashed = done.returncode < 0 or done.returncode >= 128 and done.returncode != 130
        if crashed or any(sign in err for sign in ("Fatal error", "Program crashed", "Backtrace")):
            return f"exit {done.returncode}: {summary(err)}"
        return None
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main():
    arguments = sys.argv[1:]
    seed = int(arguments[arguments.index("--seed") + 1]) if "--seed" in arguments else random.randrange(1 << 30)
    numbers = [a for a in arguments if a.isdigit() and (arguments.index(a) == 0 or arguments[arguments.index(a) - 1] != "--seed")]
    seconds = int(numbers[0]) if numbers else 60
    rng = random.Random(seed)
    os.makedirs(OUT, exist_ok=True)
    end = time.monotonic() + seconds
    tries = failures = 0
    print(f"fuzzing rollout's command line, environment and files for {seconds}s (seed {seed})", flush=True)
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        while time.monotonic() < end:
            batch = [make_try(rng) for _ in range(8)]
            for one, failure in zip(batch, pool.map(run, batch)):
                tries += 1
                if failure:
                    failures += 1
                    path = os.path.join(OUT, f"cli-crash-{failures}.json")
                    with open(path, "w") as file:
                        json.dump({"try": one, "failure": failure}, file, indent=2)
                    print(f"FAIL {path}: {failure[:300]}", flush=True)
    print(f"cli fuzz: {tries} tries, {failures} failures (seed {seed})")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
