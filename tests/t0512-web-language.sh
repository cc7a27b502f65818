#!/bin/bash
# apppw-web in a real browser: Swedish from Accept-Language and from the
# #lang switch, with po/sv.po's texts (tests/web/language.py).
. "$(dirname "$0")/lib/test-lib.sh"
. "$(dirname "$0")/lib/browser-lib.sh"
start_slapd "$WEB_SLAPD_DIRECTIVES"
add_web_users
require_mfa "$DAVE"
start_web

run_browser language.py

test_done
