#!/usr/bin/python3
"""sign_in.py - signing in and out of apppw-web in a real browser: the
MFA user alice with her password and a code, the one message for every
failure, a request without its CSRF token refused (403) and without
effect, "Sign out" ending the session for good, the plain user paul told
that app passwords are not for him, and the pages without JavaScript.
Run by tests/t0511-web-sign-in.sh."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import (Browser, Codes, LabelAudit, env, expect, expect_equal,  # noqa: E402
                     settle_totp, tap, totp, values)

ALICE = env.dn("alice")
ALICE_PW = os.environ["ALICE_PW"]
PAUL_PW = os.environ["PAUL_PW"]
NOT_RIGHT = "The username, password or code is not right."

codes = Codes(os.environ["ALICE_TOTP"])
labels = LabelAudit()
seen = {}
b = Browser("sign-in")


def sign_in(browser, username, password):
    browser.get("/")
    browser.type("#username", username)
    browser.type("#password", password)
    browser.submit_by("#signin")


def code_page():
    sign_in(b, "alice", ALICE_PW)
    expect(not b.has("#error"), "no error after the right password")
    expect(b.has('form[action="/code"]'), "a form posting to /code")
    code = b.find("#code")
    expect_equal(b.find('label[for="code"]').text.strip(), "Code", "the code's label")
    expect_equal(code.get_attribute("autocomplete"), "one-time-code", "its autocomplete")
    expect_equal(code.get_attribute("maxlength"), "40", "its maxlength: room for a recovery code")
    expect_equal(b.text("#code-hint"), "The 6-digit code from your app, or a recovery code.",
                 "its hint")
    expect_equal(b.text("#verify"), "Verify", "the button")
    expect(b.has('form[action="/code"] input[type="hidden"][name="csrf"]'), "a csrf field")
    labels.audit(b, "code")
    settle_totp()
    b.type("#code", totp(os.environ["ALICE_TOTP"]))
    b.shot("02-code")


def wrong_code():
    near = {totp(os.environ["ALICE_TOTP"], k) for k in range(-10, 11)}
    wrong = next(c for c in ("%06d" % i for i in range(100000, 999999, 12345)) if c not in near)
    b.type("#code", wrong)
    b.submit_by("#verify")
    expect_equal(b.text("#error"), NOT_RIGHT, "the message")
    expect_equal(b.find("#error").get_attribute("role"), "alert", "its role")
    expect(b.has("#signin"), "the sign-in form again")
    b.get("/apps")
    expect_equal(b.path(), "/", "/apps after a wrong code leads to")


def password_and_code():
    sign_in(b, "alice", ALICE_PW)
    b.type("#code", codes.next())
    b.submit_by("#verify")
    expect_equal(b.path(), "/apps", "the page after the code")
    expect(b.has("#apps") or b.has("#no-apps"), "the list, or #no-apps")
    expect_equal(b.text("#signout"), "Sign out", "the sign-out button")
    labels.audit(b, "apps")
    b.get("/")
    expect_equal(b.path(), "/apps", "/ for a signed-in MFA user leads to")


def post_without_token():
    before = values(ALICE, "apppwPassword")
    b.get("/apps")
    b.driver.execute_script(
        'document.querySelector(\'form[action="/create"] input[name="csrf"]\').remove();')
    b.type("#label", "Forged")
    b.forget_responses()
    b.submit_by("#create")
    expect_equal(b.last_document("/create")["status"], 403, "the status")
    expect_equal(values(ALICE, "apppwPassword"), before, "alice's app passwords")
    expect(not b.has("#app-password"), "no app password shown")


def post_with_wrong_token():
    b.get("/apps")
    b.driver.execute_script("""
        var f = document.querySelector('form[action="/signout"] input[name="csrf"]');
        f.value = f.value.replace(/^./, function (c) { return c === "0" ? "1" : "0"; });""")
    b.forget_responses()
    b.submit_by("#signout")
    expect_equal(b.last_document("/signout")["status"], 403, "the status")
    b.get("/apps")
    expect_equal(b.path(), "/apps", "still signed in: /apps")


def sign_out():
    b.get("/apps")
    old = b.cookie("apppw_session")
    expect(old, "a session cookie")
    expect(old.get("httpOnly"), "the session cookie is HttpOnly")
    expect_equal(old.get("sameSite"), "Strict", "the session cookie's SameSite")
    b.submit_by("#signout")
    expect_equal(b.path(), "/", "the page after Sign out")
    expect(b.has("#signin"), "the sign-in form")
    b.get("/apps")
    expect_equal(b.path(), "/", "/apps after Sign out leads to")
    # the old session's cookie, sent again, is worth nothing
    b.driver.delete_all_cookies()
    b.driver.add_cookie({"name": "apppw_session", "value": old["value"], "path": "/"})
    b.get("/apps")
    expect_equal(b.path(), "/", "/apps with the old session's cookie leads to")


def refused_after_code(username, password):
    """A wrong password, or an unknown user, is asked for a code as an MFA
    user is (the page tells nothing yet); then comes the one message."""
    sign_in(b, username, password)
    expect(not b.has("#error"), "no message before the code")
    expect(b.has("#code"), "the code page")
    b.type("#code", "123456")
    b.submit_by("#verify")
    expect_equal(b.text("#error"), NOT_RIGHT, "the message")
    expect(b.has("#signin"), "the sign-in form again")


def wrong_password():
    b.driver.delete_all_cookies()
    refused_after_code("paul", PAUL_PW + "x")
    refused_after_code("nobody", "whatever")


def plain_user():
    sign_in(b, "paul", PAUL_PW)
    expect_equal(b.path(), "/home", "the page after the password")
    note = b.text("#not-available")
    expect(re.search(r"not available", note), "the note says not available: %r" % note)
    expect(not b.has("#setup-now"), "no 'Set it up now'")
    labels.audit(b, "home (not available)")
    b.submit_by("#signout")


def without_javascript():
    nojs = Browser("nojs", js=False)
    try:
        sign_in(nojs, "alice", ALICE_PW)
        nojs.type("#code", codes.next())
        nojs.submit_by("#verify")
        expect_equal(nojs.path(), "/apps", "the page after the code")
        nojs.type("#label", "No script")
        nojs.submit_by("#create")
        expect(nojs.text("#app-password"), "the app password is shown")
        expect(not nojs.find("#copy").is_displayed(), "no Copy button without JavaScript")
        nojs.submit_by("#done")
        expect_equal([r.text.strip() for r in nojs.find_all("#apps tr.app td.label")],
                     ["No script"], "the list's labels")
        nojs.submit_by("#signout")
        expect_equal(nojs.path(), "/", "the page after Sign out")
    finally:
        nojs.quit()


tap.check("alice's password leads to the code page: Code (one-time-code), Verify",
          code_page)
tap.check("a wrong code: back to sign-in, with the one message", wrong_code)
tap.check("the password and a right code sign alice in: the list", password_and_code)
tap.check("a POST without the CSRF token: 403, nothing created", post_without_token)
tap.check("a POST with a wrong CSRF token: 403, still signed in", post_with_wrong_token)
tap.check("Sign out: back to sign-in; the old session cookie is dead (HttpOnly, "
          "SameSite=Strict)", sign_out)
tap.check("a wrong password, an unknown user: the one message", wrong_password)
tap.check("paul (no apppwUser) is told app passwords are not available", plain_user)
tap.check("without JavaScript: sign in, create, list, sign out; no Copy button",
          without_javascript)
tap.check("every input on every page visited has a label", labels.check)
b.quit()
tap.done()
