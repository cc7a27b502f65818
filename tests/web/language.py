#!/usr/bin/python3
"""language.py - apppw-web in Swedish, chosen by the browser's
Accept-Language (Chromium's --lang and intl.accept_languages) and by the
#lang switch, with the texts of po/sv.po. Run by
tests/t0512-web-language.sh."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import (Browser, env, expect, expect_equal, po_translations,  # noqa: E402
                     tap)

DAVE_PW = os.environ["DAVE_PW"]
NOT_RIGHT = "The username, password or code is not right."
sv = {}


def swedish(msgid):
    """The Swedish of an English text, as po/sv.po has it."""
    expect(msgid in sv, "po/sv.po translates %r" % msgid)
    return sv[msgid]


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
    b.shot("08-sign-in-sv")


def swedish_error(b):
    sign_in(b, "dave", DAVE_PW + "x")
    # asked for a code, as an MFA user would be
    expect_equal(b.text('label[for="code"]'), swedish("Code"), "the code's label")
    expect_equal(b.text("#verify"), swedish("Verify"), "the button")
    b.type("#code", "123456")
    b.submit_by("#verify")
    expect_equal(b.text("#error"), swedish(NOT_RIGHT), "the message")


def swedish_home(b):
    sign_in(b, "dave", DAVE_PW)
    expect_equal(b.path(), "/home", "the page")
    expect_equal(b.lang(), "sv", "<html lang>")
    expect_equal(b.text("#setup-now"), swedish("Set it up now"), "the button")
    expect_equal(b.text("#signout"), swedish("Sign out"), "the sign-out button")


def switch(b, to):
    b.find('#lang a[href="?lang=%s"]' % to).click()
    b.wait_loaded()


def switch_to_english(b):
    switch(b, "en")
    expect_equal(b.path(), "/home", "the same page")
    expect_equal(b.lang(), "en", "<html lang>")
    expect_equal(b.text("#setup-now"), "Set it up now", "the button")
    b.get("/home")
    expect_equal(b.lang(), "en", "<html lang> of the next page (the choice is kept)")
    switch(b, "sv")
    expect_equal(b.lang(), "sv", "<html lang> after ?lang=sv")
    expect_equal(b.text("#setup-now"), swedish("Set it up now"), "the button")
    b.submit_by("#signout")


def english_browser_switches():
    en = Browser("en", lang="en-US")
    try:
        en.get("/")
        expect_equal(en.lang(), "en", "<html lang> for Accept-Language en-US")
        expect_equal(en.text("#signin"), "Sign in", "the button")
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
tap.check("signed in: 'Set it up now' and 'Sign out' in Swedish", swedish_home, b)
tap.check("the #lang switch: English, kept for the next page, and back",
          switch_to_english, b)
tap.check("an English browser switches to Swedish with #lang", english_browser_switches)
b.quit()
tap.done()
