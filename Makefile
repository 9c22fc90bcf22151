# hireloop developer tasks. `make test` is the whole test suite (the README's
# test command, and what CI runs).

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
export GOTOOLCHAIN := local

.PHONY: build run test deps chromium mailpit ui ui-deps ui-dev ui-check ui-dist-check vet go-test bench docker clean

build: ## build ./hireloop (with the committed UI; no Node needed)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o hireloop .

run: ## run the server with local defaults and debug logs
	HIRELOOP_LOG_LEVEL=debug $(GO) run . serve

# ---- tests -----------------------------------------------------------------

test: deps vet ui-check ui-dist-check go-test ## everything CI runs

deps: ui-deps chromium mailpit

ui/node_modules/.package-lock.json: ui/package-lock.json ui/package.json
	cd ui && npm ci --no-audit --no-fund
	@touch $@

ui-deps: ui/node_modules/.package-lock.json

# The browser test drives Debian's chromium, and reads the PDF reports it
# downloads with poppler's pdftotext. As root (CI, containers) they are
# installed when missing; otherwise we say what to run.
chromium:
	@command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else echo "The browser test needs Debian's chromium and poppler-utils: sudo apt-get install chromium poppler-utils"; exit 1; fi; }

# Email tests send through a real SMTP server: mailpit, built from the Go
# module proxy into GOPATH/bin (not a dependency of hireloop itself).
MAILPIT_VERSION := v1.33.1
mailpit:
	@command -v mailpit >/dev/null 2>&1 || test -x "$$($(GO) env GOPATH)/bin/mailpit" || \
	  { echo "installing mailpit $(MAILPIT_VERSION) (about 90 s)"; $(GO) install github.com/axllent/mailpit@$(MAILPIT_VERSION); }

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

ui-check: ui-deps
	cd ui && npm run --silent check
	cd ui && npm test

# The built console is committed so `go build` needs no Node. Rebuild it and
# fail when the result differs from what is committed.
ui-dist-check: ui-deps
	cd ui && npm run --silent build
	@if [ -n "$$(git status --porcelain -- ui/dist)" ]; then \
	  git status --short -- ui/dist; \
	  echo "ui/dist is stale: commit the rebuilt ui/dist"; exit 1; fi
	@echo "ui/dist matches a fresh build"

go-test:
	$(GO) test -race -count=1 ./...

bench: ## benchmarks (figures go in closing notes)
	$(GO) test -run '^$$' -bench . -benchmem ./...

# ---- UI development ----------------------------------------------------------

ui: ui-deps ## rebuild ui/dist after changing ui/src
	cd ui && npm run build

ui-dev: ui-deps ## Vite dev server on :5173, proxying /api to the Go server on :8080
	cd ui && npm run dev

docker:
	docker build --build-arg VERSION=$(VERSION) -t hireloop:$(VERSION) .

clean:
	rm -f hireloop
