// Local response normalization across channels, as the reference (PyTorch's LocalResponseNorm):
// b_c = a_c · s_c^-beta, s_c = k + alpha/size · Σ a_j² over j = c - size/2 .. c + (size-1)/2 clipped to the channels.
// Not cuDNN's LRN: cuDNN centres an even-sized window the other way (c - (size-1)/2 .. c + size/2) and limits size
// to 1..16, so it would differ from the reference for even sizes.
// Tensors are read as [N, C, S] (S = H·W), laid out as layout.cuh says: each thread takes one element in memory order
// (act_cell; in the channels-last variant neighbouring threads take neighbouring channels of one cell, whose window
// lies in one stretch of memory) and reads its window with act_offset. act_t (storage.cuh) is float, or bf16 in the
// bf16 variant: everything is computed in float from the stored values, and each result stored (rounded) once.
//
//   lrn_forward(const act_t* a, act_t* b, int N, int C, int S, int size, float alpha, float beta, float k)
//       one thread per element.
//   lrn_backward(const act_t* a, const act_t* g, act_t* da, int N, int C, int S, int size, float alpha,
//                float beta, float k)
//       da_i += g_i · s_i^-beta - 2·alpha·beta/size · a_i · Σ_c g_c · a_c · s_c^(-beta-1) over the channels c whose
//       window holds i (c = i - (size-1)/2 .. i + size/2); s is recomputed, nothing is stored between passes.

// s_c at item n, position s.
__device__ float lrn_scale(const act_t* a, long long n, int c, long long s, int C, int S, int size, float alpha,
                           float k) {
    int first = max(0, c - size / 2);
    int last = min(C - 1, c + (size - 1) / 2);
    float sumOfSquares = 0.0f;
    for (int j = first; j <= last; j++) {
        float aj = to_float(a[act_offset(n, j, s, C, S)]);
        sumOfSquares += aj * aj;
    }
    return k + alpha / size * sumOfSquares;
}

extern "C" __global__ void lrn_forward(const act_t* a, act_t* b, int N, int C, int S, int size, float alpha,
                                       float beta, float k) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        ActCell at = act_cell(index, C, S);
        b[index] = to_act(to_float(a[index]) * powf(lrn_scale(a, at.n, at.c, at.s, C, S, size, alpha, k), -beta));
    }
}

extern "C" __global__ void lrn_backward(const act_t* a, const act_t* g, act_t* da, int N, int C, int S, int size,
                                        float alpha, float beta, float k) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        ActCell at = act_cell(index, C, S);
        int i = at.c;
        int first = max(0, i - (size - 1) / 2);
        int last = min(C - 1, i + size / 2);
        float throughScales = 0.0f;
        for (int c = first; c <= last; c++) {
            long long ci = act_offset(at.n, c, at.s, C, S);
            float scale = lrn_scale(a, at.n, c, at.s, C, S, size, alpha, k);
            throughScales += to_float(g[ci]) * to_float(a[ci]) * powf(scale, -beta - 1.0f);
        }
        float own = powf(lrn_scale(a, at.n, i, at.s, C, S, size, alpha, k), -beta);
        float sum = to_float(g[index]) * own - 2.0f * alpha * beta / size * to_float(a[index]) * throughScales;
        da[index] = to_act(to_float(da[index]) + sum);
    }
}
