/* Streaming-read memory bandwidth, the reference for `lodestar bench dense`.
 *
 * usage: membw [THREADS] [MIB] [PASSES]   (defaults: all OpenMP threads, 1024 MiB, 7)
 * build: gcc -O3 -march=native -fopenmp bench/peers/membw.c -o out/bench/membw
 *
 * Each thread first-touches and then sums its own slice of the buffer (static schedule, so the same slice every
 * pass) with 64 independent lanes, so the loop is limited by loads, not by the add latency. Prints one
 * JSON line: threads, bytes, and the best and median GB/s over the passes (the first, cold pass is not counted).
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : omp_get_max_threads();
    size_t mib = argc > 2 ? (size_t)atol(argv[2]) : 1024;
    int passes = argc > 3 ? atoi(argv[3]) : 7;
    if (threads < 1 || mib < 1 || passes < 1 || passes > 100)
    {
        fprintf(stderr, "usage: membw [THREADS>=1] [MIB>=1] [PASSES 1..100]\n");
        return 2;
    }

    omp_set_num_threads(threads);
    size_t n = mib * 1024 * 1024 / sizeof(float);
    float *buffer = aligned_alloc(64, n * sizeof(float));
    if (buffer == NULL)
    {
        fprintf(stderr, "membw: cannot allocate %zu MiB\n", mib);
        return 1;
    }

#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        buffer[i] = 1.0f;

    double seconds[101];
    double total = 0;
    for (int pass = 0; pass <= passes; pass++)
    {
        double start = omp_get_wtime();
        float sum = 0;
#pragma omp parallel reduction(+ : sum)
        {
            /* 64 independent lanes: the compiler keeps them in 4-8 vector registers, so loads, not adds, limit */
            float lanes[64] = {0};
#pragma omp for schedule(static)
            for (size_t i = 0; i < n; i += 64)
                for (int j = 0; j < 64; j++)
                    lanes[j] += buffer[i + j];
            for (int j = 0; j < 64; j++)
                sum += lanes[j];
        }
        seconds[pass] = omp_get_wtime() - start;
        total += sum;
    }

    qsort(seconds + 1, passes, sizeof(double), compare);
    double bytes = (double)n * sizeof(float);
    printf("{\"threads\": %d, \"bytes\": %.0f, \"best_gbs\": %.2f, \"median_gbs\": %.2f, \"check\": %.0f}\n", threads, bytes,
           bytes / seconds[1] / 1e9, bytes / seconds[1 + passes / 2] / 1e9, total / (passes + 1));
    free(buffer);
    return 0;
}
