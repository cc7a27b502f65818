#!/usr/bin/python3
"""language.py - apppw-web in Swedish, chosen by the browser's
Accept-Language (Chromium's --lang and intl.accept_languages) and by the
#lang switch, with the texts of po/sv.po. Run by
tests/t0512-web-language.sh."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import (Browser, CheckFailed, expect, expect_equal, po_translations, settle_totp,  # noqa: E402
                     tap, totp)

DAVE_PW = os.environ["DAVE_PW"]
NOT_RIGHT = "The username, password or code is not right."
sv = {}


def swedish(msgid):
    """The Swedish of an English text, as po/sv.po has it."""
    expect(msgid in sv, "po/sv.po translates %r" % msgid)
    return sv[msgid]


def untranslated(b, page):
    """No English text that po/sv.po translates is left on the page: each
    msgid with a different msgstr, as a whole phrase of the page's text
    (placeholders such as %s cut it into phrases)."""
    text = " ".join(b.text("body").split())
    left = []
    for msgid, msgstr in sv.items():
        if msgid == msgstr:
            continue
        for phrase in re.split(r"%[0-9]*\$?[sdu]", msgid):
            phrase = " ".join(phrase.split())
            if len(phrase) > 3 and re.search(r"(?<!\w)%s(?!\w)" % re.escape(phrase), text):
                left.append(phrase)
    expect(not left, "%s: English left on the Swedish page: %r" % (page, left))


def sign_in(browser, username, password):
    browser.get("/")
    browser.type("#username", username)
    browser.type("#password", password)
    browser.submit_by("#signin")


def catalog():
    sv.update(po_translations("sv"))
    expect_equal(sv.get("Sign in"), "Logga in", "po/sv.po's 'Sign in'")


def accept_language(b):
    b.get("/")
    expect_equal(b.lang(), "sv", "<html lang>")
    expect_equal(b.text("#signin"), swedish("Sign in"), "the button")
    expect_equal(b.text('label[for="username"]'), swedish("Username"), "a label")
    expect_equal(b.text('label[for="password"]'), swedish("Password"), "a label")
    body = b.text("body")
    for english in ("Sign in", "Username", "Password"):
        expect(english not in body, "no English %r on the page: %r" % (english, body))
    untranslated(b, "sign-in")
    b.shot("08-sign-in-sv")


def swedish_error(b):
    sign_in(b, "dave", DAVE_PW + "x")
    # asked for a code, as an MFA user would be
    expect_equal(b.text('label[for="code"]'), swedish("Code"), "the code's label")
    expect_equal(b.text("#verify"), swedish("Verify"), "the button")
    untranslated(b, "code")
    b.type("#code", "123456")
    b.submit_by("#verify")
    expect_equal(b.text("#error"), swedish(NOT_RIGHT), "the message")


def swedish_home(b):
    sign_in(b, "dave", DAVE_PW)
    # pending: the code page, with its set-up for a first authenticator
    expect_equal(b.path(), "/", "the page")
    expect_equal(b.lang(), "sv", "<html lang>")
    expect_equal(b.text("#setup-now"), swedish("Set it up now"), "the button")
    expect_equal(b.text("#code-hint"),
                 swedish("The 6-digit code from your app, or a recovery code."), "the hint")
    untranslated(b, "code")


def switch(b, to):
    b.submit_by('#lang a[href="?lang=%s"]' % to)


def switch_to_english(b):
    switch(b, "en")
    expect_equal(b.path(), "/", "the same page")
    expect_equal(b.lang(), "en", "<html lang>")
    expect_equal(b.text("#setup-now"), "Set it up now", "the button")
    b.get("/")
    expect_equal(b.lang(), "en", "<html lang> of the next page (the choice is kept)")
    switch(b, "sv")
    expect_equal(b.lang(), "sv", "<html lang> after ?lang=sv")
    expect_equal(b.text("#setup-now"), swedish("Set it up now"), "the button")


def swedish_setup(b):
    b.submit_by("#setup-now")
    expect(b.has("#qr svg"), "the setup page")
    expect_equal(b.text("#next"), swedish("Next"), "the button")
    untranslated(b, "setup")
    secret = re.sub(r"\s", "", b.text("#secret"))
    settle_totp()
    b.type("#code", totp(secret))
    b.submit_by("#next")
    expect_equal(b.lang(), "sv", "<html lang>")
    expect_equal(len(b.find_all("#recovery-codes li")), 10, "the recovery codes")
    expect_equal(b.text("#download-codes"), swedish("Download as text"), "the download link")
    expect_equal(b.text("#print-codes"), swedish("Print"), "the Print button")
    untranslated(b, "recovery codes")
    b.submit_by("#continue")
    expect_equal(b.path(), "/apps", "the page after the code")
    expect_equal(b.text("#recovery-left"), swedish("Recovery codes: %d left").replace("%d", "10"),
                 "the count")
    expect_equal(b.lang(), "sv", "<html lang>")
    expect_equal(b.text("#create"), swedish("Create app password"), "the button")
    untranslated(b, "apps")
    b.type("#label", "Telefon")
    b.submit_by("#create")
    expect(b.text("#app-password"), "the new app password")
    expect_equal(b.text("#copy"), swedish("Copy"), "the Copy button")
    untranslated(b, "new app password")
    b.submit_by("#done")
    expect_equal(b.text("#apps tr.app td.last-used"), swedish("Never"), "an unused one's last use")
    b.submit_by("#apps button.revoke")
    untranslated(b, "revoke confirmation")
    b.submit_by("#confirm")
    untranslated(b, "apps (empty)")
    b.submit_by("#signout")


def english_browser_switches():
    en = Browser("en", lang="en-US")
    try:
        en.get("/")
        expect_equal(en.lang(), "en", "<html lang> for Accept-Language en-US")
        expect_equal(en.text("#signin"), "Sign in", "the button")
        # the check of the Swedish pages would see this page's English
        try:
            untranslated(en, "sign-in in English")
            expect(False, "untranslated() finds no English on the English page")
        except CheckFailed as e:
            expect("English left" in str(e), "untranslated() said %s" % e)
        switch(en, "sv")
        expect_equal(en.lang(), "sv", "<html lang> after ?lang=sv")
        expect_equal(en.text("#signin"), swedish("Sign in"), "the button")
        expect(en.cookie("apppw_lang"), "the apppw_lang cookie")
        en.get("/")
        expect_equal(en.lang(), "sv", "<html lang> of the next page")
    finally:
        en.quit()


tap.check("po/sv.po is there and says 'Logga in'", catalog)
b = Browser("sv", lang="sv-SE,sv")
tap.check("Accept-Language sv: the sign-in page in Swedish, <html lang=sv>",
          accept_language, b)
tap.check("the failure message in Swedish", swedish_error, b)
tap.check("pending: the code page, 'Set it up now' and the hint in Swedish", swedish_home, b)
tap.check("the #lang switch: English, kept for the next page, and back",
          switch_to_english, b)
tap.check("dave sets it up, creates and revokes an app password, all in Swedish",
          swedish_setup, b)
tap.check("an English browser switches to Swedish with #lang", english_browser_switches)
b.quit()
tap.done()
