#!/usr/bin/python3
"""idle.py - a session idle for longer than apppw-web's --idle is over:
the next request finds the sign-in page. Run by tests/t0513-web-idle.sh,
whose apppw-web has a short --idle (IDLE_SECONDS)."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Browser, expect, expect_equal, tap  # noqa: E402

PAUL_PW = os.environ["PAUL_PW"]
IDLE = int(os.environ["IDLE_SECONDS"])
b = Browser("idle")


def signed_in():
    b.get("/")
    # the form filled and sent in one step: on a busy machine, typing
    # key by key could outlast --idle, which ends the pre-sign-in
    # session (and its CSRF token) too
    old = b.find("html")
    b.driver.execute_script("""
        document.getElementById("username").value = arguments[0];
        document.getElementById("password").value = arguments[1];
        document.getElementById("signin").click();""", "paul", PAUL_PW)
    b.wait_replaced(old)
    expect_equal(b.path(), "/home", "the page after the password")
    b.get("/home")
    expect_equal(b.path(), "/home", "/home again")


def idle_expiry():
    # not a timing check: only that a session idle for longer than
    # --idle is over
    time.sleep(IDLE + 2)
    b.get("/home")
    expect_equal(b.path(), "/", "/home after %d s idle leads to" % (IDLE + 2))
    expect(b.has("#signin"), "the sign-in form")
    b.get("/home")
    expect_equal(b.path(), "/", "/home once more leads to")


tap.check("paul signs in, and /home answers", signed_in)
tap.check("idle for longer than --idle: the session is over, sign in again",
          idle_expiry)
b.quit()
tap.done()
