# tests/bench/bench.mk - build rules for the benchmark's programs
#
# Included from the Makefile, whose variables it uses: BUILD, ALL_CFLAGS,
# LIB_A, OID_H, LIBS. gendata builds records with the library itself;
# nettle (a dependency of libgnutls28-dev) gives it SHA-1 for {SSHA}.

BENCH_BIN	:= $(BUILD)/bench/gendata $(BUILD)/bench/loadgen

$(BUILD)/bench/gendata: tests/bench/gendata.c $(LIB_A) | $(OID_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ tests/bench/gendata.c $(LIB_A) \
		-lnettle $(LIBS)

$(BUILD)/bench/loadgen: tests/bench/loadgen.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -pthread -o $@ tests/bench/loadgen.c \
		-lldap -llber -loath

bench-tools: $(BENCH_BIN)

.PHONY: bench-tools
