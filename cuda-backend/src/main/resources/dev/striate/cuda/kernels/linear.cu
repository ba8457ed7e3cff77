// The bias parts of a fully connected layer (the matrix products are cuBLAS GEMMs), on row-major [N, F] tensors:
// y and dy are activations (act_t), the bias and its gradient float parameters.
//
//   broadcast_rows(const float* bias, act_t* y, int N, int F)   y[n, f] = bias[f] (the GEMM then adds x·Wᵀ, beta 1)
//   sum_rows_into(const act_t* dy, float* db, int N, int F)     db[f] += Σ_n dy[n, f]; one thread per f, rows in order

extern "C" __global__ void broadcast_rows(const float* bias, act_t* y, int N, int F) {
    long long total = (long long) N * F;
    GRID_STRIDE_LOOP(index, total) { y[index] = to_act(bias[index % F]); }
}

extern "C" __global__ void sum_rows_into(const act_t* dy, float* db, int N, int F) {
    GRID_STRIDE_LOOP(f, F) {
        float sum = 0.0f;
        for (int n = 0; n < N; n++) {
            sum += to_float(dy[(long long) n * F + f]);
        }
        db[f] += sum;
    }
}
