package main

import (
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
)

// LOCAL_DB_PPROF=127.0.0.1:6060 serves Go's profiler, to see where the database spends its CPU.
// Loopback only, like the database itself.
func init() {
	addr := os.Getenv("LOCAL_DB_PPROF")
	if addr == "" {
		return
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !isLoopbackHost(host) {
		slog.Error("local-db: LOCAL_DB_PPROF must be a loopback address:port", "addr", addr)
		return
	}
	go func() { slog.Error("local-db: pprof", "err", http.ListenAndServe(addr, nil)) }()
}
