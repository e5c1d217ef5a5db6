// Shared by the native BM25 peers of `lodestar bench bm25` (xapian_peer.cc, fts5_search.cc).
// Input files use ASCII unit (0x1F) and record (0x1E) separators, which sqlite3's `.import --ascii` reads too:
//   documents: id 0x1F stored-text 0x1F terms-joined-by-spaces 0x1E
//   queries:   id 0x1F distinct-terms-joined-by-spaces 0x1E
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace peer {

inline double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Reads one 0x1E-terminated record and splits it at 0x1F; false at the end of the input.
inline bool read_record(std::istream& in, std::string& record, std::vector<std::string>& fields) {
    if (!std::getline(in, record, '\x1e')) return false;
    if (!record.empty() && record.front() == '\n') record.erase(0, 1);
    fields.clear();
    size_t start = 0;
    for (;;) {
        size_t at = record.find('\x1f', start);
        fields.emplace_back(record.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) break;
        start = at + 1;
    }
    return true;
}

inline std::vector<std::string> split_spaces(const std::string& s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') i++;
        size_t j = i;
        while (j < s.size() && s[j] != ' ') j++;
        if (j > i) out.emplace_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

struct Query { std::string id; std::vector<std::string> terms; };

inline std::vector<Query> read_queries(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<Query> queries;
    std::string record;
    std::vector<std::string> fields;
    while (read_record(in, record, fields)) {
        if (fields.size() < 2) continue;
        queries.push_back({fields[0], split_spaces(fields[1])});
    }
    return queries;
}

inline double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t at = (size_t)std::min<double>(v.size() - 1, std::ceil(p * v.size()) - 1);
    return v[at];
}

// One JSON object per pass: seconds, p50/p99 latency in ms, hits; open_ms is the time to open the index.
inline void print_passes(double open_ms, const std::vector<std::vector<double>>& latencies,
                         const std::vector<double>& seconds, long hits, size_t queries) {
    std::printf("{\"open_ms\":%.3f,\"queries\":%zu,\"hits\":%ld,\"passes\":[", open_ms, queries, hits);
    for (size_t p = 0; p < seconds.size(); p++) {
        std::printf("%s{\"seconds\":%.6f,\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"queries\":%zu}", p ? "," : "", seconds[p],
                    percentile(latencies[p], 0.50) * 1000, percentile(latencies[p], 0.99) * 1000, latencies[p].size());
    }
    std::printf("]}\n");
}

}  // namespace peer
