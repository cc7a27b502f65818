#!/usr/bin/python3
"""seed_flow.py - the seed's five steps in a real browser, as the new user
dave takes them: an administrator requires MFA for him (ldapmodify as
rootdn), so he is pending; he signs in, and under the code "Set it up
now" leads to the QR code and the secret; the code (from oathtool on the
secret read from the page) and "Next" store it through the enrol
operation; his recovery codes are shown once; an app password created,
copied and used by ldapwhoami, the list with its dates, "Revoke" with its
confirmation, and "Revoke all". Then he loses his phone: his password
and a recovery code sign him in, he sets up a new authenticator, and the
same recovery code is refused the second time; new recovery codes
replace the old ones. Run by tests/t0510-web-seed-flow.sh."""

import datetime
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import (Browser, LabelAudit, admin_modify, env, expect, expect_equal,  # noqa: E402
                     save_png, settle_totp, tap, time_cell, totp, values, whoami)
from selenium.webdriver.common.by import By  # noqa: E402

DAVE = env.dn("dave")
DAVE_PW = os.environ["DAVE_PW"]
# an app password as the tool prints it: five groups of four
APP_PASSWORD_RE = re.compile(r"^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){4}$")
NOT_RIGHT = "The username, password or code is not right."
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


def admin_requires_mfa():
    expect_equal(admin_modify(DAVE, "replace", "apppwMFARequired", "TRUE"), 0,
                 "ldapmodify's exit status")
    expect_equal(whoami(DAVE, DAVE_PW), (49, "ldap_bind: Invalid credentials (49)"),
                 "dave's password alone: ldapwhoami's exit status and output")


def set_it_up_now():
    b.submit_by("#signin")
    # the code page, as for anyone whose password does not sign in alone
    expect_equal(b.path(), "/", "the page after the password")
    expect(b.has("#code"), "the code field")
    expect_equal(b.text("#code-hint"), "The 6-digit code from your app, or a recovery code.",
                 "the code's hint")
    expect_equal(b.text("#setup-now"), "Set it up now", "the button")
    expect(not b.has("#signout"), "not signed in yet")
    labels.audit(b, "code")
    b.shot("03-set-it-up-now")


def nothing_stored():
    expect_equal(values(DAVE, "apppwMFARequired"), ["TRUE"], "dave's apppwMFARequired")
    expect_equal(values(DAVE, "apppwTOTPSecret"), [], "dave's apppwTOTPSecret")
    expect_equal(values(DAVE, "apppwRecoveryCode"), [], "dave's apppwRecoveryCode")


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


def recovery_codes():
    """The codes of the page shown, with their checks."""
    codes = [c.text.strip() for c in b.find_all("#recovery-codes li code")]
    expect_equal(len(codes), 10, "recovery codes shown")
    for c in codes:
        expect(APP_PASSWORD_RE.match(c), "the recovery code %r is grouped" % c)
    expect_equal(len(set(codes)), 10, "different codes")
    href = b.find("#download-codes").get_attribute("href")
    expect(href.startswith("data:text/plain;charset=utf-8,"), "Download's link: %r" % href[:40])
    expect(all(c in href for c in codes), "every code in the download")
    expect_equal(b.find("#download-codes").get_attribute("download"), "recovery-codes.txt",
                 "the download's name")
    expect(b.find("#copy-codes").is_displayed(), "Copy is shown when JavaScript runs")
    expect(b.find("#print-codes").is_displayed(), "Print is shown when JavaScript runs")
    return codes


def right_setup_code():
    settle_totp()
    code = totp(seen["secret"])	# oathtool --totp -b SECRET
    b.type("#code", code)
    b.forget_responses()
    b.submit_by("#next")
    r = b.last_document("/setup/verify")
    expect_equal(r["status"], 200, "the recovery codes' page: its status")
    expect("no-store" in r["headers"].get("cache-control", ""),
           "Cache-Control: no-store, not %r" % r["headers"].get("cache-control"))
    expect_equal(values(DAVE, "apppwMFARequired"), ["TRUE"], "dave's apppwMFARequired")
    expect_equal(values(DAVE, "apppwTOTPSecret"), [seen["secret"]], "dave's apppwTOTPSecret")
    seen["codes"] = recovery_codes()
    expect_equal(len(values(DAVE, "apppwRecoveryCode")), 10, "dave's apppwRecoveryCode values")
    labels.audit(b, "recovery codes")
    b.shot("04b-recovery-codes")
    b.submit_by("#continue")
    expect_equal(b.path(), "/apps", "the page after Continue")
    expect(b.has("#no-apps"), "#no-apps: none yet")
    expect_equal(b.text("#recovery-left"), "Recovery codes: 10 left", "the count")
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


def sign_in_as_dave(code):
    b.get("/")
    b.type("#username", "dave")
    b.type("#password", DAVE_PW)
    b.submit_by("#signin")
    b.type("#code", code)
    b.submit_by("#verify")


def lost_phone():
    b.submit_by("#signout")
    sign_in_as_dave(seen["codes"][0])
    expect_equal(b.path(), "/apps", "the page after the password and a recovery code")
    expect_equal(b.text("#recovery-left"), "Recovery codes: 9 left", "the count")
    expect_equal(len(values(DAVE, "apppwRecoveryCode")), 9, "dave's apppwRecoveryCode values")


def new_authenticator():
    b.submit_by("#new-authenticator")
    expect_equal(b.path(), "/setup", "the page")
    expect(b.has("#replaces"), "the note that the old one stops working")
    secret = re.sub(r"\s", "", b.text("#secret"))
    expect(secret != seen["secret"], "a new secret")
    settle_totp()
    b.type("#code", totp(secret))
    b.submit_by("#next")
    expect_equal(b.path(), "/apps", "the page after Next")
    expect_equal(values(DAVE, "apppwTOTPSecret"), [secret], "dave's apppwTOTPSecret")
    seen["secret2"] = secret


def recovery_code_twice():
    b.submit_by("#signout")
    sign_in_as_dave(seen["codes"][0])
    expect_equal(b.text("#error"), NOT_RIGHT, "the message")
    expect(b.has("#signin"), "the sign-in form again")
    expect_equal(len(values(DAVE, "apppwRecoveryCode")), 9, "dave's apppwRecoveryCode values")


def new_recovery_codes():
    # a later step than the one the set-up signed in with (the server's
    # window is wide in this scenario)
    sign_in_as_dave(totp(seen["secret2"], 3))
    expect_equal(b.path(), "/apps", "signed in with the new authenticator's code")
    b.submit_by("#new-recovery-codes")
    expect_equal(b.text("#confirm"), "Make new recovery codes", "the confirmation's button")
    expect_equal(b.find("#cancel").get_attribute("href"), env.url("/apps"), "Cancel's link")
    labels.audit(b, "new recovery codes confirmation")
    b.submit_by("#confirm")
    codes = recovery_codes()
    expect(not set(codes) & set(seen["codes"]), "all new codes")
    # the clipboard's permission was given for the app password's Copy
    b.find("#copy-codes").click()
    got = b.driver.execute_async_script("""
        var done = arguments[arguments.length - 1];
        navigator.clipboard.readText().then(done, function (e) { done("ERROR " + e); });""")
    expect_equal(got, "\n".join(codes) + "\n", "the clipboard after Copy")
    b.submit_by("#continue")
    expect_equal(b.text("#recovery-left"), "Recovery codes: 10 left", "the count")
    b.submit_by("#signout")
    sign_in_as_dave(seen["codes"][1])
    expect_equal(b.text("#error"), NOT_RIGHT, "an old code, never used: the message")
    seen["codes2"] = codes


def no_secret_logged():
    log = open(os.path.join(env.test_dir, "web.log"), encoding="utf-8", errors="replace").read()
    for what, s in (("dave's password", DAVE_PW), ("the TOTP secret", seen.get("secret")),
                    ("the new TOTP secret", seen.get("secret2")),
                    ("an app password", seen.get("pw")), ("an app password", seen.get("pw2")),
                    ("a recovery code", (seen.get("codes") or [None])[0]),
                    ("a recovery code", (seen.get("codes2") or [None])[0])):
        expect(s, "%s was seen" % what)
        expect(s not in log and s.replace("-", "") not in log, "%s is in web.log" % what)


tap.check("the sign-in page: Username, Password, Sign in, a csrf field", sign_in_page)
tap.check("an administrator requires MFA for dave (ldapmodify as rootdn): his "
          "password alone is refused (49)", admin_requires_mfa)
tap.check("dave's password leads to the code page, with 'Set it up now'", set_it_up_now)
tap.check("Set it up: QR code (svg), grouped secret, issuer, account, Code, Next; "
          "nothing stored", setup_page)
tap.check("a wrong code: the exact message, the same secret, nothing stored",
          wrong_setup_code)
tap.check("the code from oathtool --totp -b on the page's secret: Next stores the "
          "secret (enrol operation); 10 recovery codes shown once (Copy, Print, "
          "Download, no-store); then the list (empty), 10 left", right_setup_code)
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
tap.check("phone lost: the password and a recovery code sign dave in; 9 left", lost_phone)
tap.check("a new authenticator from that session: the secret replaced", new_authenticator)
tap.check("the same recovery code a second time: refused, the one message",
          recovery_code_twice)
tap.check("new recovery codes, after a confirmation: 10 new (Copy puts them on the "
          "clipboard); an old one refused",
          new_recovery_codes)
tap.check("every input on every page visited has a label", labels.check)
tap.check("web.log holds no password, secret or app password", no_secret_logged)
b.quit()
tap.done()
