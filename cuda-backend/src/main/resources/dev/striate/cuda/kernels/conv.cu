// The parts of a convolution cuDNN does not do for us. Activations (x, padded, dx, y, dy) are act_t; the bias and its
// gradient are float parameters.
//
// Explicit zero padding for convolutions whose padding differs between sides: cuDNN's convolution descriptor has one
// padding per axis, so such a convolution runs with padding 0 on a padded copy of the input.
// Input [N, C, H, W], padded [N, C, Hp, Wp] with Hp = H + top + bottom, Wp = W + left + right, both laid out as
// layout.cuh says (channels-last in the bf16-nhwc variant): each thread takes one element in memory order (act_cell)
// and finds its partner with act_offset.
//
//   pad_input(const act_t* x, act_t* padded, int N, int C, int H, int W, int Hp, int Wp, int top, int left)
//       padded = x placed at (top, left), zeros elsewhere; one thread per padded element.
//   unpad_accumulate(const act_t* padded, act_t* dx, int N, int C, int H, int W, int Hp, int Wp, int top, int left)
//       dx += the interior of padded (the gradient of pad_input); one thread per element of dx.
//
// The bias of a bf16 convolution (cuDNN's cudnnAddTensor and cudnnConvolutionBackwardBias take the bias in y's data
// type, and the bias stays float), of a depthwise convolution on depthwise.cu in any variant (no cuDNN convolution is
// made for it), and the bias and ReLU of a fused conv2d_relu in every variant, on y and dy read as [N, C, S], S = H·W:
//
//   add_channel_bias(const float* bias, act_t* y, int N, int C, int S)   y[n, c, s] += bias[c]; one thread per element,
//       in memory order, its channel from channel_of (per_channel.cuh).
//   add_channel_bias_relu(const float* bias, act_t* y, int N, int C, int S)   y[n, c, s] = max(y + bias[c], 0), with
//       bias null max(y, 0); one pass over y instead of a bias pass (cudnnAddTensor in float) and a ReLU pass.
//       Clamped in float, then stored once; "v <= 0 ? 0 : v" as relu_forward (activation.cu): a NaN stays NaN.
//   db[c] += Σ dy[n, c, s] over n and s, in two stages so that the whole GPU works on it whatever C is
//   (per_channel.cuh, as batchnorm.cu's sums): the channel's M = N·S values (n-major) in chunks of chunkLength, K of
//   them.
//   channel_sum_partials(const act_t* dy, float* partials, int N, int C, int S, int chunkLength)
//       partials[c·K + k] = the sum of chunk k of channel c; blocks of exactly 256 threads, one per (channel, chunk)
//       (grid C·K), or channels-last one per chunk of rows for all channels, threads over channels (grid K).
//   channel_bias_gradient(const float* partials, float* db, int N, int C, int S, int chunkLength)
//       db[c] += the sum of channel c's partials, added in chunk order (no atomics: deterministic); grid C.

extern "C" __global__ void pad_input(const act_t* x, act_t* padded, int N, int C, int H, int W, int Hp, int Wp,
                                     int top, int left) {
    long long total = (long long) N * C * Hp * Wp;
    GRID_STRIDE_LOOP(index, total) {
        ActCell at = act_cell(index, C, (long long) Hp * Wp);
        int h = (int) (at.s / Wp) - top;
        int v = (int) (at.s % Wp) - left;
        padded[index] = h >= 0 && h < H && v >= 0 && v < W
                ? x[act_offset(at.n, at.c, (long long) h * W + v, C, (long long) H * W)] : to_act(0.0f);
    }
}

extern "C" __global__ void unpad_accumulate(const act_t* padded, act_t* dx, int N, int C, int H, int W, int Hp, int Wp,
                                            int top, int left) {
    long long total = (long long) N * C * H * W;
    GRID_STRIDE_LOOP(index, total) {
        ActCell at = act_cell(index, C, (long long) H * W);
        long long cell = (at.s / W + top) * Wp + at.s % W + left;
        float interior = to_float(padded[act_offset(at.n, at.c, cell, C, (long long) Hp * Wp)]);
        dx[index] = to_act(to_float(dx[index]) + interior);
    }
}

extern "C" __global__ void add_channel_bias(const float* bias, act_t* y, int N, int C, int S) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        y[index] = to_act(to_float(y[index]) + bias[channel_of(index, C, S)]);
    }
}

extern "C" __global__ void add_channel_bias_relu(const float* bias, act_t* y, int N, int C, int S) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        float v = to_float(y[index]) + (bias ? bias[channel_of(index, C, S)] : 0.0f);
        y[index] = to_act(v <= 0.0f ? 0.0f : v);
    }
}

#ifdef STRIATE_NHWC
extern "C" __global__ void channel_sum_partials(const act_t* dy, float* partials, int N, int C, int S,
                                                int chunkLength) {
    __shared__ float scratch[THREADS];
    long long count = (long long) N * S;
    int chunks = chunk_count(chunkLength, count);
    RowLanes rows(blockIdx.x, chunkLength, count, C);
    for (int first = 0; first < C; first += rows.width) {
        int c = rows.channel(first);
        float sum = 0.0f;
        for (long long m = rows.begin + rows.lane; rows.reads(first, C) && m < rows.end; m += rows.lanes) {
            sum += to_float(dy[m * C + c]);
        }
        float chunkSum = rows.sum(sum, scratch);
        if (rows.writes(first, C)) {
            partials[(long long) c * chunks + blockIdx.x] = chunkSum;
        }
    }
}
#else
extern "C" __global__ void channel_sum_partials(const act_t* dy, float* partials, int N, int C, int S,
                                                int chunkLength) {
    __shared__ float scratch[THREADS];
    long long count = (long long) N * S;
    int chunks = chunk_count(chunkLength, count);
    int c = blockIdx.x / chunks;
    float sum = 0.0f;
    for (ChunkWalk walk(blockIdx.x % chunks, chunkLength, count, S); walk.more(); walk.next(S)) {
        sum += to_float(dy[walk.index(C, c, S)]);
    }
    float chunkSum = block_sum(sum, scratch);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = chunkSum;
    }
}
#endif

extern "C" __global__ void channel_bias_gradient(const float* partials, float* db, int N, int C, int S,
                                                 int chunkLength) {
    __shared__ float scratch[THREADS];
    int c = blockIdx.x;
    int chunks = chunk_count(chunkLength, (long long) N * S);
    float total = sum_of_chunks(partials + (long long) c * chunks, chunks, scratch);
    if (threadIdx.x == 0) {
        db[c] += total;
    }
}
