// Bare C insert loop: the same activation_stats schema, WAL, synchronous=NORMAL, one prepared
// INSERT OR REPLACE, 1000 rows per transaction. The ceiling hookd's writer is compared with.
// Build: cc -O2 -o bench/bin/store_peer bench/store_peer.c -lsqlite3
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: store_peer FILE ROWS\n"); return 64; }
    const char *path = argv[1];
    long rows = atol(argv[2]);
    unlink(path);
    sqlite3 *db;
    check(sqlite3_open(path, &db), db, "open");
    check(sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
        "CREATE TABLE activation_stats (run_id INTEGER NOT NULL, path TEXT NOT NULL, kind TEXT NOT NULL,"
        " batch INTEGER NOT NULL, epoch INTEGER NOT NULL, mean REAL, std REAL, near_zero REAL, min REAL, max REAL,"
        " PRIMARY KEY (run_id, path, kind, batch)) WITHOUT ROWID;", 0, 0, 0), db, "schema");
    sqlite3_stmt *insert;
    check(sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO activation_stats VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                             -1, &insert, 0), db, "prepare");
    const char *layers[] = {"0.0", "0.1", "1.0", "1.1", "2.0", "2.1", "3.0"};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < rows; i++) {
        if (i % 1000 == 0) check(sqlite3_exec(db, "BEGIN", 0, 0, 0), db, "begin");
        long batch = i / 7;
        int layer = (int)(i % 7);
        sqlite3_bind_int64(insert, 1, 1);
        sqlite3_bind_text(insert, 2, layers[layer], -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 3, "forward", -1, SQLITE_STATIC);
        sqlite3_bind_int64(insert, 4, batch);
        sqlite3_bind_int64(insert, 5, 0);
        sqlite3_bind_double(insert, 6, batch * 1e-3);
        sqlite3_bind_double(insert, 7, 1 + layer * 1e-2);
        sqlite3_bind_double(insert, 8, 0.5);
        sqlite3_bind_double(insert, 9, -3);
        sqlite3_bind_double(insert, 10, 3);
        check(sqlite3_step(insert), db, "insert");
        sqlite3_reset(insert);
        if (i % 1000 == 999 || i == rows - 1) check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    sqlite3_finalize(insert);
    sqlite3_close(db);
    printf("{\"peer\": \"c-insert-loop\", \"rows\": %ld, \"seconds\": %f, \"rows_per_s\": %f}\n", rows, seconds, rows / seconds);
    return 0;
}
