// Command sqlite measures storage operations through cgo and SQLite (mattn/go-sqlite3 on Debian's
// libsqlite3): the cgo storage path, standing in for CockroachDB's RocksDB/Pebble calls. It inserts rows one
// transaction each, then reads them back with point selects, checking every value.
//
//	sqlite insert|select SAMPLES DIR
//
// The database is DIR/bench.db (WAL journal, synchronous=NORMAL: a commit writes the WAL without fsync).
// Each sample is the mean over a batch of 10 operations, timed with benchlib.Now (host CLOCK_MONOTONIC_RAW).
package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	_ "github.com/mattn/go-sqlite3"

	"benchlib"
)

const usage = "sqlite insert|select SAMPLES DIR"

func main() {
	const batch = 10
	if len(os.Args) != 4 || (os.Args[1] != "insert" && os.Args[1] != "select") {
		benchlib.Usage(usage)
	}
	op := os.Args[1]
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 1 {
		benchlib.Usage(usage)
	}
	db, err := sql.Open("sqlite3", filepath.Join(os.Args[3], "bench.db")+"?_journal_mode=WAL&_synchronous=NORMAL")
	check(err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	_, err = db.Exec("CREATE TABLE IF NOT EXISTS kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
	check(err)
	_, err = db.Exec("DELETE FROM kv")
	check(err)
	rows := n * batch
	ins, err := db.Prepare("INSERT INTO kv (k, v) VALUES (?, ?)")
	check(err)
	sel, err := db.Prepare("SELECT v FROM kv WHERE k = ?")
	check(err)

	r := benchlib.NewReport("sqlite-"+op, batch)
	r.Meta("clock_read_ns", benchlib.ClockReadNanos())
	s := make([]int64, n)
	for i := 0; i < n; i++ {
		t0 := benchlib.Now()
		for j := 0; j < batch; j++ {
			k := i*batch + j
			_, err := ins.Exec(k, value(k))
			check(err)
		}
		if op == "insert" {
			s[i] = benchlib.Since(t0) / batch
		}
	}
	if op == "select" {
		for i := 0; i < n; i++ {
			t0 := benchlib.Now()
			for j := 0; j < batch; j++ {
				k := (i*batch + j*7919) % rows // not in insertion order
				var v string
				check(sel.QueryRow(k).Scan(&v))
				if v != value(k) {
					benchlib.Fail(fmt.Sprintf("row %d reads back %q, wrote %q", k, v, value(k)))
				}
			}
			s[i] = benchlib.Since(t0) / batch
		}
	}
	r.Meta("rows", rows)
	r.Samples(s)
}

func value(k int) string {
	return fmt.Sprintf("value %d of the feasibility benchmark", k)
}

func check(err error) {
	if err != nil {
		benchlib.Fail(err.Error())
	}
}
