/*
 * libcublas.so.13 of a null device, for tools/host-step-bench.sh: every cuBLAS call Striate makes succeeds at once
 * and computes nothing (the GEMMs take only the handle here: the caller's other arguments are ignored). Its symbols
 * carry the version libcublas.so.13 (cublas.map), as the real library's do: the JCublas2 native that Striate
 * rewrites for cuBLAS 13 binds them by that version.
 * NULL_STATS=1 prints at exit, on stderr:  null cublas: N calls  (the GEMMs asked for)
 * Build: gcc -O2 -shared -fPIC -Wl,-soname,libcublas.so.13 -Wl,--version-script=cublas.map \
 *            -o libcublas.so.13 null-cublas.c
 */
#include <stdio.h>
#include <stdlib.h>

static unsigned long calls;

static void report(void) {
    if (getenv("NULL_STATS") != NULL) fprintf(stderr, "null cublas: %lu calls\n", calls);
}

__attribute__((constructor)) static void start(void) { atexit(report); }

static int handle_token;
int cublasCreate_v2(void **handle) { *handle = &handle_token; return 0; }
int cublasDestroy_v2(void *handle) { return 0; }
int cublasSetStream_v2(void *handle, void *stream) { return 0; }
int cublasSetMathMode(void *handle, int mode) { return 0; }
int cublasSgemm_v2(void *handle) { calls++; return 0; }
int cublasGemmEx(void *handle) { calls++; return 0; }
