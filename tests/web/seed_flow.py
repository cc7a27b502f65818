#!/usr/bin/python3
"""seed_flow.py - the seed's five steps in a real browser, as the new user
dave takes them: sign in, "Set it up now", the QR code and the secret,
the code (from oathtool on the secret read from the page), "Next", an app
password created, copied and used by ldapwhoami, the list with its dates,
"Revoke" with its confirmation, and "Revoke all". Run by
tests/t0510-web-seed-flow.sh."""

import datetime
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import (Browser, LabelAudit, env, expect, expect_equal, save_png,  # noqa: E402
                     settle_totp, tap, time_cell, totp, values, whoami)
from selenium.webdriver.common.by import By  # noqa: E402

DAVE = env.dn("dave")
DAVE_PW = os.environ["DAVE_PW"]
# an app password as the tool prints it: five groups of four
APP_PASSWORD_RE = re.compile(r"^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){4}$")
WRONG_SETUP_CODE = ("The code is not right. Check that your phone's clock is right "
                    "and try again.")
# the list's times are at most this far from the clock here (the
# minute shown, and the clocks of slapd and of this script are the same)
START = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)

labels = LabelAudit()
seen = {}
b = Browser("dave")


def label_of(css):
    el = b.find(css)
    return b.find('label[for="%s"]' % el.get_attribute("id")).text.strip()


def sign_in_page():
    b.get("/")
    expect_equal(b.path(), "/", "the page")
    expect_equal(label_of("#username"), "Username", "the username's label")
    expect_equal(label_of("#password"), "Password", "the password's label")
    expect_equal(b.find("#password").get_attribute("type"), "password", "the password's type")
    expect_equal(b.text("#signin"), "Sign in", "the button")
    expect(b.has('form[action="/signin"] input[type="hidden"][name="csrf"]'),
           "the form's hidden csrf field")
    expect_equal(b.lang(), "en", "<html lang>")
    labels.audit(b, "sign-in")
    b.type("#username", "dave")
    b.type("#password", DAVE_PW)
    b.shot("01-sign-in")


def set_it_up_now():
    b.submit_by("#signin")
    expect_equal(b.path(), "/home", "the page after the password")
    expect_equal(b.text("#setup-now"), "Set it up now", "the button")
    expect(not b.has("#not-available"), "no 'not available' note for dave")
    expect_equal(b.text("#signout"), "Sign out", "the sign-out button")
    labels.audit(b, "home")
    b.shot("03-set-it-up-now")


def nothing_stored():
    expect_equal(values(DAVE, "apppwMFARequired"), [], "dave's apppwMFARequired")
    expect_equal(values(DAVE, "apppwTOTPSecret"), [], "dave's apppwTOTPSecret")


def setup_page():
    b.submit_by("#setup-now")
    expect_equal(b.path(), "/setup", "the page")
    expect(b.has("#qr svg"), "an <svg> in #qr")
    shown = b.text("#secret")
    secret = re.sub(r"\s", "", shown)
    expect(re.fullmatch(r"[A-Z2-7]{16,}", secret), "the secret %r is base32" % secret)
    expect(shown != secret, "the secret %r is grouped for typing" % shown)
    expect(b.text("#issuer"), "an issuer")
    expect("dave" in b.text("#account"), "the account names dave: %r" % b.text("#account"))
    expect_equal(label_of("#code"), "Code", "the code's label")
    expect_equal(b.text("#next"), "Next", "the button")
    labels.audit(b, "setup")
    b.shot("04-set-up")
    seen["secret"] = secret
    nothing_stored()


def wrong_setup_code():
    secret = seen["secret"]
    near = {totp(secret, k) for k in range(-3, 4)}
    wrong = next(c for c in ("%06d" % i for i in range(123456, 999999, 111111))
                 if c not in near)
    b.type("#code", wrong)
    b.submit_by("#next")
    # the same page, wherever it is served from
    expect(b.has("#qr svg") and b.has("#next"), "the setup page again")
    expect_equal(b.text("#error"), WRONG_SETUP_CODE, "the message")
    expect_equal(b.find("#error").get_attribute("role"), "alert", "the message's role")
    expect_equal(re.sub(r"\s", "", b.text("#secret")), secret, "the same secret, still")
    nothing_stored()


def right_setup_code():
    settle_totp()
    code = totp(seen["secret"])	# oathtool --totp -b SECRET
    b.type("#code", code)
    b.submit_by("#next")
    expect_equal(b.path(), "/apps", "the page after the right code")
    expect(b.has("#no-apps"), "#no-apps: none yet")
    expect_equal(values(DAVE, "apppwMFARequired"), ["TRUE"], "dave's apppwMFARequired")
    expect_equal(values(DAVE, "apppwTOTPSecret"), [seen["secret"]], "dave's apppwTOTPSecret")
    expect_equal(b.text("#create"), "Create app password", "the button")
    expect_equal(label_of("#label"), "Label", "the label's label")
    labels.audit(b, "apps (empty)")


def create(label):
    """Create an app password named LABEL from /apps; its page's checks;
    the app password shown."""
    b.type("#label", label)
    b.forget_responses()
    b.submit_by("#create")
    expect_equal(b.path(), "/create", "the page of the new app password")
    r = b.last_document("/create")
    expect_equal(r["status"], 200, "its status")
    expect("no-store" in r["headers"].get("cache-control", ""),
           "Cache-Control: no-store, not %r" % r["headers"].get("cache-control"))
    pw = b.text("#app-password")
    expect(APP_PASSWORD_RE.match(pw), "the app password %r is grouped as the tool prints it" % pw)
    expect_equal(b.text("#username"), "dave", "the username a mail app needs")
    expect_equal(b.text("#server"), "mail.example.com", "the server a mail app needs")
    expect_equal(b.text("#done"), "Done", "the link back")
    labels.audit(b, "new app password")
    return pw


def create_phone():
    seen["pw"] = create("Phone")
    # shown in the README only once it is revoked, below
    seen["png"] = b.shot_png()


def copy_button():
    b.driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": env.web_url,
        "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    copy = b.find("#copy")
    expect(copy.is_displayed(), "the Copy button is shown when JavaScript runs")
    expect_equal(copy.text.strip(), "Copy", "its text")
    copy.click()
    got = b.driver.execute_async_script("""
        var done = arguments[arguments.length - 1];
        navigator.clipboard.readText().then(done, function (e) { done("ERROR " + e); });""")
    expect_equal(got, seen["pw"], "the clipboard")


def bind_with_it():
    rc, out = whoami(DAVE, seen["pw"])
    expect_equal((rc, out), (0, "dn:" + DAVE), "ldapwhoami's exit status and output")


def row(label):
    rows = [r for r in b.find_all("#apps tr.app")
            if r.find_element(By.CSS_SELECTOR, "td.label").text.strip() == label]
    expect_equal(len(rows), 1, "rows labelled %r" % label)
    return rows[0]


def cell(r, css):
    return r.find_element(By.CSS_SELECTOR, css).text.strip()


def the_list():
    b.submit_by("#done")
    expect_equal(b.path(), "/apps", "the page after Done")
    r = row("Phone")
    expect_equal(r.get_attribute("data-id"), seen["pw"][:4], "the row's data-id: the id")
    now = datetime.datetime.now(datetime.timezone.utc)
    created = time_cell(b, r, "td.created")
    expect(START <= created <= now, "created %s: today, during this test (%s to %s)" %
           (created, START, now))
    used = time_cell(b, r, "td.last-used")
    expect(created <= used <= now,
           "last used %s: after its creation %s, by the bind" % (used, created))
    expect_equal(cell(r, "td.expires"), "Never", "its expiry")
    expect_equal(cell(r, "td.scope"), "Any", "its scope")
    labels.audit(b, "apps")


def second_one():
    seen["pw2"] = create("Outlook on laptop")
    b.submit_by("#done")
    expect_equal(len(b.find_all("#apps tr.app")), 2, "rows")
    expect_equal(cell(row("Outlook on laptop"), "td.last-used"), "Never", "its last use")
    b.shot("06-app-passwords")


def revoke_phone():
    b.follow(row("Phone").find_element(By.CSS_SELECTOR, "button.revoke"))
    expect_equal(b.text("#confirm"), "Revoke", "the confirmation's button")
    expect_equal(b.find("#cancel").get_attribute("href"),
                 env.url("/apps"), "Cancel's link")
    labels.audit(b, "revoke confirmation")
    b.shot("07-revoke")
    b.submit_by("#cancel")
    expect_equal(len(b.find_all("#apps tr.app")), 2, "rows after Cancel")
    b.follow(row("Phone").find_element(By.CSS_SELECTOR, "button.revoke"))
    b.submit_by("#confirm")
    expect_equal(b.path(), "/apps", "the page after the revoke")
    expect_equal([cell(r, "td.label") for r in b.find_all("#apps tr.app")],
                 ["Outlook on laptop"], "the rows left")
    expect_equal(len(values(DAVE, "apppwPassword")), 1, "dave's apppwPassword values")


def bind_refused():
    rc, out = whoami(DAVE, seen["pw"])
    expect_equal((rc, out), (49, "ldap_bind: Invalid credentials (49)"),
                 "ldapwhoami's exit status and output")
    # the page that showed it may go to the README now: it is dead
    if env.screenshots and "png" in seen:
        save_png("05-app-password", seen["png"])


def revoke_all():
    b.submit_by("#revoke-all")
    expect_equal(b.text("#confirm"), "Revoke", "the confirmation's button")
    expect(b.has("#cancel"), "a Cancel link")
    labels.audit(b, "revoke-all confirmation")
    b.submit_by("#confirm")
    expect_equal(b.path(), "/apps", "the page after Revoke all")
    expect(b.has("#no-apps"), "#no-apps")
    expect_equal(values(DAVE, "apppwPassword"), [], "dave's apppwPassword values")
    rc, out = whoami(DAVE, seen["pw2"])
    expect_equal(rc, 49, "the other one's bind")


def no_secret_logged():
    log = open(os.path.join(env.test_dir, "web.log"), encoding="utf-8", errors="replace").read()
    for what, s in (("dave's password", DAVE_PW), ("the TOTP secret", seen.get("secret")),
                    ("an app password", seen.get("pw")), ("an app password", seen.get("pw2"))):
        expect(s, "%s was seen" % what)
        expect(s not in log and s.replace("-", "") not in log, "%s is in web.log" % what)


tap.check("the sign-in page: Username, Password, Sign in, a csrf field", sign_in_page)
tap.check("dave's password signs him in; he sees 'Set it up now'", set_it_up_now)
tap.check("Set it up: QR code (svg), grouped secret, issuer, account, Code, Next; "
          "nothing stored", setup_page)
tap.check("a wrong code: the exact message, the same secret, nothing stored",
          wrong_setup_code)
tap.check("the code from oathtool --totp -b on the page's secret: Next stores "
          "secret and MFA flag, then the list (empty)", right_setup_code)
tap.check("Create app password 'Phone': shown once, grouped, with server and "
          "username, Cache-Control: no-store", create_phone)
tap.check("Copy puts the app password on the clipboard", copy_button)
tap.check("ldapwhoami binds with the app password the page showed", bind_with_it)
tap.check("the list: label, created today and last used (<time datetime>), "
          "expires Never, scope Any", the_list)
tap.check("a second app password is listed, never used", second_one)
tap.check("Revoke asks first (Cancel keeps it), then removes that one only", revoke_phone)
tap.check("the revoked app password's bind is refused (49)", bind_refused)
tap.check("Revoke all, confirmed: none left, the other one refused too", revoke_all)
tap.check("every input on every page visited has a label", labels.check)
tap.check("web.log holds no password, secret or app password", no_secret_logged)
b.quit()
tap.done()
