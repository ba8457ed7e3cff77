// Inverted dropout in training with exactly the reference's mask (core's DropoutMask): element i is kept when
// uniform(seed, node, step, i) >= p, where uniform is the SplitMix64 finalizer chained over index, step, node and
// seed, its top 53 bits scaled to [0, 1). Kept elements are multiplied by keptScale = 1/(1-p), dropped ones by 0.
// Nothing is stored: backward recomputes the mask. (Evaluation is the identity; the Java kernel copies instead.)
// act_t (storage.cuh) is float, or bf16 in the bf16 variant: the product is computed in float and stored once.
// The n elements are read as [n / (C·S), C, S] laid out as layout.cuh says (C = S = 1 for a tensor of another rank
// than 4): i is the element's NCHW index, the reference's, whatever its place in memory, so a channels-last tensor
// gets the same mask as an NCHW one.
//
//   dropout_forward(const act_t* x, act_t* y, long long n, int C, int S, double p, float keptScale,
//                   long long seed, long long node, long long step)          y[i] = x[i] · m[i]
//   dropout_backward(const act_t* dy, act_t* dx, long long n, int C, int S, double p, float keptScale,
//                    long long seed, long long node, long long step, int accumulate)     dx[i] += dy[i] · m[i]
//       (accumulate 0 writes dx without reading it: a fresh gradient, prior_gradient in block.cuh)

// SplitMix64's finalizer, as DropoutMask.mix (Java's long arithmetic wraps like unsigned 64-bit arithmetic, and
// >>> is the unsigned shift).
__device__ unsigned long long splitmix_mix(unsigned long long x) {
    unsigned long long z = x + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

__device__ float dropout_multiplier(long long index, double p, float keptScale, long long seed, long long node,
                                    long long step) {
    unsigned long long z = splitmix_mix((unsigned long long) seed
            ^ splitmix_mix((unsigned long long) node
            ^ splitmix_mix((unsigned long long) step ^ splitmix_mix((unsigned long long) index))));
    double uniform = (double) (z >> 11) * (1.0 / 9007199254740992.0);
    return uniform >= p ? keptScale : 0.0f;
}

// The NCHW index of the element at memory position index.
__device__ long long logical_index(long long index, int C, int S) {
    ActCell at = act_cell(index, C, S);
    return (at.n * C + at.c) * S + at.s;
}

extern "C" __global__ void dropout_forward(const act_t* x, act_t* y, long long n, int C, int S, double p,
                                           float keptScale, long long seed, long long node, long long step) {
    GRID_STRIDE_LOOP(i, n) {
        float m = dropout_multiplier(logical_index(i, C, S), p, keptScale, seed, node, step);
        y[i] = to_act(to_float(x[i]) * m);
    }
}

extern "C" __global__ void dropout_backward(const act_t* dy, act_t* dx, long long n, int C, int S, double p,
                                            float keptScale, long long seed, long long node, long long step,
                                            int accumulate) {
    GRID_STRIDE_LOOP(i, n) {
        float m = dropout_multiplier(logical_index(i, C, S), p, keptScale, seed, node, step);
        dx[i] = to_act(prior_gradient(dx, i, accumulate) + to_float(dy[i]) * m);
    }
}
