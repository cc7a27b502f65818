# tests/bench/bench.mk - build rules for the benchmark's programs
#
# Included from the Makefile, whose variables it uses: BUILD, ALL_CFLAGS,
# LIB_A, OID_H, LIBS. gendata builds records with the library itself;
# nettle (a dependency of libgnutls28-dev) gives it SHA-1 for {SSHA}.
# loadgen is in parts (loadgen.h says which); each is compiled on its own,
# so that its .d file names the headers it read. webload, apppw-web's load
# generator, is one file.

LOADGEN_SRC	:= $(wildcard tests/bench/loadgen*.c)
LOADGEN_OBJ	:= $(LOADGEN_SRC:tests/bench/%.c=$(BUILD)/bench/%.o)
BENCH_BIN	:= $(BUILD)/bench/gendata $(BUILD)/bench/loadgen \
		   $(BUILD)/bench/webload

$(BUILD)/bench/gendata: tests/bench/gendata.c $(LIB_A) | $(OID_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ tests/bench/gendata.c $(LIB_A) \
		-lnettle $(LIBS)

$(LOADGEN_OBJ): $(BUILD)/bench/%.o: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -pthread -c -o $@ $<

$(BUILD)/bench/loadgen: $(LOADGEN_OBJ)
	$(CC) $(ALL_CFLAGS) -pthread -o $@ $(LOADGEN_OBJ) -lldap -llber -loath

# webload: the HTTP sessions and requests of the apppw-web scenario
$(BUILD)/bench/webload: tests/bench/webload.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -pthread -o $@ $< -loath

bench-tools: $(BENCH_BIN)

.PHONY: bench-tools
