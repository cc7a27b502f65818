# tests/web/web.mk - the README's screenshots of apppw-web, taken by its
# browser scenarios; included from the Makefile.

screenshots: all $(CREATE_CODEC)
	tests/web/screenshots.sh

.PHONY: screenshots
