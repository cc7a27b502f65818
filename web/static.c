/* static.c - the page's stylesheet and the Copy button's script, compiled
 * in: nothing is read from disk while serving */

#include "web.h"

const char static_css[] =
	"body{font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;"
	"margin:0;color:#1b1b1b;background:#f6f7f9;line-height:1.5}\n"
	"header{display:flex;justify-content:flex-end;gap:1em;align-items:center;"
	"padding:.5em 1em;background:#fff;border-bottom:1px solid #ddd}\n"
	"header form{margin:0}\n"
	"nav#lang a{margin-left:.5em}\n"
	"main{max-width:46em;margin:2em auto;padding:1.5em 2em;background:#fff;"
	"border:1px solid #ddd;border-radius:6px}\n"
	"label{display:block;margin-top:1em;font-weight:600}\n"
	"input[type=text],input[type=password],input:not([type]),"
	"input[type=number]{font-size:1.1em;padding:.4em;width:100%;"
	"max-width:22em;box-sizing:border-box}\n"
	"button{font-size:1em;padding:.45em 1.2em;margin-top:1em;cursor:pointer}\n"
	"p#error{color:#a40000;font-weight:600}\n"
	"#qr svg{width:14em;height:14em}\n"
	"code#secret,code#app-password{font-size:1.4em;letter-spacing:.05em;"
	"word-spacing:.3em;background:#eef;padding:.2em .5em;border-radius:4px}\n"
	"table#apps{border-collapse:collapse;width:100%}\n"
	"table#apps th,table#apps td{text-align:left;padding:.3em .5em;"
	"border-bottom:1px solid #eee}\n"
	"table#apps form{margin:0}\n"
	"table#apps button{margin:0}\n"
	"dl.settings dt{font-weight:600}\n"
	"[hidden]{display:none!important}\n";

/* Without a script, the Copy button stays hidden and the password stays
 * on the page to be read or selected. */
const char static_js[] =
	"'use strict';\n"
	"document.addEventListener('DOMContentLoaded', function () {\n"
	"  var button = document.getElementById('copy');\n"
	"  var text = document.getElementById('app-password');\n"
	"  if (!button || !text || !navigator.clipboard) {\n"
	"    return;\n"
	"  }\n"
	"  button.hidden = false;\n"
	"  button.addEventListener('click', function () {\n"
	"    navigator.clipboard.writeText(text.textContent).then(function () {\n"
	"      button.textContent = button.getAttribute('data-copied');\n"
	"    });\n"
	"  });\n"
	"});\n";
