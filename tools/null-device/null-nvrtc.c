/*
 * libnvrtc.so.13 of a null device, for tools/host-step-bench.sh: NVRTC 13.0 that compiles nothing. Its "image" of a
 * program names the program, the source's length, "bf16" for a source's bf16 variant (storage.cuh after
 * #define STRIATE_BF16) and the options, which the null driver loads without looking at it; a source holding
 * "#error" fails to compile with a one-line log. It is also the stand-in NVRTC of cuda-backend's tests
 * (NvrtcStandInTest.NVRTC reads this file), whose expected output follows from that image, so change both together.
 * Build: gcc -O2 -shared -fPIC -Wl,-soname,libnvrtc.so.13 -o libnvrtc.so.13 null-nvrtc.c
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
typedef struct { char *source; char *name; char log[256]; char image[512]; } program;
int nvrtcVersion(int *major, int *minor) { *major = 13; *minor = 0; return 0; }
int nvrtcGetNumSupportedArchs(int *count) { *count = 3; return 0; }
int nvrtcGetSupportedArchs(int *architectures) {
    architectures[0] = 75; architectures[1] = 80; architectures[2] = 90;
    return 0;
}
const char *nvrtcGetErrorString(int result) {
    return result == 6 ? "NVRTC_ERROR_COMPILATION" : "NVRTC_ERROR_OTHER";
}
int nvrtcCreateProgram(program **created, const char *source, const char *name, int headers,
                       const char *const *headerSources, const char *const *includeNames) {
    if (headers != 0 || headerSources != NULL || includeNames != NULL) return 3;
    program *p = calloc(1, sizeof(program));
    p->source = strdup(source);
    p->name = strdup(name);
    *created = p;
    return 0;
}
int nvrtcCompileProgram(program *p, int count, const char *const *options) {
    if (strstr(p->source, "#error") != NULL) {
        snprintf(p->log, sizeof p->log, "%s(1): error: stand-in refuses", p->name);
        return 6;
    }
    snprintf(p->image, sizeof p->image, "%s|%zu|", p->name, strlen(p->source));
    if (strstr(p->source, "#define STRIATE_BF16") != NULL) strcat(p->image, "bf16|");
    for (int i = 0; i < count; i++) {
        strcat(p->image, options[i]);
        strcat(p->image, ";");
    }
    return 0;
}
int nvrtcGetCUBINSize(program *p, size_t *size) { *size = strlen(p->image); return 0; }
int nvrtcGetCUBIN(program *p, char *out) { memcpy(out, p->image, strlen(p->image)); return 0; }
int nvrtcGetPTXSize(program *p, size_t *size) { *size = strlen(p->image) + 1; return 0; }
int nvrtcGetPTX(program *p, char *out) { strcpy(out, p->image); return 0; }
int nvrtcGetProgramLogSize(program *p, size_t *size) { *size = strlen(p->log) + 1; return 0; }
int nvrtcGetProgramLog(program *p, char *out) { strcpy(out, p->log); return 0; }
int nvrtcDestroyProgram(program **p) {
    free((*p)->source);
    free((*p)->name);
    free(*p);
    *p = NULL;
    return 0;
}
