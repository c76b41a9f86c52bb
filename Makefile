# gemu: see README.md. `make run` boots a Linux guest; `make test` runs every test.
GO      ?= go
PREFIX  ?= /usr/local
ASSETS  ?= $(CURDIR)/.assets
BIN     := $(CURDIR)/bin
export GEMU_ASSETS := $(ASSETS)

# Debian packages the tests use: the reference QEMU and qemu-img, firmware,
# the assembler the test guests are built with, iasl (acpica-tools), which
# checks the ACPI tables, and dmidecode, which checks the SMBIOS tables.
DEBS := qemu-system-x86 qemu-utils seabios binutils cpio acpica-tools dmidecode

.PHONY: all build run test unit e2e deps assets bench install vet guests clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...

# deps installs the Debian packages tests need when any is missing.
deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

assets: build
	$(GO) run ./tests/assets -dir $(ASSETS)

guests:
	$(GO) run ./tests/guests/cmd/build -out $(CURDIR)/tests/guests/build

# test runs every tier the machine supports: unit tests, the race detector
# over the concurrent packages, then end-to-end boots and differential runs
# (tag e2e; KVM and QEMU tests skip with a reason where unavailable).
test: deps vet build assets guests
	$(GO) test -count=1 -timeout 20m $$($(GO) list ./... | grep -v -e /tests/blockinterop -e '/accel/interp$$')
	@# the interpreter, with the per-family counts of its differential runs against the host CPU
	$(GO) test -count=1 -timeout 20m -v ./accel/interp 2>&1 | awk ' \
		/^--- FAIL|^FAIL|panic:/ { bad = 1 } \
		bad || /sequences agree|mismatches|^ok/ { print } \
		END { exit bad }'
	@# the block interoperability matrix and crash test, with their summaries
	$(GO) test -count=1 -timeout 20m -v ./tests/blockinterop 2>&1 | awk ' \
		/^--- FAIL|^FAIL|panic:/ { bad = 1 } \
		bad || /^crash test:|^interop/ || summary { print } \
		/^interop summary/ { summary = 1 } \
		/^interop:/ { summary = 0 } \
		END { exit bad }'
	$(GO) test -race -count=1 -timeout 20m ./emu/... ./hw/... ./migration/...
	$(GO) test -count=1 -tags e2e -timeout 30m ./tests/e2e/

unit:
	$(GO) test ./...

run: build assets
	$(GO) run ./tests/assets -dir $(ASSETS) -run

# bench runs every side-by-side benchmark against QEMU and qemu-img.
bench: deps build assets
	$(GO) run ./tests/bench
	$(GO) run ./tests/bench/img

install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN)/gemu $(BIN)/gemu-img $(DESTDIR)$(PREFIX)/bin/
	@if [ -n "$(QEMU_NAMES)" ]; then \
		ln -sf gemu $(DESTDIR)$(PREFIX)/bin/qemu-system-x86_64; \
		ln -sf gemu-img $(DESTDIR)$(PREFIX)/bin/qemu-img; \
		echo "installed qemu-system-x86_64 and qemu-img names"; \
	fi

clean:
	rm -rf $(BIN) tests/guests/build
