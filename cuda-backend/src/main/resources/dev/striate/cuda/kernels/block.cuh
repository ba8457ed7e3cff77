// What the project's kernels share besides storage, prepended to every source after storage.cuh (KernelText), so
// that each .cu file compiles alone under NVRTC, which has no headers to include.
//
//   THREADS                      threads per block of a kernel that reduces across its block (Launcher.THREADS)
//   GRID_STRIDE_LOOP(i, n)       every i < n this thread covers, whatever the grid: launch with any number of blocks
//   block_sum(value, scratch)    Σ value over the block, returned to every thread
//   block_max(value, scratch)    the block's largest value, returned to every thread
//       Every thread of the block must call them; scratch is THREADS floats of __shared__ memory, free again on return.
//       A fixed tree, so the same values give the same result on every run.
//   prior_gradient(dx, i, accumulate)   what a backward kernel adds its share to: dx[i] when accumulate is 1; 0 when
//       it is 0, and then dx is not read: a fresh gradient (Java's BackwardCall.fresh) holds whatever its memory held,
//       and this kernel is its first writer.

#define THREADS 256

#define GRID_STRIDE_LOOP(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long) blockDim.x * gridDim.x)

__device__ float block_sum(float value, float* scratch) {
    scratch[threadIdx.x] = value;
    __syncthreads();
    for (int half = THREADS / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            scratch[threadIdx.x] += scratch[threadIdx.x + half];
        }
        __syncthreads();
    }
    float total = scratch[0];
    __syncthreads();
    return total;
}

__device__ float block_max(float value, float* scratch) {
    scratch[threadIdx.x] = value;
    __syncthreads();
    for (int half = THREADS / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            scratch[threadIdx.x] = fmaxf(scratch[threadIdx.x], scratch[threadIdx.x + half]);
        }
        __syncthreads();
    }
    float largest = scratch[0];
    __syncthreads();
    return largest;
}

__device__ __forceinline__ float prior_gradient(const act_t* dx, long long i, int accumulate) {
    return accumulate ? to_float(dx[i]) : 0.0f;
}
