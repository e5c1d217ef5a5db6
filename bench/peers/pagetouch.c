// What touching memory costs on this machine: first write to fresh anonymous pages (plain, after MAP_POPULATE, after
// MADV_POPULATE_WRITE), a second write, and touching pages of a file already in the page cache (mmap) against reading
// it into fresh memory. Used for docs/benchmarks.md ("Session 8: fresh memory is the start-up").
//   gcc -O2 -o /tmp/pagetouch bench/peers/pagetouch.c && /tmp/pagetouch 1000 FILE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void anonymous(size_t pages, int mode) {
  size_t size = pages * 4096;
  double t0 = now_us();
  char *p = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | (mode == 1 ? MAP_POPULATE : 0), -1, 0);
  if (mode == 2) madvise(p, size, MADV_POPULATE_WRITE);
  double t1 = now_us();
  for (size_t i = 0; i < size; i += 4096) p[i] = 1;
  double t2 = now_us();
  for (size_t i = 0; i < size; i += 4096) p[i] = 2;
  double t3 = now_us();
  const char *name[] = {"plain", "MAP_POPULATE", "MADV_POPULATE_WRITE"};
  printf("anonymous, %-19s: map/populate %6.2f us/page, first write %6.2f us/page, second write %6.3f us/page\n", name[mode],
         (t1 - t0) / pages, (t2 - t1) / pages, (t3 - t2) / pages);
  munmap(p, size);
}

int main(int argc, char **argv) {
  size_t pages = argc > 1 ? (size_t)atol(argv[1]) : 1000;
  for (int round = 0; round < 2; round++)
    for (int mode = 0; mode < 3; mode++) anonymous(pages, mode);
  if (argc > 2) {
    int fd = open(argv[2], O_RDONLY);
    struct stat st;
    fstat(fd, &st);
    size_t n = (size_t)st.st_size / 4096 < pages ? (size_t)st.st_size / 4096 : pages;
    unsigned sum = 0;
    double t0 = now_us();
    unsigned char *m = mmap(0, n * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    for (size_t i = 0; i < n * 4096; i += 4096) sum += m[i];
    double t1 = now_us();
    char *buffer = malloc(n * 4096);
    double t2 = now_us();
    if (pread(fd, buffer, n * 4096, 0) < 0) return 1;
    double t3 = now_us();
    printf("file in page cache, %zu pages: mmap and touch %.2f us/page; pread into fresh memory %.2f us/page (%u)\n", n,
           (t1 - t0) / n, (t3 - t2) / n, sum);
  }
  return 0;
}
