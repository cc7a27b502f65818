"""browser.py - what the browser tests of apppw-web share

A browser script (tests/web/*.py) is run by a shell scenario
(tests/t051*.sh, through tests/lib/browser-lib.sh's run_browser) that has
started a private slapd and apppw-web. The scenario passes what the script
needs in the environment (see Env), and the script prints TAP lines
numbered from TAP_START + 1, which run_browser adds to the scenario's own.

Chromium runs headless, with a profile in the scenario's directory, under
a chromedriver in a process group of its own: the group is killed when
the script ends, however it ends (a check's failure, an exception, SIGTERM
from the scenario's timeout).

Run with /usr/bin/python3: Debian's python3-selenium is installed for the
system's Python only.
"""

import atexit
import base64
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time
import traceback
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# how long a page may take to come (a busy machine: several test scripts
# and their servers share two cores); never a timing check
PAGE_WAIT = 30


class Env:
    """The scenario's settings, from the environment."""

    def __init__(self):
        e = os.environ
        self.web_url = e["WEB_URL"].rstrip("/")
        self.ldap_uri = e["LDAP_URI"]
        self.base_dn = e["BASE_DN"]
        self.admin_dn = e["ADMIN_DN"]
        self.admin_pw = e["ADMIN_PW"]
        self.test_dir = e["TEST_DIR"]
        self.po_dir = e["PO_DIR"]
        self.totp_window = int(e.get("TOTP_WINDOW", "1"))
        self.screenshots = e.get("APPPW_SCREENSHOTS") or None
        self.user_dn_template = e["WEB_USER_DN"]

    def dn(self, username):
        return self.user_dn_template.replace("%s", username)

    def url(self, path):
        return self.web_url + path


env = Env()


# ---------------------------------------------------------------- TAP

class Tap:
    """TAP lines numbered after the scenario's own; each check runs in
    check(), which turns an exception into "not ok" with its story."""

    def __init__(self):
        self.n = int(os.environ.get("TAP_START", "0"))
        self.failed = 0
        self.browsers = []

    def result(self, ok, title, diag=""):
        self.n += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, title))
        if not ok:
            self.failed += 1
            for line in str(diag).rstrip("\n").split("\n"):
                print("# " + line)
        sys.stdout.flush()
        return ok

    def check(self, title, fn, *args):
        """Run fn(*args); ok unless it raises. A failure shows the
        exception and keeps each browser's page (screenshot and HTML)
        in the test directory. With TEST_VERBOSE, each check says how
        long it took (where the suite's time goes, not a check)."""
        start = time.monotonic()
        try:
            fn(*args)
        except Exception:  # every failure is reported, none stops the rest
            diag = failure_story()
            for b in self.browsers:
                diag += "\n" + b.keep_evidence("fail-%d" % (self.n + 1))
            return self.result(False, title, diag)
        ok = self.result(True, title)
        if os.environ.get("TEST_VERBOSE"):
            print("# %.1f s" % (time.monotonic() - start))
        return ok

    def done(self):
        print("# browser script done: %d checks, %d failed" %
              (self.n - int(os.environ.get("TAP_START", "0")), self.failed))
        sys.stdout.flush()


tap = Tap()


def failure_story():
    """The exception being handled, told in the test scripts' own lines
    (not Selenium's) and its message without chromedriver's stack."""
    kind, err, tb = sys.exc_info()
    here = os.path.dirname(os.path.abspath(__file__))
    frames = [f for f in traceback.extract_tb(tb) if f.filename.startswith(here)]
    lines = ["%s:%d in %s: %s" % (os.path.basename(f.filename), f.lineno, f.name, f.line)
             for f in frames]
    msg = str(getattr(err, "msg", None) or err).split("\nStacktrace:")[0]
    return "\n".join(lines + ["%s: %s" % (kind.__name__, msg.strip())])


class CheckFailed(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise CheckFailed(what)


def expect_equal(got, want, what):
    if got != want:
        raise CheckFailed("%s: expected %r, got %r" % (what, want, got))


# ---------------------------------------------------------------- browser

_groups = []


def _kill_groups():
    for pgid in _groups:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
    del _groups[:]


atexit.register(_kill_groups)
# the scenario's timeout sends SIGTERM: exit through atexit
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


class Browser:
    """One headless Chromium. lang: the Accept-Language it sends (with
    --lang); js=False: JavaScript off for every site."""

    def __init__(self, name, lang="en-US", js=True, width=900, height=760):
        self.name = name
        profile = os.path.join(env.test_dir, "chromium-" + name)
        os.makedirs(profile, exist_ok=True)
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                    "--user-data-dir=" + profile, "--lang=" + lang,
                    "--window-size=%d,%d" % (width, height),
                    "--no-first-run", "--no-default-browser-check",
                    "--disable-extensions", "--disable-background-networking",
                    "--disable-sync", "--disable-component-update",
                    "--hide-scrollbars"):
            opts.add_argument(arg)
        prefs = {"intl.accept_languages": lang}
        if not js:
            prefs["profile.managed_default_content_settings.javascript"] = 2
        opts.add_experimental_option("prefs", prefs)
        # the responses' statuses and headers, read from the DevTools log
        opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        for path in (CHROMIUM, CHROMEDRIVER):
            # (a missing driver would make Selenium try to download one)
            expect(os.access(path, os.X_OK), "no %s: tools/bootstrap/deps.sh installs it" % path)
        # chromedriver leads a process group of its own, Chromium in it
        service = Service(CHROMEDRIVER,
                          log_path=os.path.join(env.test_dir, "chromedriver-%s.log" % name),
                          env=dict(os.environ, HOME=profile, XDG_CONFIG_HOME=profile,
                                   XDG_CACHE_HOME=profile),
                          popen_kw={"start_new_session": True})
        self.service = service
        try:
            self.driver = webdriver.Chrome(service=service, options=opts)
        finally:
            if getattr(service, "process", None):
                _groups.append(service.process.pid)
        self.driver.set_page_load_timeout(PAGE_WAIT)
        self.driver.implicitly_wait(0)
        self.responses = []
        tap.browsers.append(self)

    def quit(self):
        try:
            self.driver.quit()
        except Exception:
            pass
        pgid = self.service.process.pid
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
        if pgid in _groups:
            _groups.remove(pgid)
        tap.browsers.remove(self)

    def keep_evidence(self, tag):
        """The page as it is, kept for the one who reads a failure."""
        base = os.path.join(env.test_dir, "%s-%s" % (tag, self.name))
        try:
            self.driver.save_screenshot(base + ".png")
            with open(base + ".html", "w") as f:
                f.write(self.driver.page_source)
            return "%s: at %s; page kept in %s.png and .html" % (
                self.name, self.driver.current_url, base)
        except Exception as e:
            return "%s: page not kept (%s)" % (self.name, e)

    # -- pages

    def get(self, path):
        """Load PATH of the scenario's apppw-web."""
        self.driver.get(env.url(path))

    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def has(self, css):
        return len(self.find_all(css)) > 0

    def text(self, css):
        return self.find(css).text.strip()

    def lang(self):
        return self.find("html").get_attribute("lang")

    def type(self, css, value):
        el = self.find(css)
        el.clear()
        el.send_keys(value)

    def submit_by(self, css):
        """Click a submit button or a link, and wait for the page it
        leads to."""
        self.follow(self.find(css))

    def follow(self, el):
        """Click EL, a button or link of the page, and wait for the page
        it leads to (not only for a document that is complete: the old
        one is, until the new one replaces it)."""
        old = self.find("html")
        el.click()
        self.wait_replaced(old)

    def wait_replaced(self, old):
        """Wait until the page whose <html> was OLD is replaced, and the
        new one is loaded."""
        WebDriverWait(self.driver, PAGE_WAIT).until(lambda d: _stale(old))
        self.wait_loaded()

    def wait_loaded(self):
        WebDriverWait(self.driver, PAGE_WAIT).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def shot(self, name):
        """A screenshot for the README, when the scenario asks for them."""
        if env.screenshots:
            save_png(name, self.shot_png())

    def shot_png(self):
        """The whole page as PNG, not only the window's part of it."""
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        png = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"],
                     "scale": 1}})["data"]
        return base64.b64decode(png)

    def cookie(self, name):
        return self.driver.get_cookie(name)

    # -- what the server answered, from the DevTools log

    def _drain(self):
        for entry in self.driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg.get("method") == "Network.responseReceived":
                r = msg["params"]["response"]
                if msg["params"].get("type") == "Document":
                    self.responses.append(r)

    def last_document(self, path=None):
        """The last document response (of PATH, if given): url, status,
        headers (names in lower case)."""
        self._drain()
        for r in reversed(self.responses):
            if path is None or urllib.parse.urlsplit(r["url"]).path == path:
                return {"url": r["url"], "status": r["status"],
                        "headers": {k.lower(): v for k, v in r["headers"].items()}}
        raise CheckFailed("no response for %s in the DevTools log" % (path or "a page"))

    def forget_responses(self):
        self._drain()
        self.responses = []


def save_png(name, png):
    """NAME.png in the screenshots' directory."""
    os.makedirs(env.screenshots, exist_ok=True)
    with open(os.path.join(env.screenshots, name + ".png"), "wb") as f:
        f.write(png)


def _stale(el):
    try:
        el.tag_name
        return False
    except WebDriverException:
        return True


# ---------------------------------------------------------------- checks

def unlabelled_inputs(b):
    """The inputs of the page, hidden ones aside, that have neither a
    <label for> nor an aria-label / aria-labelledby; and buttons with no
    text nor aria-label. A list of descriptions (empty: all named)."""
    return b.driver.execute_script("""
        var bad = [];
        document.querySelectorAll("input, select, textarea").forEach(function (el) {
            if (el.type === "hidden") return;
            var named = (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]'))
                || (el.getAttribute("aria-label") || "").trim()
                || el.getAttribute("aria-labelledby");
            if (!named) bad.push(el.outerHTML);
        });
        document.querySelectorAll("button").forEach(function (el) {
            if (!(el.textContent.trim() || (el.getAttribute("aria-label") || "").trim()))
                bad.push(el.outerHTML);
        });
        return bad;
    """)


class LabelAudit:
    """Every page the walk visits is checked for unnamed controls; the
    result is one check at the end, naming the pages."""

    def __init__(self):
        self.pages = []
        self.problems = []

    def audit(self, b, page):
        bad = unlabelled_inputs(b)
        self.pages.append(page)
        for el in bad:
            self.problems.append("%s: %s" % (page, el))

    def check(self):
        expect(self.pages, "no page audited")
        expect(not self.problems, "controls without a label:\n" + "\n".join(self.problems))


# ---------------------------------------------------------------- LDAP, TOTP

def totp(secret, offset_steps=0, step=30):
    """The code oathtool computes for SECRET (base32), OFFSET_STEPS steps
    from now."""
    t = int(time.time()) + offset_steps * step
    return subprocess.run(["oathtool", "--totp", "-b", "-N", "@%d" % t, secret],
                          check=True, capture_output=True, text=True).stdout.strip()


class Codes:
    """Codes for several password+code sign-ins of one user, each of a
    later step than the one before (the overlay refuses a step used
    before): the scenario's slapd runs with apppw-totp-window W, and the
    codes go from -(W-1) to W-1 steps from now, as test-lib's next_totp."""

    def __init__(self, secret):
        self.secret = secret
        self.offset = 1 - env.totp_window

    def next(self):
        expect(self.offset < env.totp_window, "no codes left for this secret")
        code = totp(self.secret, self.offset)
        self.offset += 1
        return code


def settle_totp(margin=4, step=30):
    """Wait for the next TOTP step if fewer than MARGIN seconds are left
    in this one, so that a code computed now is current when checked."""
    left = step - int(time.time()) % step
    if left < margin:
        time.sleep(left)


def whoami(dn, password):
    """ldapwhoami's exit status and output (stdout and stderr)."""
    r = subprocess.run(["ldapwhoami", "-x", "-H", env.ldap_uri, "-D", dn, "-w", password],
                       capture_output=True, text=True)
    return r.returncode, (r.stdout + r.stderr).strip()


def values(dn, attr):
    """DN's values of ATTR, read as rootdn."""
    r = subprocess.run(["ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", env.ldap_uri,
                        "-D", env.admin_dn, "-w", env.admin_pw, "-b", dn, "-s", "base", attr],
                       check=True, capture_output=True, text=True)
    return [line.split(": ", 1)[1] for line in r.stdout.splitlines()
            if line.lower().startswith(attr.lower() + ": ")]


def admin_modify(dn, op, attr, *vals):
    """One change of DN's ATTR (op: add, replace or delete) with ldapmodify
    as rootdn, as an administrator makes it; ldapmodify's exit status."""
    ldif = "dn: %s\nchangetype: modify\n%s: %s\n" % (dn, op, attr)
    ldif += "".join("%s: %s\n" % (attr, v) for v in vals)
    r = subprocess.run(["ldapmodify", "-x", "-H", env.ldap_uri, "-D", env.admin_dn,
                        "-w", env.admin_pw], input=ldif, capture_output=True, text=True)
    return r.returncode


# ---------------------------------------------------------------- catalogs

def po_translations(lang):
    """msgid -> msgstr of po/LANG.po: the entries msgfmt takes (not
    fuzzy, translated), without context or plural, each as the gettext
    tools write it, a block of lines between blank lines."""
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}

    def unq(s):
        return re.sub(r'\\(.)', lambda m: escapes.get(m.group(1), m.group(0)), s)

    out = {}
    text = open(os.path.join(env.po_dir, lang + ".po"), encoding="utf-8").read()
    for block in re.split(r"\n\s*\n", text):
        fields, key, fuzzy = {}, None, False
        for line in block.split("\n"):
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr)\s+"(.*)"$', line)
            if m:
                key = m.group(1)
                fields[key] = unq(m.group(2))
            elif key and re.match(r'^"(.*)"$', line):
                fields[key] += unq(line[1:-1])
        if (not fuzzy and fields.get("msgid") and fields.get("msgstr")
                and "msgctxt" not in fields and "msgid_plural" not in fields):
            out[fields["msgid"]] = fields["msgstr"]
    return out


# ---------------------------------------------------------------- dates

TIME_RE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z$")


def time_cell(b, row, css):
    """The <time> of a cell: (datetime as a UTC datetime, its text);
    the text must be the same instant shown as YYYY-MM-DD HH:MM."""
    cell = row.find_element(By.CSS_SELECTOR, css)
    times = cell.find_elements(By.TAG_NAME, "time")
    expect_equal(len(times), 1, "<time> elements in %s" % css)
    dt = times[0].get_attribute("datetime")
    m = TIME_RE.match(dt or "")
    expect(m, "%s: datetime %r is not YYYY-MM-DDTHH:MM:SSZ" % (css, dt))
    when = datetime.datetime(*map(int, m.groups()), tzinfo=datetime.timezone.utc)
    expect_equal(times[0].text.strip(), when.strftime("%Y-%m-%d %H:%M"),
                 "%s: the text of <time datetime=%s>" % (css, dt))
    return when
