#!/usr/bin/python3
"""mail-client.py - log in to a mail server as a mail client does, and say
exactly what the server answered; for the scenarios of tests/lib/mail-lib.sh.

usage: mail-client.py PROTOCOL HOST PORT USER   (the password in $MAIL_PASSWORD)

PROTOCOL is one of
  imap        IMAP LOGIN, then SELECT INBOX
  imap-plain  IMAP AUTHENTICATE PLAIN (UTF-8 passwords), then SELECT INBOX
  pop3        POP3 USER/PASS, then STAT
  smtp        SMTP EHLO, STARTTLS (trusting the CA file $MAIL_CA), EHLO,
              AUTH PLAIN

Accepted: prints the server's answer to the login and the command's result,
exit 0. Refused: prints the server's refusal as it came, exit 1. Anything
else (no connection, a protocol error): a message, exit 2.

The password comes from the environment, not the command line, so that it
is not in ps's output and reaches the server byte for byte (UTF-8).
"""
import imaplib
import os
import poplib
import re
import smtplib
import ssl
import sys

TIMEOUT = 30


def text(data):
    return data.decode('utf-8', 'replace') if isinstance(data, bytes) else str(data)


def imap_answer(data):
    # Dovecot's OK carries a CAPABILITY list that depends on its version
    # and settings: leave it out, keep every other response code.
    return re.sub(r'^\[CAPABILITY [^]]*\] ', '', text(data[0]))


def imap(host, port, user, password, plain):
    client = imaplib.IMAP4(host, port, timeout=TIMEOUT)
    try:
        if plain:
            response = b'\0' + user.encode() + b'\0' + password.encode()
            typ, data = client.authenticate('PLAIN', lambda _: response)
        else:
            typ, data = client.login(user, password)
    except imaplib.IMAP4.error as e:
        print(text(e.args[0]))
        return 1
    print('%s %s' % (typ, imap_answer(data)))
    typ, data = client.select('INBOX')
    print('SELECT INBOX: %s, %s messages' % (typ, text(data[0])))
    client.logout()
    return 0


def pop3(host, port, user, password):
    client = poplib.POP3(host, port, timeout=TIMEOUT)
    try:
        client.user(user)
        answer = client.pass_(password)
    except poplib.error_proto as e:
        print(text(e.args[0]))
        return 1
    print(text(answer))
    count, size = client.stat()
    print('STAT: %d messages, %d bytes' % (count, size))
    client.quit()
    return 0


def smtp(host, port, user, password):
    client = smtplib.SMTP(host, port, timeout=TIMEOUT)
    client.ehlo('client.example.test')
    client.starttls(context=ssl.create_default_context(cafile=os.environ['MAIL_CA']))
    client.ehlo('client.example.test')
    client.user, client.password = user, password
    try:
        code, answer = client.auth('PLAIN', client.auth_plain)
    except smtplib.SMTPAuthenticationError as e:
        print('%d %s' % (e.smtp_code, text(e.smtp_error)))
        return 1
    print('%d %s' % (code, text(answer)))
    client.quit()
    return 0


def main():
    if len(sys.argv) != 5 or 'MAIL_PASSWORD' not in os.environ:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    protocol, host, port, user = sys.argv[1:]
    password = os.environ['MAIL_PASSWORD']
    port = int(port)
    try:
        if protocol in ('imap', 'imap-plain'):
            return imap(host, port, user, password, protocol == 'imap-plain')
        if protocol == 'pop3':
            return pop3(host, port, user, password)
        if protocol == 'smtp':
            return smtp(host, port, user, password)
    except (OSError, imaplib.IMAP4.error, poplib.error_proto,
            smtplib.SMTPException) as e:
        print('mail-client: %s: %s' % (protocol, e), file=sys.stderr)
        return 2
    print('mail-client: unknown protocol %s' % protocol, file=sys.stderr)
    return 2


sys.exit(main())
