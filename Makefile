# apppw - app passwords and password+TOTP binds for OpenLDAP's slapd
#
# "make help" lists the targets. Everything is built under build/; the demo
# server lives under run/.

SHELL		:= /bin/sh
CC		?= cc
CFLAGS		?= -O2 -g
WARNINGS	:= -Wall -Wextra -Werror
BUILD		:= build
OPENLDAP	:= $(BUILD)/openldap
OLSRC		:= $(OPENLDAP)/src
# The installed slapd's source version; the fetched tree is tied to it.
OLVERSION	:= $(OPENLDAP)/version
DEPS		:= $(BUILD)/deps.stamp

# The project's OID arc lives in schema/apppw.schema alone; the build writes
# it into a header (rewritten only when the arc changes, so that an edit
# elsewhere in the schema rebuilds nothing).
GEN		:= $(BUILD)/gen
OID_H		:= $(GEN)/apppw_oid.h

# -MMD -MP: every object records the headers it read, so that a change to
# any of them rebuilds exactly the objects that depend on it.
ALL_CFLAGS	:= $(CFLAGS) $(WARNINGS) -std=gnu99 -fPIC -D_GNU_SOURCE \
		   -D_FILE_OFFSET_BITS=64 -MMD -MP -Ilib -I$(GEN)
SLAPD_CFLAGS	:= -I$(OLSRC)/include -I$(OLSRC)/servers/slapd
# what lib/ links against
LIBS		:= -llber -lsodium -loath -pthread

# lib/: slapd-free code shared by the module, the tool, the unit tests and
# the benchmark
LIB_SRC		:= $(wildcard lib/*.c)
LIB_OBJ		:= $(LIB_SRC:%.c=$(BUILD)/%.o)
# an archive: each program takes the objects it uses, and nothing else
LIB_A		:= $(BUILD)/libapppw.a
MODULE		:= $(BUILD)/apppw.so
TOOL		:= $(BUILD)/apppw
TOOL_SRC	:= $(wildcard tools/apppw/*.c)
TOOL_OBJ	:= $(TOOL_SRC:%.c=$(BUILD)/%.o)
# apppw-web, the self-service page, and its catalogs
WEB		:= $(BUILD)/apppw-web
WEB_SRC		:= $(wildcard web/*.c)
WEB_OBJ		:= $(WEB_SRC:%.c=$(BUILD)/%.o)
# the parts that know no HTTP or LDAP, linked by the unit tests
WEB_UNIT_OBJ	:= $(patsubst %,$(BUILD)/web/%.o,buf form mo session)
LANGS		:= sv
MO_FILES	:= $(LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/apppw-web.mo)
UNIT_TESTS	:= $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/t-*.c))
# the scenarios' maker and reader of the create operation's values
CREATE_CODEC	:= $(BUILD)/tests/create-codec

# install paths, as Debian's slapd packages lay them out
DESTDIR		?=
prefix		?= /usr
moduledir	?= $(prefix)/lib/ldap
schemadir	?= /etc/ldap/schema
bindir		?= $(prefix)/bin
mandir		?= $(prefix)/share/man
localedir	?= $(prefix)/share/locale
sbindir		?= $(prefix)/sbin

# make run
PORT		?= 3890
# make check: how many test scripts run at once
JOBS		?= 2

.PHONY: all help deps run start stop check unit integration bench fuzz \
	install clean distclean pot FORCE

all: $(MODULE) $(TOOL) $(WEB) $(MO_FILES) schema/apppw.ldif

help:
	@echo "Targets:"
	@echo "  all        build the overlay module, the apppw tool and apppw-web (default)"
	@echo "  run        build, then serve a demo directory on ldap://127.0.0.1:$(PORT)"
	@echo "             and its self-service page (WEB_URL in run/demo.env) in the"
	@echo "             foreground until Ctrl-C (PORT=N, WEB_PORT=N to change them)"
	@echo "  start      the same demo in the background; stop it with 'make stop'"
	@echo "  stop       stop the background demo server"
	@echo "  check      build, then run every unit and integration test under prove"
	@echo "  bench      the bind benchmark against plain binds and slapo-otp"
	@echo "  fuzz       the library's parsers under libFuzzer, FUZZ_SECONDS (60)"
	@echo "  screenshots  apppw-web's pictures in docs/img/, from its browser tests"
	@echo "  install    install module, schema, tool, apppw-web, catalogs and man pages"
	@echo "             (DESTDIR aware)"
	@echo "  clean      remove build outputs and run/, keep the fetched OpenLDAP tree"
	@echo "  distclean  remove build/ and run/ entirely"
	@echo "  help       this text"

# Installs missing packages (as root) or says which are missing. The stamp
# is rewritten only when something had to be installed.
$(DEPS): FORCE
	@mkdir -p $(BUILD)
	@tools/bootstrap/deps.sh check >/dev/null 2>&1 && [ -f $@ ] || \
		{ tools/bootstrap/deps.sh install && touch $@; }

deps: $(DEPS)

$(OLVERSION): $(DEPS) FORCE
	@tools/bootstrap/openldap-src.sh $(OPENLDAP)

$(OID_H): schema/apppw.schema
	@mkdir -p $(@D)
	@arc=$$(sed -n 's/^objectidentifier[ 	]*apppwOID[ 	]*//p' $<); \
	[ -n "$$arc" ] || { echo "$<: no apppwOID" >&2; exit 1; }; \
	printf '/* generated from %s: do not edit */\n#define APPPW_OID_ARC "%s"\n' \
		$< "$$arc" >$@.tmp; \
	if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

# Every object waits for the generated header and the packages; what it
# really depends on comes from its .d file. (Named targets: a pattern rule
# without a recipe would add nothing to the pattern rules below.)
$(LIB_OBJ) $(TOOL_OBJ) $(WEB_OBJ): | $(OID_H) $(DEPS)

$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tools/%.o: tools/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/web/%.o: web/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DLOCALEDIR='"$(localedir)"' -c -o $@ $<

$(BUILD)/overlay/apppw.o: overlay/apppw.c $(OLVERSION) | $(OID_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SLAPD_CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# No -Wl,-z,defs: slap_* and lutil_* resolve from the slapd binary. slapd
# loads modules RTLD_GLOBAL: the version script keeps every symbol but
# init_module local, so that none can clash with another module's.
$(MODULE): $(BUILD)/overlay/apppw.o $(LIB_A) overlay/apppw.map
	$(CC) $(ALL_CFLAGS) -shared -Wl,--version-script=overlay/apppw.map \
		-o $@ $(BUILD)/overlay/apppw.o $(LIB_A) -lldap $(LIBS)

$(TOOL): $(TOOL_OBJ) $(LIB_A)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -lldap -lqrencode $(LIBS)

$(WEB): $(WEB_OBJ) $(LIB_A)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -lmicrohttpd -lldap -lqrencode $(LIBS)

$(BUILD)/locale/%/LC_MESSAGES/apppw-web.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<

# the catalogs' template, from the sources (not part of the build)
pot:
	xgettext --from-code=UTF-8 --no-wrap --package-name=apppw-web \
		--keyword=T --keyword=N_ --keyword=para:4 --keyword=error_para:3 --keyword=confirm_end:3 \
		--keyword=message_page:5 --keyword=signin_page:4 \
		--keyword=apps_page:4 -o po/apppw-web.pot web/*.c
	msgmerge --quiet --update --backup=none --no-wrap po/sv.po po/apppw-web.pot

$(BUILD)/tests/t-web-%: tests/unit/t-web-%.c $(WEB_UNIT_OBJ) $(LIB_A) | $(OID_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -Iweb -o $@ $< $(WEB_UNIT_OBJ) $(LIB_A) $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_A) | $(OID_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB_A) $(LIBS)

$(CREATE_CODEC): tests/lib/create-codec.c $(LIB_A) | $(OID_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(LIBS)

schema/apppw.ldif: schema/apppw.schema schema/schema2ldif.sh
	schema/schema2ldif.sh apppw <schema/apppw.schema >$@.tmp && mv $@.tmp $@

run: all
	tools/demo/demo.sh run $(PORT)

start: all
	tools/demo/demo.sh start $(PORT)

stop:
	tools/demo/demo.sh stop

check: all $(UNIT_TESTS) $(CREATE_CODEC)
	prove -j$(JOBS) --exec '' $(UNIT_TESTS) tests/t[0-9]*.sh

bench: all bench-tools
	tests/bench/bench.sh

# The library's parsers under libFuzzer with ASan and UBSan (clang), from
# the seed inputs in tests/fuzz/corpus; not part of check.
FUZZ		:= $(BUILD)/fuzz/fuzz-parsers
FUZZ_SECONDS	?= 60
$(FUZZ): tests/fuzz/fuzz-parsers.c $(LIB_SRC) | $(OID_H) $(DEPS)
	@mkdir -p $(@D)
	@command -v clang >/dev/null || { echo "make fuzz needs clang" >&2; exit 1; }
	clang -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -D_GNU_SOURCE -Ilib -I$(GEN) \
		-o $@ tests/fuzz/fuzz-parsers.c $(LIB_SRC) $(LIBS)

fuzz: $(FUZZ)
	@mkdir -p $(BUILD)/fuzz/corpus
	cp tests/fuzz/corpus/* $(BUILD)/fuzz/corpus/
	$(FUZZ) -max_total_time=$(FUZZ_SECONDS) -max_len=700 $(BUILD)/fuzz/corpus

install: all
	install -d $(DESTDIR)$(moduledir) $(DESTDIR)$(schemadir) \
		$(DESTDIR)$(bindir) $(DESTDIR)$(mandir)/man1 $(DESTDIR)$(mandir)/man5
	install -m 644 $(MODULE) $(DESTDIR)$(moduledir)/apppw.so
	install -m 644 schema/apppw.schema schema/apppw.ldif $(DESTDIR)$(schemadir)/
	install -m 755 $(TOOL) $(DESTDIR)$(bindir)/apppw
	install -m 644 tools/apppw.1 $(DESTDIR)$(mandir)/man1/
	install -m 644 overlay/slapo-apppw.5 $(DESTDIR)$(mandir)/man5/
	install -d $(DESTDIR)$(sbindir) $(DESTDIR)$(mandir)/man8
	install -m 755 $(WEB) $(DESTDIR)$(sbindir)/apppw-web
	install -m 644 web/apppw-web.8 $(DESTDIR)$(mandir)/man8/
	for l in $(LANGS); do \
		install -d $(DESTDIR)$(localedir)/$$l/LC_MESSAGES && \
		install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/apppw-web.mo \
			$(DESTDIR)$(localedir)/$$l/LC_MESSAGES/ || exit 1; \
	done

clean:
	-[ -f run/slapd.pid ] && tools/demo/demo.sh stop
	rm -rf $(BUILD)/lib $(BUILD)/overlay $(BUILD)/tools $(BUILD)/gen \
		$(BUILD)/web $(BUILD)/locale $(MODULE) $(TOOL) $(WEB) \
		$(BUILD)/tests $(BUILD)/bench run

distclean: clean
	rm -rf $(BUILD)

FORCE:

include tests/bench/bench.mk
include tests/web/web.mk
-include $(wildcard $(BUILD)/lib/*.d $(BUILD)/overlay/*.d $(BUILD)/tools/*.d \
	$(BUILD)/tools/*/*.d $(BUILD)/web/*.d $(BUILD)/tests/*.d $(BUILD)/bench/*.d)
