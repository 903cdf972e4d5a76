// Command local-db runs FerretDB 1.x (a MongoDB wire-protocol server) with its SQLite
// backend on a loopback address, for local development and tests. Production and any
// developer with a real MongoDB set MONGODB_URI instead. FerretDB's embedded mode never
// starts its telemetry reporter, and this machine has no network for it anyway.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// WAL with synchronous=NORMAL: a commit no longer waits for an fsync of the log, so writers,
// which SQLite runs one at a time, hold the write lock for far less time. The database stays
// consistent, and a crash of this program or of the bot loses nothing; only a power cut or
// OS crash can lose the last commits — acceptable for a local development database
// (production uses MongoDB via MONGODB_URI).
const defaultSQLiteQuery = "_pragma=synchronous(normal)"

// At Go's default (GOGC=100) the collector's mark workers took about an eighth of this
// server's CPU under a burst of check-ins, and allocation a fifth (FerretDB decodes every
// document it reads into fresh objects). At 400 it collects about a quarter as often: the
// database's CPU per check-in submit went from 4.1–4.7 ms to 2.5–3.2 ms, for about 64 MB
// resident. The right trade for a development database; GOGC in the environment still wins.
const defaultGCPercent = 400

// isLoopbackHost: "localhost" or a loopback IP; everything this program serves stays on the machine.
func isLoopbackHost(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

func queryPrefix(query string) string {
	if query == "" {
		return ""
	}
	return "?" + query
}

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "loopback address:port to listen on")
	dataDir := flag.String("data", ".data/db", "directory for the SQLite files")
	verbose := flag.Bool("verbose", false, "log every connection")
	idIndexes := flag.Bool("id-indexes", true, "add the _id lookup index FerretDB's queries can use (see id_index.go); false only to measure without it")
	sqliteQuery := flag.String("sqlite-query", defaultSQLiteQuery, "query parameters for FerretDB's SQLite URL (connection pragmas)")
	gcPercent := flag.Int("gc-percent", defaultGCPercent, "Go garbage collector target (as GOGC), unless GOGC is set")
	watchStdin := flag.Bool("exit-with-parent", false, "exit when standard input closes (the parent process died)")
	flag.Parse()

	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(*gcPercent)
	}

	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		log.Fatalf("local-db: bad -listen %q: %v", *listen, err)
	}
	if !isLoopbackHost(host) {
		log.Fatalf("local-db: refusing to listen on non-loopback address %q", host)
	}
	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		log.Fatalf("local-db: cannot create data directory %s: %v", *dataDir, err)
	}
	abs, err := filepath.Abs(*dataDir)
	if err != nil {
		log.Fatalf("local-db: %v", err)
	}

	level := slog.LevelError
	if *verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/" + queryPrefix(*sqliteQuery),
	})
	if err != nil {
		log.Fatalf("local-db: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	if *idIndexes {
		go watchIDIndexes(ctx, abs, 200*time.Millisecond, logger)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		f.Run(ctx)
	}()
	fmt.Printf("local-db: listening on %s (data %s)\n", *listen, abs)
	<-done
}
