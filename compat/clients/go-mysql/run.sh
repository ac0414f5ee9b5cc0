#!/bin/sh
# Builds the scenario if needed, offline, against Debian's packaged driver (GOPATH mode:
# golang-github-go-sql-driver-mysql-dev installs its sources under /usr/share/gocode), then
# runs it. The binary and Go's build cache stay in build/ (git-ignored).
set -e
cd "$(dirname "$0")"
if [ ! -x build/scenario ] || [ scenario.go -nt build/scenario ]; then
    mkdir -p build
    version=$(dpkg-query -W -f='${Version}' golang-github-go-sql-driver-mysql-dev 2>/dev/null || echo unknown)
    GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOPROXY=off GOCACHE="$PWD/build/cache" \
        go build -ldflags "-X main.driverVersion=$version" -o build/scenario.tmp scenario.go >&2
    mv build/scenario.tmp build/scenario
fi
exec build/scenario
