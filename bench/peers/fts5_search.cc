// SQLite FTS5 search peer of `lodestar bench bm25` (the index is built by the sqlite3 CLI's `.import`; see
// BenchCommand), built by the benchmark with g++ and Debian's libsqlite3-dev.
//   fts5_search DB QUERIES K PASSES [BUDGET_S]
// Each query is an OR of its distinct terms, each quoted; FTS5's bm25() ranks (its k1 1.2 and b 0.75 are fixed);
// the k hits' ids are read from the table, as a user needs them. The first pass is cold. A pass stops early once
// BUDGET_S seconds are spent (FTS5 takes minutes on long queries).
#include <sqlite3.h>
#include <cmath>
#include "peer_common.h"

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: fts5_search DB QUERIES K PASSES [BUDGET_S]\n");
        return 2;
    }
    std::vector<peer::Query> queries = peer::read_queries(argv[2]);
    int k = std::atoi(argv[3]), passes = std::atoi(argv[4]);
    double budget = argc > 5 ? std::atof(argv[5]) : 0;
    double t0 = peer::now();
    sqlite3* db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_stmt* stmt;
    if (sqlite3_prepare_v2(db, "SELECT id FROM docs WHERE docs MATCH ?1 ORDER BY rank LIMIT ?2", -1, &stmt, nullptr) != SQLITE_OK) {
        std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    double open_ms = (peer::now() - t0) * 1000;
    std::vector<std::vector<double>> lat(passes);
    std::vector<double> seconds(passes);
    long hits = 0, idBytes = 0;
    for (int p = 0; p < passes; p++) {
        double start = peer::now();
        hits = 0;
        for (const peer::Query& q : queries) {
            double qs = peer::now();
            std::string match;
            for (const std::string& term : q.terms) {
                if (!match.empty()) match += " OR ";
                match += '"';
                for (char c : term) { if (c == '"') match += '"'; match += c; }
                match += '"';
            }
            if (!match.empty()) {
                sqlite3_bind_text(stmt, 1, match.c_str(), (int)match.size(), SQLITE_TRANSIENT);
                sqlite3_bind_int(stmt, 2, k);
                int rc;
                while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                    idBytes += sqlite3_column_bytes(stmt, 0);
                    hits++;
                }
                if (rc != SQLITE_DONE) {
                    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
                    return 1;
                }
                sqlite3_reset(stmt);
            }
            double now = peer::now();
            lat[p].push_back(now - qs);
            if (budget > 0 && now - start > budget) break;
        }
        seconds[p] = peer::now() - start;
    }
    peer::print_passes(open_ms, lat, seconds, hits, queries.size());
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return idBytes < 0;
}
