// Channel rearrangements of [N, C, S] tensors (S = H·W, or 1 for rank 2): concat, slice, shuffle, maxout, and flatten's
// reordering of a channels-last activation into NCHW order.
// Each output (or gradient) element is written by exactly one thread, so backward kernels add without atomics.
// act_t (storage.cuh) is float, or bf16 in the bf16 variant: copies move the stored bits, comparisons and sums are
// done in float, and a sum is stored (rounded) once. Tensors lie as layout.cuh says (channels-last in the bf16-nhwc
// variant, where rank 2 is S = 1 and so the same in both): each thread takes one element in memory order (act_cell)
// and finds the others with act_offset.
//
//   copy_channels(const act_t* src, act_t* dst, int N, int srcChannels, int dstChannels, int S,
//                 int srcOffset, int dstOffset, int count)
//       dst[n, dstOffset + c, s] = src[n, srcOffset + c, s] for c < count (concat and slice forward)
//   accumulate_channels(same arguments)
//       dst[n, dstOffset + c, s] += src[n, srcOffset + c, s] (concat and slice backward)
//   channel_shuffle_forward(const act_t* x, act_t* y, int N, int C, int S, int groups)
//       y[n, i·groups + g, s] = x[n, g·(C/groups) + i, s]
//   channel_shuffle_backward(const act_t* dy, act_t* dx, int N, int C, int S, int groups)
//       dx[n, g·(C/groups) + i, s] += dy[n, i·groups + g, s]
//   maxout_forward(const act_t* x, act_t* y, int N, int outChannels, int S, int pieces)
//       y[n, j, s] = max of x[n, j·pieces .. j·pieces + pieces - 1, s]
//   maxout_backward(const act_t* x, const act_t* dy, act_t* dx, int N, int outChannels, int S, int pieces)
//       dx[n, winner, s] += dy[n, j, s], the winner being the first maximum (the reference's tie rule)
//   flatten_forward(const act_t* x, act_t* y, int N, int C, int S)
//       y[n, c·S + s] = x[n, c, s]: the rank-2 y holds x's elements in NCHW order (PyTorch's flatten, the order the
//       following layer's weights assume) whatever x's layout; one thread per element of y
//   flatten_backward(const act_t* dy, act_t* dx, int N, int C, int S, int accumulate)
//       dx[n, c, s] += dy[n, c·S + s]; one thread per element of dx; accumulate 0 writes dx without reading it
//       (a fresh gradient: prior_gradient, block.cuh)

// x[index] += value, stored once.
__device__ void add_into(act_t* x, long long index, float value) {
    x[index] = to_act(to_float(x[index]) + value);
}

extern "C" __global__ void copy_channels(const act_t* src, act_t* dst, int N, int srcChannels, int dstChannels, int S,
                                         int srcOffset, int dstOffset, int count) {
    long long total = (long long) N * count * S;
    GRID_STRIDE_LOOP(index, total) {
        ActCell at = act_cell(index, count, S);
        long long source = act_offset(at.n, srcOffset + at.c, at.s, srcChannels, S);
        dst[act_offset(at.n, dstOffset + at.c, at.s, dstChannels, S)] = src[source];
    }
}

extern "C" __global__ void accumulate_channels(const act_t* src, act_t* dst, int N, int srcChannels, int dstChannels,
                                               int S, int srcOffset, int dstOffset, int count) {
    long long total = (long long) N * count * S;
    GRID_STRIDE_LOOP(index, total) {
        ActCell at = act_cell(index, count, S);
        long long source = act_offset(at.n, srcOffset + at.c, at.s, srcChannels, S);
        add_into(dst, act_offset(at.n, dstOffset + at.c, at.s, dstChannels, S), to_float(src[source]));
    }
}

__device__ int shuffle_source(int outputChannel, int C, int groups) {
    int i = outputChannel / groups;
    int g = outputChannel % groups;
    return g * (C / groups) + i;
}

extern "C" __global__ void channel_shuffle_forward(const act_t* x, act_t* y, int N, int C, int S, int groups) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        ActCell at = act_cell(index, C, S);
        y[index] = x[act_offset(at.n, shuffle_source(at.c, C, groups), at.s, C, S)];
    }
}

extern "C" __global__ void channel_shuffle_backward(const act_t* dy, act_t* dx, int N, int C, int S, int groups) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        ActCell at = act_cell(index, C, S);
        add_into(dx, act_offset(at.n, shuffle_source(at.c, C, groups), at.s, C, S), to_float(dy[index]));
    }
}

// The memory position of the winning input of output (n, j, s).
__device__ long long maxout_winner(const act_t* x, long long n, int j, long long s, int outChannels, int S,
                                   int pieces) {
    int inChannels = outChannels * pieces;
    long long best = act_offset(n, j * pieces, s, inChannels, S);
    for (int c = j * pieces + 1; c < (j + 1) * pieces; c++) {
        long long candidate = act_offset(n, c, s, inChannels, S);
        if (to_float(x[candidate]) > to_float(x[best])) {
            best = candidate;
        }
    }
    return best;
}

extern "C" __global__ void maxout_forward(const act_t* x, act_t* y, int N, int outChannels, int S, int pieces) {
    long long total = (long long) N * outChannels * S;
    GRID_STRIDE_LOOP(index, total) {
        ActCell at = act_cell(index, outChannels, S);
        y[index] = x[maxout_winner(x, at.n, at.c, at.s, outChannels, S, pieces)];
    }
}

extern "C" __global__ void maxout_backward(const act_t* x, const act_t* dy, act_t* dx, int N, int outChannels, int S,
                                           int pieces) {
    long long total = (long long) N * outChannels * S;
    GRID_STRIDE_LOOP(index, total) {
        ActCell at = act_cell(index, outChannels, S);
        add_into(dx, maxout_winner(x, at.n, at.c, at.s, outChannels, S, pieces), to_float(dy[index]));
    }
}

extern "C" __global__ void flatten_forward(const act_t* x, act_t* y, int N, int C, int S) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        long long s = index % S;
        int c = (int) ((index / S) % C);
        long long n = index / ((long long) S * C);
        y[index] = x[act_offset(n, c, s, C, S)];
    }
}

extern "C" __global__ void flatten_backward(const act_t* dy, act_t* dx, int N, int C, int S, int accumulate) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        ActCell at = act_cell(index, C, S);
        dx[index] = to_act(prior_gradient(dx, index, accumulate) + to_float(dy[(at.n * C + at.c) * S + at.s]));
    }
}
