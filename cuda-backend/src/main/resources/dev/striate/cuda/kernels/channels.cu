// Channel rearrangements of [N, C, S] tensors (S = H·W, or 1 for rank 2): concat, slice, shuffle, maxout.
// Each output (or gradient) element is written by exactly one thread, so backward kernels add without atomics.
// act_t (storage.cuh) is float, or bf16 in the bf16 variant: copies move the stored bits, comparisons and sums are
// done in float, and a sum is stored (rounded) once.
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

// Where a flat index of an [N, channels, S] tensor lies: item n, channel c, position s.
struct ChannelCell {
    long long n;
    int c, s;
};

__device__ ChannelCell channel_cell(long long index, int channels, int S) {
    ChannelCell cell;
    cell.s = (int) (index % S);
    cell.c = (int) ((index / S) % channels);
    cell.n = index / ((long long) S * channels);
    return cell;
}

// x[index] += value, stored once.
__device__ void add_into(act_t* x, long long index, float value) {
    x[index] = to_act(to_float(x[index]) + value);
}

extern "C" __global__ void copy_channels(const act_t* src, act_t* dst, int N, int srcChannels, int dstChannels, int S,
                                         int srcOffset, int dstOffset, int count) {
    long long total = (long long) N * count * S;
    GRID_STRIDE_LOOP(index, total) {
        ChannelCell at = channel_cell(index, count, S);
        long long source = (at.n * srcChannels + srcOffset + at.c) * S + at.s;
        dst[(at.n * dstChannels + dstOffset + at.c) * S + at.s] = src[source];
    }
}

extern "C" __global__ void accumulate_channels(const act_t* src, act_t* dst, int N, int srcChannels, int dstChannels,
                                               int S, int srcOffset, int dstOffset, int count) {
    long long total = (long long) N * count * S;
    GRID_STRIDE_LOOP(index, total) {
        ChannelCell at = channel_cell(index, count, S);
        long long source = (at.n * srcChannels + srcOffset + at.c) * S + at.s;
        add_into(dst, (at.n * dstChannels + dstOffset + at.c) * S + at.s, to_float(src[source]));
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
        ChannelCell at = channel_cell(index, C, S);
        y[index] = x[(at.n * C + shuffle_source(at.c, C, groups)) * S + at.s];
    }
}

extern "C" __global__ void channel_shuffle_backward(const act_t* dy, act_t* dx, int N, int C, int S, int groups) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        ChannelCell at = channel_cell(index, C, S);
        add_into(dx, (at.n * C + shuffle_source(at.c, C, groups)) * S + at.s, to_float(dy[index]));
    }
}

// The flat index of the winning input of output (n, j, s).
__device__ long long maxout_winner(const act_t* x, long long n, int j, int s, int outChannels, int S, int pieces) {
    int inChannels = outChannels * pieces;
    long long best = (n * inChannels + (long long) j * pieces) * S + s;
    for (int c = j * pieces + 1; c < (j + 1) * pieces; c++) {
        long long candidate = (n * inChannels + c) * S + s;
        if (to_float(x[candidate]) > to_float(x[best])) {
            best = candidate;
        }
    }
    return best;
}

extern "C" __global__ void maxout_forward(const act_t* x, act_t* y, int N, int outChannels, int S, int pieces) {
    long long total = (long long) N * outChannels * S;
    GRID_STRIDE_LOOP(index, total) {
        ChannelCell at = channel_cell(index, outChannels, S);
        y[index] = x[maxout_winner(x, at.n, at.c, at.s, outChannels, S, pieces)];
    }
}

extern "C" __global__ void maxout_backward(const act_t* x, const act_t* dy, act_t* dx, int N, int outChannels, int S,
                                           int pieces) {
    long long total = (long long) N * outChannels * S;
    GRID_STRIDE_LOOP(index, total) {
        ChannelCell at = channel_cell(index, outChannels, S);
        add_into(dx, maxout_winner(x, at.n, at.c, at.s, outChannels, S, pieces), to_float(dy[index]));
    }
}
