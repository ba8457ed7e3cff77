// How activations are stored, prepended to every kernel source (KernelModules; the host emulation and the nvcc check
// do the same). fp32 and tf32 work stores float; the bf16 variant (compiled with STRIATE_BF16 defined) stores bf16,
// the upper 16 bits of a float, in an unsigned short. Kernels declare activation and activation-gradient pointers
// act_t, parameters, statistics and the loss float; they load with to_float, compute in float, and store with to_act,
// which rounds to the nearest bf16 (ties to even, as cuDNN and PyTorch do) and keeps NaN a NaN. No header is needed,
// so NVRTC compiles it as it is.
//
//   act_t               float, or unsigned short holding bf16 bits
//   to_float(act_t v)   the value as a float (exact)
//   to_act(float v)     the value rounded to act_t

#ifdef STRIATE_BF16
typedef unsigned short act_t;

__device__ __forceinline__ float to_float(act_t value) {
    return __uint_as_float(((unsigned int) value) << 16);
}

__device__ __forceinline__ act_t to_act(float value) {
    unsigned int bits = __float_as_uint(value);
    if ((bits & 0x7fffffffu) > 0x7f800000u) {
        return (act_t) ((bits >> 16) | 0x0040u);
    }
    return (act_t) ((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}
#else
typedef float act_t;

__device__ __forceinline__ float to_float(act_t value) {
    return value;
}

__device__ __forceinline__ act_t to_act(float value) {
    return value;
}
#endif
