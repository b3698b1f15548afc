# streamscale — the two commands are `make run` and `make test`; see README.md.

GO        ?= go
MVN       ?= mvn
MVN_FLAGS ?= -B -q -ntp
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
RUN_ARGS  ?=
STATICCHECK_VERSION := v0.8.2

BIN      := bin/streamscale
# The generator image's binary: static (no libc, no loader in that image) and linux/amd64
# whatever the host is; `azure up` takes it from beside $(BIN) (internal/azure/images).
BIN_STATIC := bin/streamscale-linux-amd64-static
JOB_JAR  := build/jobs/relay-job.jar

.PHONY: all build build-go build-jvm run test test-unit test-jvm test-integration lint check-tools bench bench-go bench-jvm clean help

all: build

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

check-tools: ## check Go, a JDK 17+ and Maven are installed
	@scripts/check-tools.sh

build: check-tools build-jvm build-go ## build the CLI (bin/) and the Java parts (build/)

build-jvm: ## Maven: local Kafka/Flink classpaths, the relay job jar and the ported sample job jar (bench compare) into build/
	$(MVN) $(MVN_FLAGS) -f jvm/pom.xml package -DskipTests

build-go: ## the CLI at bin/streamscale, and its static linux/amd64 build for the generator image
	$(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/streamscale
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o $(BIN_STATIC) ./cmd/streamscale

run: build ## start the local stack, run the pipeline for 60 s, verify, print the summary
	$(BIN) run $(RUN_ARGS)

test: build lint test-jvm test-unit test-integration ## everything CI runs

test-jvm: ## relay job tests with Maven (unit, Flink MiniCluster, MiniCluster + a real Kafka broker)
	$(MVN) $(MVN_FLAGS) -f jvm/pom.xml verify

test-unit: ## Go unit tests (no network; fakes are named as such)
	$(GO) test -race -count=1 ./...

# -p 1: one package's stacks at a time, so that the rate and latency the tests measure are not
# those of two stacks' JVMs fighting over the 2 cores of a CI machine.
test-integration: build ## Go integration tests against a real Kafka broker and Flink cluster
	$(GO) test -tags integration -count=1 -timeout 60m -p 1 -run Integration -v ./...

lint: ## gofmt, go vet, staticcheck
	@out=$$(gofmt -l cmd internal integration); if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags integration ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

bench: bench-go bench-jvm ## micro-benchmarks of the hot paths (Go and the relay's JMH)

bench-go: ## Go micro-benchmarks: generator encode, verifier parse and per-record work
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...

bench-jvm: build-jvm ## JMH: the relay job's per-record transform against a copy baseline
	java -jar build/bench/relay-bench.jar -rf text -rff build/bench/relay-bench.txt

clean: ## remove build output (not the local stack's state; see `streamscale local down --purge`)
	rm -rf bin build
	$(MVN) $(MVN_FLAGS) -f jvm/pom.xml clean
