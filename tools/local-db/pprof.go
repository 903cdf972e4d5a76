package main

import (
	"log/slog"
	"net/http"
	_ "net/http/pprof"
	"os"
)

// LOCAL_DB_PPROF=127.0.0.1:6060 serves Go's profiler, to see where the database spends its CPU.
func init() {
	if addr := os.Getenv("LOCAL_DB_PPROF"); addr != "" {
		go func() { slog.Error("local-db: pprof", "err", http.ListenAndServe(addr, nil)) }()
	}
}
