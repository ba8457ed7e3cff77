// Reductions the backend needs.
//
//   sum_of_squares_f32(const float* x, long long n, double* out)
//       *out += Σ x[i]² (accumulated in double). Launch with exactly 256 threads per block and any grid; each block
//       adds its partial sum to *out with one atomicAdd, so the caller zeroes *out once and may launch this for
//       several tensors in a row to read one number back for all of them (gradient clipping by global norm).

extern "C" __global__ void sum_of_squares_f32(const float* x, long long n, double* out) {
    __shared__ double partial[THREADS];
    double sum = 0.0;
    GRID_STRIDE_LOOP(i, n) {
        double v = x[i];
        sum += v * v;
    }
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (int half = THREADS / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            partial[threadIdx.x] += partial[threadIdx.x + half];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        atomicAdd(out, partial[0]);
    }
}
