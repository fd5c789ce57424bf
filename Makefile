# Rapport - see README.md. `make run` and `make test` install what is missing first.

ifeq ($(origin CC),default)
CC := gcc
endif
PKGS     := libmicrohttpd jansson libsodium libutf8proc sqlite3 libcurl gumbo openssl libpq
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wno-missing-field-initializers
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Isrc $(PKG_CFLAGS) -MMD -MP
LIBS     := $(PKG_LIBS) -lpthread -lm
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# ThreadSanitizer cannot be mixed with ASan: the threaded unit tests (group
# commit, the race harness) get a build of their own.
TSAN     := -fsanitize=thread -fno-omit-frame-pointer

# B is the build directory: `make B=build-x` keeps parallel builds apart.
B        ?= build
SRC      := $(wildcard src/*/*.c)
MAIN     := src/main.c
OBJ      := $(SRC:src/%.c=$(B)/obj/%.o)
ASAN_OBJ := $(SRC:src/%.c=$(B)/asan/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
UNIT_ASAN:= $(UNIT_SRC:tests/unit/%.c=$(B)/asan/tests/%)
TSAN_OBJ := $(SRC:src/%.c=$(B)/tsan/obj/%.o)
UNIT_TSAN:= $(B)/tsan/tests/test_group $(B)/tsan/tests/test_race $(B)/tsan/tests/test_ids
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(B)/fuzz/%)
FUZZ_OBJ := $(SRC:src/%.c=$(B)/fuzz/obj/%.o)
FUZZ_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -g -O1

.PHONY: all run test deps unit asan tsan clean valgrind bench fuzz fuzz-build soak web install
all: $(B)/rapport web

deps:
	@scripts/deps.sh

# `make V=1` shows the full commands.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @echo "  $(1) $@"
endif

$(B)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(call say,CC)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(call say,CC)
	$(Q)$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c $< -o $@

$(B)/tsan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(call say,CC)
	$(Q)$(CC) $(ALL_CFLAGS) -O1 $(TSAN) -c $< -o $@

$(B)/rapport: $(OBJ) $(B)/obj/main.o
	$(call say,LD)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LIBS)

$(B)/asan/rapport: $(ASAN_OBJ) $(B)/asan/obj/main.o
	$(call say,LD)
	$(Q)$(CC) $(CFLAGS) $(SAN) $^ -o $@ $(LIBS)

$(B)/tests/%: tests/unit/%.c $(OBJ)
	@mkdir -p $(dir $@)
	$(call say,LD)
	$(Q)$(CC) $(ALL_CFLAGS) $< $(OBJ) -o $@ $(LIBS) -lcmocka

$(B)/asan/tests/%: tests/unit/%.c $(ASAN_OBJ)
	@mkdir -p $(dir $@)
	$(call say,LD)
	$(Q)$(CC) $(ALL_CFLAGS) -O1 $(SAN) $< $(ASAN_OBJ) -o $@ $(LIBS) -lcmocka

$(B)/tsan/tests/%: tests/unit/%.c $(TSAN_OBJ)
	@mkdir -p $(dir $@)
	$(call say,LD)
	$(Q)$(CC) $(ALL_CFLAGS) -O1 $(TSAN) $< $(TSAN_OBJ) -o $@ $(LIBS) -lcmocka

# libFuzzer harnesses (clang): the library built with coverage, one binary each.
$(B)/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(call say,CLANG)
	$(Q)clang -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers -Wno-unused-command-line-argument \
		$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -Isrc $(PKG_CFLAGS) -c $< -o $@

$(B)/fuzz/%: fuzz/%.c $(FUZZ_OBJ)
	$(call say,FUZZ)
	$(Q)clang -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers $(FUZZ_FLAGS) -fsanitize=fuzzer \
		-Isrc $(PKG_CFLAGS) $< $(FUZZ_OBJ) -o $@ $(LIBS)

fuzz-build: $(FUZZ_BIN)

# Each harness for 60 s (FUZZ_SECONDS=...); new inputs go to a temporary
# corpus, the checked-in one under fuzz/corpus is only read.
fuzz: deps
	@$(MAKE) --no-print-directory -j$(shell nproc) fuzz-build
	@B=$(B) scripts/fuzz.sh $${FUZZ_SECONDS:-60}

# The web app (web/): Node's packages exactly as package-lock.json has them
# (npm ci; browsers are never downloaded), type-checked and built by Vite
# into $(B)/web with hashed names and a .gz of each file.
WEB_SRC := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.ts \
	web/tsconfig.json
web: $(B)/web/index.html

web/node_modules/.package-lock.json: web/package-lock.json web/package.json
	$(call say,NPM)
	$(Q)cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(B)/web/index.html: web/node_modules/.package-lock.json $(WEB_SRC)
	$(call say,VITE)
	$(Q)cd web && OUT_DIR=$(abspath $(B)/web) npx --no-install tsc --noEmit -p .
	$(Q)cd web && OUT_DIR=$(abspath $(B)/web) npx --no-install vite build --logLevel warn

unit: $(UNIT_BIN)
asan: $(B)/asan/rapport $(UNIT_ASAN)
tsan: $(UNIT_TSAN)
.SECONDARY: $(TSAN_OBJ)

# Starts the server with SQLite in ./data on http://127.0.0.1:8080.
run: deps
	@$(MAKE) --no-print-directory -j$(shell nproc) all
	@mkdir -p data
	RAPPORT_WEB_DIR=$${RAPPORT_WEB_DIR:-$(B)/web} exec $(B)/rapport serve --data ./data \
		--listen 127.0.0.1:8080 --domain localhost:8080

# Every suite: C unit tests and API tests with real clients, on the normal
# build and on the ASan+UBSan build. Ends with "N passed, M failed".
test: deps
	@$(MAKE) --no-print-directory -j$(shell nproc) all unit asan tsan fuzz-build
	@B=$(B) scripts/test.sh

# Benchmarks print figures; they are not tests. BENCH=quick for a small run.
bench: deps
	@B=$(B) BENCH=$(BENCH) bench/run.sh

# 200 connections mixing reads and writes, bounded to 5 minutes.
soak: deps
	@B=$(B) bench/soak.sh

valgrind: deps
	@$(MAKE) --no-print-directory unit
	@scripts/valgrind.sh $(UNIT_BIN)

# Installs the server and the built web app (docs/DEPLOY.md).
PREFIX ?= /usr/local
install: all
	install -D -m 0755 $(B)/rapport $(DESTDIR)$(PREFIX)/bin/rapport
	rm -rf $(DESTDIR)$(PREFIX)/share/rapport/web
	mkdir -p $(DESTDIR)$(PREFIX)/share/rapport
	cp -R $(B)/web $(DESTDIR)$(PREFIX)/share/rapport/web

clean:
	rm -rf $(B)

-include $(UNIT_BIN:=.d) $(UNIT_ASAN:=.d) $(OBJ:.o=.d) $(ASAN_OBJ:.o=.d) $(TSAN_OBJ:.o=.d) $(B)/obj/main.d $(B)/asan/obj/main.d
