/* Lodestar's AVX-512 VNNI int8 block scan (512-bit vpdpbusd), called from Lodestar.Dense.Native through P/Invoke.
 *
 * A block of rows is packed once ("lodestar_int8_pack") into groups of 16 rows, interleaved by 4 dimensions and
 * stored as unsigned bytes r + 128: group g, dimension quad k holds 16 × 4 bytes, row-major within the quad. One
 * vpdpbusd zmm then multiplies 16 rows by 4 query bytes broadcast from memory: Σ(r + 128)·q, from which the scan
 * subtracts 128·Σq per query. Products are exact int32 (|(r + 128)·q| ≤ 255·128, no saturation in vpdpbusd), so the
 * dot equals the managed kernel's Σq·r whatever the order. Scores are (float)dot · scale[row] · queryScale with two
 * separate multiplies (no contraction), as in the managed scan, so they are bit-identical.
 *
 * Build: cc -O3 -shared -fPIC -ffp-contract=off (the AVX-512 code is compiled per function with target attributes;
 * lodestar_int8_supported checks the CPU and the OS's zmm state at run time).
 */
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define ROWS_PER_GROUP 16
#define TILE_GROUPS 4  /* 64 rows per tile */
#define TILE_QUERIES 6 /* 4 × 6 = 24 accumulators, 4 row vectors, 1 broadcast: 29 of 32 zmm */

typedef struct
{
    int32_t query;
    int32_t row;
    float score;
} lodestar_candidate;

#if defined(__x86_64__) || defined(_M_X64)
#define TARGET __attribute__((target("avx512f,avx512bw,avx512vnni")))

/* 1 when the CPU has AVX-512 F/BW/VNNI and the OS saves zmm state (XCR0 bits 1, 2, 5, 6, 7). */
int lodestar_int8_supported(void)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw") || !__builtin_cpu_supports("avx512vnni"))
    {
        return 0;
    }

    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & 0xE6) == 0xE6;
}
#else
#define TARGET
int lodestar_int8_supported(void) { return 0; }
#endif

/* Bytes of the packed form of `rows` rows of d dimensions. */
int64_t lodestar_int8_packed_bytes(int32_t rows, int32_t d)
{
    int64_t groups = (rows + ROWS_PER_GROUP - 1) / ROWS_PER_GROUP;
    groups = (groups + TILE_GROUPS - 1) / TILE_GROUPS * TILE_GROUPS;
    return groups * ROWS_PER_GROUP * (int64_t)((d + 3) / 4) * 4;
}

/* One whole group of 16 rows with d a multiple of 4: each 64 dimensions of the 16 rows loaded (16 zmm) and
 * transposed as a 16 × 16 matrix of 4-byte words (unpack by 32 and 64 bits, then two 128-bit lane shuffles), the
 * dimensions past the last multiple of 64 word by word. */
TARGET static void pack_group(const int8_t *rows, int32_t d, uint8_t *out)
{
    const __m512i flip = _mm512_set1_epi32((int)0x80808080u);
    int32_t chunks = d / 64;
    for (int32_t c = 0; c < chunks; c++)
    {
        __m512i t[16], u[16], v[16];
        for (int i = 0; i < 16; i++)
        {
            t[i] = _mm512_xor_si512(_mm512_loadu_si512(rows + (int64_t)i * d + 64 * c), flip);
        }

        for (int i = 0; i < 8; i++)
        {
            u[2 * i] = _mm512_unpacklo_epi32(t[2 * i], t[2 * i + 1]);
            u[2 * i + 1] = _mm512_unpackhi_epi32(t[2 * i], t[2 * i + 1]);
        }

        for (int g = 0; g < 4; g++)
        {
            /* v[4g + m], 128-bit lane L: word 4L + m of rows 4g .. 4g + 3 */
            v[4 * g] = _mm512_unpacklo_epi64(u[4 * g], u[4 * g + 2]);
            v[4 * g + 1] = _mm512_unpackhi_epi64(u[4 * g], u[4 * g + 2]);
            v[4 * g + 2] = _mm512_unpacklo_epi64(u[4 * g + 1], u[4 * g + 3]);
            v[4 * g + 3] = _mm512_unpackhi_epi64(u[4 * g + 1], u[4 * g + 3]);
        }

        uint8_t *o = out + (int64_t)c * 16 * 64;
        for (int m = 0; m < 4; m++)
        {
            __m512i w0 = _mm512_shuffle_i32x4(v[m], v[4 + m], 0x88), w1 = _mm512_shuffle_i32x4(v[m], v[4 + m], 0xDD);
            __m512i w2 = _mm512_shuffle_i32x4(v[8 + m], v[12 + m], 0x88), w3 = _mm512_shuffle_i32x4(v[8 + m], v[12 + m], 0xDD);
            _mm512_store_si512(o + (0 + m) * 64, _mm512_shuffle_i32x4(w0, w2, 0x88));
            _mm512_store_si512(o + (4 + m) * 64, _mm512_shuffle_i32x4(w1, w3, 0x88));
            _mm512_store_si512(o + (8 + m) * 64, _mm512_shuffle_i32x4(w0, w2, 0xDD));
            _mm512_store_si512(o + (12 + m) * 64, _mm512_shuffle_i32x4(w1, w3, 0xDD));
        }
    }

    for (int32_t k = chunks * 16; k < d / 4; k++)
    {
        for (int r = 0; r < 16; r++)
        {
            uint32_t word;
            memcpy(&word, rows + (int64_t)r * d + 4 * k, 4);
            word ^= 0x80808080u;
            memcpy(out + ((int64_t)k * 16 + r) * 4, &word, 4);
        }
    }
}

/* Packs `rows` consecutive int8 rows (d bytes each) into `packed` (lodestar_int8_packed_bytes bytes, 64-byte
 * aligned). Rows past `rows` and dimensions past d are packed as r = 0 (the byte 128); they add 0·q or are never
 * reported. Like lodestar_int8_scan, only where lodestar_int8_supported() returned 1. */
void lodestar_int8_pack(const int8_t *rows, int32_t count, int32_t d, uint8_t *packed)
{
    int32_t quads = (d + 3) / 4;
    int64_t bytes = lodestar_int8_packed_bytes(count, d);
    int32_t groups = (int32_t)(bytes / ((int64_t)ROWS_PER_GROUP * quads * 4));
    for (int32_t g = 0; g < groups; g++)
    {
        uint8_t *out = packed + (int64_t)g * ROWS_PER_GROUP * quads * 4;
        if (d % 4 == 0 && (g + 1) * ROWS_PER_GROUP <= count && d <= (1 << 27))
        {
            pack_group(rows + (int64_t)g * ROWS_PER_GROUP * d, d, out);
            continue;
        }

        for (int32_t r = 0; r < ROWS_PER_GROUP; r++)
        {
            int32_t row = g * ROWS_PER_GROUP + r;
            const int8_t *x = rows + (int64_t)row * d;
            for (int32_t k = 0; k < quads; k++)
            {
                uint32_t word = 0x80808080u;
                if (row < count)
                {
                    if (4 * k + 4 <= d)
                    {
                        memcpy(&word, x + 4 * k, 4);
                        word ^= 0x80808080u;
                    }
                    else
                    {
                        for (int32_t i = 0; i < 4 && 4 * k + i < d; i++)
                        {
                            word = (word & ~(0xFFu << (8 * i))) | ((uint32_t)(uint8_t)(x[4 * k + i] ^ 0x80) << (8 * i));
                        }
                    }
                }

                memcpy(out + ((int64_t)k * ROWS_PER_GROUP + r) * 4, &word, 4);
            }
        }
    }
}

/* Appends the scores of one (16 rows, query) vector above the threshold, rows ascending. */
TARGET static inline int emit(__m512i acc, __m512i correction, const float *scales, float queryScale, float threshold,
                              uint32_t valid, int32_t query, int32_t row, lodestar_candidate *out)
{
    __m512 score = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc, correction));
    score = _mm512_mul_ps(score, _mm512_maskz_loadu_ps((__mmask16)valid, scales));
    score = _mm512_mul_ps(score, _mm512_set1_ps(queryScale));
    uint32_t above = _mm512_mask_cmp_ps_mask((__mmask16)valid, score, _mm512_set1_ps(threshold), _CMP_GT_OQ);
    if (above == 0)
    {
        return 0;
    }

    float lanes[16];
    _mm512_storeu_ps(lanes, score);
    int n = 0;
    while (above != 0)
    {
        int lane = __builtin_ctz(above);
        above &= above - 1;
        out[n].query = query;
        out[n].row = row + lane;
        out[n].score = lanes[lane];
        n++;
    }

    return n;
}

/* Scores rows [0, rows) of a packed block (its first row is `first_row`; `scales` are the block's row scales)
 * against queries [*next, query_end): signed int8 queries `stride` bytes apart (zero past d), their Σq in `sums`,
 * scales and thresholds. Appends every (query, row, score) with score > threshold, each query's rows ascending, to
 * `out`; stops before a tile of queries that might not fit in `capacity` (at least 64 × 6 is needed), sets *next to
 * the first query not scanned and returns the number appended. */
TARGET int32_t lodestar_int8_scan(const uint8_t *packed, int32_t rows, int32_t d, int32_t first_row, const float *scales,
                                   const int8_t *queries, int32_t stride, const int32_t *sums, const float *query_scales,
                                   const float *thresholds, int32_t *next, int32_t query_end, lodestar_candidate *out,
                                   int32_t capacity)
{
    const int32_t quads = (d + 3) / 4;
    const int64_t group_bytes = (int64_t)ROWS_PER_GROUP * quads * 4;
    const int32_t tile_rows = ROWS_PER_GROUP * TILE_GROUPS;
    int32_t written = 0;
    int32_t q0 = *next;
    /* the query tiles that fit, all scanned tile of rows by tile of rows (the rows of a tile stay in L1) */
    int32_t q_end = q0;
    for (;;)
    {
        int32_t tile_end = q_end + TILE_QUERIES < query_end ? q_end + TILE_QUERIES : query_end;
        if (tile_end == q_end || (int64_t)(tile_end - q0) * rows > capacity)
        {
            break;
        }

        q_end = tile_end;
    }

    if (q_end == q0)
    {
        return 0;
    }

    for (int32_t row = 0; row < rows; row += tile_rows)
    {
        const uint8_t *tile = packed + (int64_t)(row / ROWS_PER_GROUP) * group_bytes;
        for (int32_t q = q0; q < q_end; q += TILE_QUERIES)
        {
            const int8_t *qp[TILE_QUERIES];
            for (int j = 0; j < TILE_QUERIES; j++)
            {
                qp[j] = queries + (int64_t)(q + j < q_end ? q + j : q) * stride;
            }

            __m512i a00 = _mm512_setzero_si512(), a01 = a00, a02 = a00, a03 = a00;
            __m512i a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            __m512i a20 = a00, a21 = a00, a22 = a00, a23 = a00;
            __m512i a30 = a00, a31 = a00, a32 = a00, a33 = a00;
            __m512i a40 = a00, a41 = a00, a42 = a00, a43 = a00;
            __m512i a50 = a00, a51 = a00, a52 = a00, a53 = a00;
            const uint8_t *p0 = tile, *p1 = tile + group_bytes, *p2 = tile + 2 * group_bytes, *p3 = tile + 3 * group_bytes;
            for (int32_t k = 0; k < quads; k++)
            {
                __m512i r0 = _mm512_load_si512(p0 + 64 * k), r1 = _mm512_load_si512(p1 + 64 * k);
                __m512i r2 = _mm512_load_si512(p2 + 64 * k), r3 = _mm512_load_si512(p3 + 64 * k);
                int32_t w;
                __m512i b;
#define QUERY(J, A0, A1, A2, A3)                                                                                     \
    memcpy(&w, qp[J] + 4 * k, 4);                                                                                    \
    b = _mm512_set1_epi32(w);                                                                                        \
    A0 = _mm512_dpbusd_epi32(A0, r0, b);                                                                             \
    A1 = _mm512_dpbusd_epi32(A1, r1, b);                                                                             \
    A2 = _mm512_dpbusd_epi32(A2, r2, b);                                                                             \
    A3 = _mm512_dpbusd_epi32(A3, r3, b);
                QUERY(0, a00, a01, a02, a03)
                QUERY(1, a10, a11, a12, a13)
                QUERY(2, a20, a21, a22, a23)
                QUERY(3, a30, a31, a32, a33)
                QUERY(4, a40, a41, a42, a43)
                QUERY(5, a50, a51, a52, a53)
#undef QUERY
            }

            __m512i acc[TILE_QUERIES][TILE_GROUPS] = {
                {a00, a01, a02, a03}, {a10, a11, a12, a13}, {a20, a21, a22, a23},
                {a30, a31, a32, a33}, {a40, a41, a42, a43}, {a50, a51, a52, a53}};
            for (int j = 0; j < TILE_QUERIES && q + j < q_end; j++)
            {
                __m512i correction = _mm512_set1_epi32(128 * sums[q + j]);
                for (int g = 0; g < TILE_GROUPS; g++)
                {
                    int32_t r = row + g * ROWS_PER_GROUP;
                    if (r >= rows)
                    {
                        break;
                    }

                    uint32_t valid = rows - r >= 16 ? 0xFFFFu : (1u << (rows - r)) - 1;
                    written += emit(acc[j][g], correction, scales + r, query_scales[q + j], thresholds[q + j], valid, q + j,
                                    first_row + r, out + written);
                }
            }
        }
    }

    *next = q_end;
    return written;
}
