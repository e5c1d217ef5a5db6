// Xapian peer of `lodestar bench bm25`, built by the benchmark with g++ and Debian's libxapian-dev.
//   xapian_peer index DOCS INDEX_DIR        glass database: one term per token (wdf = tf), the text as document
//                                           data, the id as value 0 and as a unique "Q" term; no termlist
//   xapian_peer compact INDEX_DIR OUT_DIR   full compaction (what the size is measured on)
//   xapian_peer search INDEX_DIR QUERIES K PASSES [BUDGET_S]
// Search: BM25Weight(k1 0.9, k2 0, k3 1, b 0.4, min_normlen 0.5); each query is an OP_OR of its distinct terms
// (each once, as every system gets them); the k hits' ids are read (value 0), as a user needs them. The first pass is
// cold: nothing ran before it in this process. A pass stops early once BUDGET_S seconds are spent (default: none).
#include <xapian.h>
#include <cmath>
#include "peer_common.h"

static int index_docs(const char* docs, const char* dir) {
    double start = peer::now();
    Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_TERMLIST);
    std::ifstream in(docs, std::ios::binary);
    std::string record;
    std::vector<std::string> f;
    long n = 0, tokens = 0, truncated = 0;
    db.begin_transaction(false);
    while (peer::read_record(in, record, f)) {
        if (f.size() < 3) continue;
        Xapian::Document doc;
        size_t i = 0;
        const std::string& t = f[2];
        while (i < t.size()) {
            size_t j = t.find(' ', i);
            if (j == std::string::npos) j = t.size();
            if (j > i) {
                size_t len = j - i;
                if (len > 240) { len = 240; truncated++; }
                doc.add_term(t.substr(i, len));
                tokens++;
            }
            i = j + 1;
        }
        doc.set_data(f[1]);
        doc.add_value(0, f[0]);
        doc.add_boolean_term("Q" + f[0].substr(0, 200));
        db.add_document(doc);
        n++;
    }
    db.commit_transaction();
    db.close();
    std::printf("{\"seconds\":%.6f,\"documents\":%ld,\"tokens\":%ld,\"truncated_terms\":%ld}\n", peer::now() - start, n, tokens, truncated);
    return 0;
}

static int compact(const char* dir, const char* out) {
    Xapian::Database db(dir);
    db.compact(out, Xapian::DBCOMPACT_SINGLE_FILE | Xapian::Compactor::FULLER);
    return 0;
}

static int search(const char* dir, const char* queries_path, int k, int passes, double budget) {
    std::vector<peer::Query> queries = peer::read_queries(queries_path);
    double t0 = peer::now();
    Xapian::Database db(dir);
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::BM25Weight(0.9, 0, 1, 0.4, 0.5));
    double open_ms = (peer::now() - t0) * 1000;
    std::vector<std::vector<double>> lat(passes);
    std::vector<double> seconds(passes);
    long hits = 0, idBytes = 0;
    for (int p = 0; p < passes; p++) {
        double start = peer::now();
        hits = 0;
        for (const peer::Query& q : queries) {
            double qs = peer::now();
            std::vector<Xapian::Query> leaves;
            for (const std::string& term : q.terms) leaves.emplace_back(term.size() > 240 ? term.substr(0, 240) : term);
            enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, leaves.begin(), leaves.end()));
            Xapian::MSet mset = enquire.get_mset(0, k);
            for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
                idBytes += it.get_document().get_value(0).size();
                hits++;
            }
            double now = peer::now();
            lat[p].push_back(now - qs);
            if (budget > 0 && now - start > budget) break;
        }
        seconds[p] = peer::now() - start;
    }
    peer::print_passes(open_ms, lat, seconds, hits, queries.size());
    return idBytes < 0;
}

int main(int argc, char** argv) {
    try {
        std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "index" && argc == 4) return index_docs(argv[2], argv[3]);
        if (mode == "compact" && argc == 4) return compact(argv[2], argv[3]);
        if (mode == "search" && argc >= 6) return search(argv[2], argv[3], std::atoi(argv[4]), std::atoi(argv[5]), argc > 6 ? std::atof(argv[6]) : 0);
        std::fprintf(stderr, "usage: xapian_peer index DOCS DIR | compact DIR OUT | search DIR QUERIES K PASSES [BUDGET_S]\n");
        return 2;
    } catch (const Xapian::Error& e) {
        std::fprintf(stderr, "xapian: %s\n", e.get_description().c_str());
        return 1;
    }
}
