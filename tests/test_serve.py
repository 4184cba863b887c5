"""`plangen serve`, driven as a secretary uses it: a real server on a free port, real headless
Chromium (Debian's chromium + chromedriver through selenium), real saves of the plan file."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from plangen.view import load_view

REPO = Path(__file__).resolve().parents[1]
WAIT = 90.0  # generous: the 1 s target belongs to the benchmark, CI machines are slow


@pytest.fixture(scope="module")
def served(tmp_path_factory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("serve")
    plans = root / "plans"
    plans.mkdir()
    for f in ("yunxi-2024.yaml", "yunxi.roster.yaml", "luan-2024.yaml"):
        shutil.copy(REPO / "plans" / f, plans)
    (root / "secret.txt").write_text("SECRET-OUTSIDE-THE-FOLDER", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "plangen", "serve", str(plans), "--port", "0",
                             "-o", str(root / "out")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # type: ignore[union-attr]
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert m, line + proc.stderr.read()  # type: ignore[union-attr]
    yield {"port": int(m.group(1)), "plans": plans, "root": root, "proc": proc}
    proc.terminate()  # what Ctrl-C does, as a signal
    proc.wait(30)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    o = Options()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--window-size=1400,1000"):
        o.add_argument(a)
    o.binary_location = "/usr/bin/chromium"
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    yield d
    d.quit()


def get(port: int, path: str) -> tuple[int, bytes]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", path)  # sent as written: no client-side normalisation of ../
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body


def status(port: int) -> dict:  # type: ignore[type-arg]
    return json.loads(get(port, "/status")[1])


def wait_for(cond, what: str, timeout: float = WAIT):  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = cond()
        except Exception:  # noqa: BLE001 - element not there yet
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def outline(browser) -> str:  # type: ignore[no-untyped-def]
    return browser.find_element(By.ID, "outline").text


def page_versions(browser) -> set[str]:  # type: ignore[no-untyped-def]
    srcs = browser.execute_script("return [...document.querySelectorAll('#pages img')].map(i => i.src)")
    return {re.search(r"/v/(\d+)/page/", s).group(1) for s in srcs if s}  # type: ignore[union-attr]


def test_index_lists_every_plan_with_its_check_status(served, browser) -> None:  # type: ignore[no-untyped-def]
    browser.get(f"http://127.0.0.1:{served['port']}/")
    text = browser.find_element(By.ID, "plans").text
    assert "云溪区2024年教育体育工作要点" in text and "luan-2024" in text
    assert "yunxi.roster" not in text


def test_live_preview_edit_break_fix(served, browser) -> None:  # type: ignore[no-untyped-def]
    port, plan = served["port"], served["plans"] / "yunxi-2024.yaml"
    view = load_view(plan)
    first, second = view.plan.items[0], view.plan.items[1]
    browser.get(f"http://127.0.0.1:{port}/plan/yunxi-2024")
    wait_for(lambda: first.title in outline(browser), "the outline")
    assert view.plan.sections[0].title in outline(browser)
    assert "、".join(first.leaders) in outline(browser)
    pages = browser.find_elements(By.CSS_SELECTOR, "#pages img")
    assert len(pages) >= 10 and wait_for(lambda: browser.execute_script(
        "return [...document.querySelectorAll('#pages img')].slice(0,2).every(i => i.naturalWidth > 500)"), "images")
    v1 = page_versions(browser)

    # an edit: the outline and new page images follow
    text = plan.read_text(encoding="utf-8")
    edited = text.replace(f"title: {second.title}", "title: 预览测试改过的标题", 1)
    assert edited != text
    plan.write_text(edited, encoding="utf-8")
    wait_for(lambda: "预览测试改过的标题" in outline(browser), "the edited title")
    wait_for(lambda: page_versions(browser) and page_versions(browser) != v1, "new page images")
    v2 = page_versions(browser)

    # a broken save: the problem with its line, the old pages still there, marked old
    lines = edited.split("\n")
    no = next(i for i, line in enumerate(lines, 1) if "预览测试改过的标题" in line)
    lines[no - 1] = lines[no - 1].replace("预览测试改过的标题", "[预览测试改过的标题")
    plan.write_text("\n".join(lines), encoding="utf-8")
    problems = wait_for(lambda: browser.find_element(By.ID, "problems").is_displayed()
                        and "错误" in browser.find_element(By.ID, "problems").text
                        and browser.find_element(By.ID, "problems").text, "the problem")
    assert re.search(rf"yunxi-2024\.yaml:{no}:\d+", problems), problems
    assert f"第 {no} 行" in problems  # the offending source line is shown
    assert page_versions(browser) == v2 and len(browser.find_elements(By.CSS_SELECTOR, "#pages img")) >= 10
    assert "stale" in browser.find_element(By.ID, "pages").get_attribute("class")
    assert "已过期" in browser.find_element(By.ID, "banner").text

    # fixed: the problem goes away
    plan.write_text(edited.replace("预览测试改过的标题", "预览测试修好了"), encoding="utf-8")
    wait_for(lambda: "预览测试修好了" in outline(browser), "the fixed title")
    wait_for(lambda: "错误" not in browser.find_element(By.ID, "problems").text, "the problem to go")
    browser.save_screenshot(str(served["root"] / "plan.png"))


def test_sheet_tab_renders_when_opened(served, browser) -> None:  # type: ignore[no-untyped-def]
    port = served["port"]
    browser.get(f"http://127.0.0.1:{port}/plan/yunxi-2024")
    wait_for(lambda: browser.find_element(By.CSS_SELECTOR, "#tabs button[data-tab='1']"), "the sheet tabs")
    wait_for(lambda: not status(port)["rendering"] and not status(port)["queued"], "idle")
    before = status(port)["renders_done"]

    def click_tab() -> str:  # the page redraws its tabs on every update: find the button afresh
        tab = browser.find_element(By.CSS_SELECTOR, "#tabs button[data-tab='1']")
        name = tab.text
        tab.click()
        return name

    name = wait_for(click_tab, "a click on the first sheet tab")
    img = wait_for(lambda: browser.find_element(By.CSS_SELECTOR, "#sheet img"), "the sheet page")
    assert name in img.get_attribute("alt")
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#sheet a")]
    assert any(h.endswith("/xlsx") for h in links)
    code, body = get(port, links[0].split(str(port), 1)[1])
    assert code == 200 and body[:2] == b"PK"  # a real XLSX
    assert status(port)["renders_done"] == before  # a sheet is not a plan render


def test_downloads_are_what_render_writes(served) -> None:  # type: ignore[no-untyped-def]
    port = served["port"]
    assert get(port, "/plan/yunxi-2024")[0] == 200  # a first visit starts the render
    state = wait_for(lambda: (s := json.loads(get(port, "/plan/yunxi-2024/state")[1]))["good_version"] and s,
                     "a rendered version")
    v = state["good_version"]
    code, pdf = get(port, f"/plan/yunxi-2024/v/{v}/file.pdf")
    assert code == 200 and pdf.startswith(b"%PDF")
    code, docx = get(port, f"/plan/yunxi-2024/v/{v}/file.docx")
    assert code == 200 and docx[:2] == b"PK"


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/plan/../../secret.txt", "/plan/%2e%2e%2fsecret.txt", "/plan/..%2F..%2Fsecret.txt",
    "//etc/passwd", "/plan/yunxi-2024/v/1/page/..%2F..%2F..%2Fsecret.txt.png", "/plan/yunxi.roster",
    "/plan/yunxi-2024/v/1/file.yaml", "/plan/%2Fetc%2Fpasswd", "/plan/secret", "/etc/passwd",
    "/plan/yunxi-2024/v/1/sheet/0/..%2F..%2Fsecret.txt", "/plan/yunxi-2024/v/99999999999/page/1.png",
])
def test_nothing_outside_the_folder_is_served(served, path: str) -> None:  # type: ignore[no-untyped-def]
    code, body = get(served["port"], path)
    assert code == 404, (path, code)
    assert b"SECRET" not in body and b"root:x" not in body


def test_saves_in_quick_succession_coalesce(served, browser) -> None:  # type: ignore[no-untyped-def]
    port, plan = served["port"], served["plans"] / "luan-2024.yaml"
    browser.get(f"http://127.0.0.1:{port}/plan/luan-2024")
    title = load_view(plan).plan.items[0].title
    wait_for(lambda: title in outline(browser), "luan's outline")
    wait_for(lambda: not status(port)["rendering"] and not status(port)["queued"], "idle")
    before = status(port)["plans"]["luan-2024"]["version"]
    text = plan.read_text(encoding="utf-8")
    for k in range(3):
        plan.write_text(text.replace(f"title: {title}", f"title: 连续保存第{k + 1}次", 1), encoding="utf-8")
        time.sleep(0.03)
    wait_for(lambda: "连续保存第3次" in outline(browser), "the last save")
    wait_for(lambda: not status(port)["rendering"] and not status(port)["queued"], "idle again")
    time.sleep(1.0)  # nothing more may start after the last save was shown
    renders = status(port)["plans"]["luan-2024"]["version"] - before
    assert 1 <= renders <= 2, renders
    assert "连续保存第1次" not in outline(browser)


def test_server_stops_cleanly(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "plangen", "serve", str(tmp_path / "plans"), "--port", "0",
                             "-o", str(tmp_path / "out")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # type: ignore[union-attr]
    port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))  # type: ignore[union-attr]
    wait_for(lambda: get(port, "/status")[0] == 200, "the server")
    assert get(port, "/")[0] == 200
    proc.send_signal(signal.SIGINT)  # Ctrl-C
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "已停止" in out and "Traceback" not in err
