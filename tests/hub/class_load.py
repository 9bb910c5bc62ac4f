"""A class on a real JupyterHub, on this machine: students log in at once, get the course the
way an nbgitpuller link gives it, open notebook 03 and run it to the end.

    python tests/hub/class_load.py [--students 10] [--workdir DIR] [--course REPO] [--json OUT]

- JupyterHub and nbgitpuller from PyPI, in a virtual environment with the course's packages
  (the `notebooks` extra) and not emlib: the students' "image". configurable-http-proxy
  from npm. Everything listens on 127.0.0.1 only.
- JupyterHub's own DummyAuthenticator (any name, no password) and SimpleLocalProcessSpawner
  (a local process per student, home in the work folder).
- The course comes from a local git repository (by default a snapshot of this working
  tree): nbgitpuller clones it into each student's home, as the link does on a real hub.
- Each student is a thread that does what the browser does: the login form, the nbgitpuller
  link (through the hub's spawn and OAuth redirects), nbgitpuller's pull API, then notebook
  03 through the Jupyter server's REST API and the kernel's websocket, one cell after
  another, stopping at the first error (as Run All does).
- Measured: each student's times, the resident memory (RSS, and its peak) of every student
  server and kernel once the notebook has run, the hub's and the proxy's memory, the
  kernels' CPU time, and every failure.

Every wait has a deadline; the hub and all it started are stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import requests
import websocket

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from envs import ROOT, clean_env, copy_working_tree, course_requirements, make_venv  # noqa: E402

HUB_PACKAGES = ["jupyterhub>=5", "nbgitpuller>=1.2"]
NOTEBOOK = "notebooks/03-k-means.ipynb"
TARGET = "em-course"  # the folder nbgitpuller makes in each home (the repository's name)
CLASS_DEADLINE = 1200  # seconds for the whole class, after which the run stops
STEP_TIMEOUT = 300  # seconds for one step of one student (a spawn, a pull, a cell)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------- set-up
def hub_environment(workdir: Path) -> Path:
    """The students' image: the notebooks' packages, JupyterHub and nbgitpuller; no emlib."""
    venv = workdir / "venv"
    if not (venv / "bin" / "jupyterhub-singleuser").exists():
        make_venv(venv, course_requirements() + HUB_PACKAGES)
        subprocess.run([venv / "bin" / "python", "-c", "import matplotlib.pyplot"], check=True)
    return venv


def proxy_command(workdir: Path) -> Path:
    """configurable-http-proxy, from npm, installed into the work folder."""
    chp = workdir / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"
    if not chp.exists():
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                        str(workdir / "chp"), "configurable-http-proxy"], check=True)
    return chp


def course_repository(workdir: Path) -> Path:
    """A git repository holding the working tree as it is now, for nbgitpuller to pull."""
    repo = workdir / TARGET
    if repo.exists():
        shutil.rmtree(repo)
    copy_working_tree(repo)
    git = ["git", "-C", str(repo), "-c", "user.name=teacher", "-c", "user.email=teacher@localhost"]
    subprocess.run(git[:3] + ["init", "-q", "-b", "main"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "the course"], check=True)
    return repo


HUB_CONFIG = """\
c = get_config()  # noqa
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.ConfigurableHTTPProxy.auth_token = {proxy_token!r}
c.JupyterHub.db_url = "sqlite:///{workdir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{workdir}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{workdir}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{workdir}/home/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = {timeout}
c.Spawner.http_timeout = {timeout}
c.JupyterHub.concurrent_spawn_limit = 0
"""


class Hub:
    """JupyterHub started in its own process group; `stop()` ends it and all it started."""

    def __init__(self, workdir: Path, venv: Path, chp: Path):
        self.workdir, self.port = workdir, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = workdir / "jupyterhub_config.py"
        config.write_text(HUB_CONFIG.format(
            port=self.port, hub_port=free_port(), api_port=free_port(), chp=str(chp),
            proxy_token=secrets.token_hex(32), workdir=workdir,
            singleuser=str(venv / "bin" / "jupyterhub-singleuser"),
            args=["--allow-root"] if os.geteuid() == 0 else [], timeout=STEP_TIMEOUT))
        (workdir / "home").mkdir(exist_ok=True)
        self.log = open(workdir / "jupyterhub.log", "w")
        self.process = subprocess.Popen([venv / "bin" / "jupyterhub", "-f", str(config)],
                                        cwd=workdir, env=clean_env(venv), stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{self.url}/hub/health", timeout=5).ok:
                    break
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"JupyterHub did not start; see {workdir / 'jupyterhub.log'}")
            time.sleep(0.5)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the hub stops the servers it spawned
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                pass
        try:  # whatever is left of its process group (the proxy, a stuck server)
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.log.close()


# ---------------------------------------------------------------------------- a student
@dataclass
class Student:
    name: str
    times: dict = field(default_factory=dict)  # seconds since the class started
    cells: int = 0
    failure: str | None = None
    stderr: list = field(default_factory=list)
    memory: dict = field(default_factory=dict)


def xsrf_from(html: str) -> str:
    found = re.search(r'name="_xsrf"\s+value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no _xsrf field in the login form")
    return found.group(1)


def run_student(student: Student, hub: str, course: Path, start: float, stop_at: float,
                measure) -> None:
    """Everything one student does, in order; the first failure ends it."""
    step = "login"
    s = requests.Session()

    def mark(name):
        student.times[name] = round(time.monotonic() - start, 2)

    try:
        page = s.get(f"{hub}/hub/login", timeout=STEP_TIMEOUT)
        page.raise_for_status()
        r = s.post(f"{hub}/hub/login", data={"username": student.name, "password": "",
                                              "_xsrf": xsrf_from(page.text)}, timeout=STEP_TIMEOUT)
        r.raise_for_status()
        mark("logged_in")

        # The nbgitpuller link a teacher hands out (docs/teaching-on-a-hub.md).
        step = "spawn"
        link = (f"{hub}/hub/user-redirect/git-pull?" + urllib.parse.urlencode(
            {"repo": course.as_uri(), "branch": "main", "urlpath": f"lab/tree/{TARGET}/{NOTEBOOK}"}))
        base = f"{hub}/user/{student.name}/"
        while True:  # the hub's spawn-pending page refreshes itself in a browser; here we ask again
            r = s.get(link, timeout=STEP_TIMEOUT)
            page_xsrf = re.search(r'data-xsrf="([^"]*)"', r.text)  # nbgitpuller's page
            if r.ok and r.url.startswith(base + "git-pull") and page_xsrf:
                break
            if time.monotonic() > stop_at:
                raise TimeoutError(f"the server did not start; last page {r.status_code} {r.url}")
            time.sleep(1)
        mark("server_ready")

        step = "pull"  # what nbgitpuller's page does in the browser: its event-stream API
        xsrf = urllib.parse.unquote(page_xsrf.group(1))
        api = base + "git-pull/api?" + urllib.parse.urlencode(
            {"repo": course.as_uri(), "branch": "main", "targetpath": TARGET, "_xsrf": xsrf})
        phase = None
        with s.get(api, stream=True, timeout=STEP_TIMEOUT) as r:
            r.raise_for_status()
            for line in r.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    phase = event.get("phase")
                    if phase in ("finished", "error"):
                        if phase == "error":
                            raise RuntimeError(f"nbgitpuller: {event.get('message')}")
                        break
        if phase != "finished":
            raise RuntimeError("nbgitpuller's stream ended before it finished")
        mark("pulled")

        step = "open"  # what JupyterLab does when the notebook opens
        headers = {"X-XSRFToken": xsrf}
        path = f"{TARGET}/{NOTEBOOK}"
        nb = s.get(base + f"api/contents/{urllib.parse.quote(path)}", headers=headers,
                   timeout=STEP_TIMEOUT)
        nb.raise_for_status()
        cells = [c for c in nb.json()["content"]["cells"] if c["cell_type"] == "code"]
        r = s.post(base + "api/sessions", headers=headers, timeout=STEP_TIMEOUT,
                   json={"path": path, "name": "03-k-means.ipynb", "type": "notebook",
                         "kernel": {"name": "python3"}})
        r.raise_for_status()
        kernel = r.json()["kernel"]["id"]
        mark("kernel_started")

        step = "run"
        ws_url = (base.replace("http://", "ws://") + f"api/kernels/{kernel}/channels?"
                  + urllib.parse.urlencode({"session_id": uuid.uuid4().hex}))
        cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
        ws = websocket.create_connection(ws_url, header=[f"Cookie: {cookie}", f"X-XSRFToken: {xsrf}"],
                                         timeout=STEP_TIMEOUT)
        try:
            for i, cell in enumerate(cells):
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                error = execute(ws, source, student, stop_at)
                if error:
                    raise RuntimeError(f"cell {i + 1} of {len(cells)}: {error}")
                student.cells += 1
        finally:
            ws.close()
        mark("finished")
        student.memory = measure(student.name)
    except Exception as e:  # a failure is a result: say where
        student.failure = f"{step}: {type(e).__name__}: {e}"[:500]
        mark("failed")


def execute(ws, code: str, student: Student, stop_at: float) -> str | None:
    """Run one cell on the kernel; return its error ("Name: value") or None."""
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": student.name,
                   "session": uuid.uuid4().hex, "version": "5.3",
                   "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    error = None
    while True:
        if time.monotonic() > stop_at:
            return "the class ran out of time"
        try:
            frame = ws.recv()
        except websocket.WebSocketTimeoutException:
            return f"no reply within {STEP_TIMEOUT} s"
        if not isinstance(frame, str):
            continue  # a binary frame: a figure's pixels, for a browser
        msg = json.loads(frame)
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "error":
            error = f"{content['ename']}: {content['evalue']}"
        elif kind == "stream" and content.get("name") == "stderr":
            student.stderr.append(content["text"][:300])
        elif kind == "execute_reply":
            if content["status"] != "ok":
                return error or f"{content.get('ename')}: {content.get('evalue')}"
            return None


# ---------------------------------------------------------------------------- memory
def processes():
    """{pid: (ppid, cmdline, environ)} for every process we can read."""
    found = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            env = (d / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        found[int(d.name)] = (ppid, cmd, env)
    return found


def memory_of(pid: int) -> dict:
    """Resident memory now and at its peak (MiB), and CPU seconds, of one process."""
    status = Path(f"/proc/{pid}/status").read_text()
    kib = {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in status.splitlines())
           if k in ("VmRSS", "VmHWM")}
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return {"rss_mib": round(kib["VmRSS"] / 1024, 1), "peak_mib": round(kib["VmHWM"] / 1024, 1),
            "cpu_s": round(cpu, 2)}


def measure_student(name: str) -> dict:
    """The student's server (jupyterhub-singleuser with JUPYTERHUB_USER=name) and its kernels."""
    procs = processes()
    marker = f"JUPYTERHUB_USER={name}".encode()
    servers = [pid for pid, (_, cmd, env) in procs.items()
               if "jupyterhub-singleuser" in cmd and marker in env]
    if len(servers) != 1:
        return {"error": f"found {len(servers)} servers for {name}"}
    server = servers[0]
    kernels = [pid for pid, (ppid, cmd, _) in procs.items() if ppid == server and "ipykernel" in cmd]
    result = {"server": memory_of(server)}
    if kernels:
        result["kernel"] = memory_of(kernels[0])
    return result


def measure_named(needle: str) -> dict | None:
    for pid, (_, cmd, _) in processes().items():
        if needle in cmd:
            return memory_of(pid)
    return None


# ---------------------------------------------------------------------------- the class
def run_class(students: int, workdir: Path, course: Path | None = None) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    venv, chp = hub_environment(workdir), proxy_command(workdir)
    course = course or course_repository(workdir)
    # Stopped from outside (a timeout, CI): unwind, so that `finally` stops the hub and its servers.
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    hub = Hub(workdir, venv, chp)
    try:
        names = [f"student{i:02d}" for i in range(1, students + 1)]
        roster = [Student(n) for n in names]
        start = time.monotonic()
        stop_at = start + CLASS_DEADLINE
        threads = [threading.Thread(target=run_student, args=(st, hub.url, course, start, stop_at,
                                                              measure_student), daemon=True)
                   for st in roster]
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.0, stop_at - time.monotonic()) + 30)
        wall = time.monotonic() - start
        hub_memory = measure_named(str(venv / "bin" / "jupyterhub") + " -f")
        proxy_memory = measure_named("configurable-http-proxy")
    finally:
        hub.stop()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, previous)
    done = [st for st in roster if "finished" in st.times]
    return {
        "students": students,
        "finished": len(done),
        "failures": {st.name: st.failure or "did not finish in time" for st in roster if st not in done},
        "last_finished_s": max((st.times["finished"] for st in done), default=None),
        "wall_s": round(wall, 1),
        "hub": hub_memory, "proxy": proxy_memory,
        "cores": os.cpu_count(),
        "roster": [asdict(st) for st in roster],
        "log": str(workdir / "jupyterhub.log"),
    }


def summary(result: dict) -> dict:
    """Means and maxima over the students who finished (MiB, seconds)."""
    done = [st for st in result["roster"] if "server" in st.get("memory", {})]

    def stat(part, key):
        values = [st["memory"][part][key] for st in done if part in st["memory"]]
        return {"mean": round(sum(values) / len(values), 1), "max": max(values)} if values else None

    return {"server_rss": stat("server", "rss_mib"), "server_peak": stat("server", "peak_mib"),
            "kernel_rss": stat("kernel", "rss_mib"), "kernel_peak": stat("kernel", "peak_mib"),
            "kernel_cpu": stat("kernel", "cpu_s"),
            "server_ready": stat_times(result, "server_ready"),
            "finished": stat_times(result, "finished")}


def stat_times(result, key):
    values = [st["times"][key] for st in result["roster"] if key in st["times"]]
    return {"min": min(values), "max": max(values)} if values else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keeps the environment between runs (default: a new temporary folder)")
    parser.add_argument("--course", type=Path, default=None,
                        help="a git repository (branch main) to pull instead of this working tree")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="em-course-hub-"))
    result = run_class(args.students, workdir.resolve(), args.course and args.course.resolve())
    result["summary"] = summary(result)
    text = json.dumps(result, indent=1)
    if args.json:
        args.json.write_text(text)
    print(json.dumps({k: result[k] for k in ("students", "finished", "failures", "last_finished_s",
                                              "wall_s", "hub", "proxy", "summary")}, indent=1))
    return 0 if result["finished"] == args.students else 1


if __name__ == "__main__":
    sys.exit(main())
