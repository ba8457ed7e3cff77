// Depthwise convolution (groups = C input channels; K = C·M output channels, M the channel multiplier): output channel
// k reads input channel c = k / M alone, through its filter w[k, 0, R, S]. PyTorch runs float depthwise convolutions on
// its own kernels (aten's DepthwiseConv2d.cu), not cuDNN's ("not very fast" there: NVIDIA's ngimel, pytorch issue
// 15513); these are ours, in every variant. Memory-bound: a 3×3 output reads 9 inputs and 9 weights for 9
// multiply-adds, so the kernels aim to touch each tensor once in DRAM and to keep the arithmetic on indices in 32 bits
// (DepthwiseConvolution.handles keeps every tensor below 2^31 elements).
//
// x [N, C, H, W], y and dy [N, K, Ho, Wo] are activations (act_t, laid out as layout.cuh says); the weight operand w is
// act_t too: the float weight in float work, the plan's bf16 copy in bf16 work. For depthwise the copy lies
// [K, 1, R, S] in NCHW and [K, R, S, 1] (cuDNN's NHWC filter) channels-last: the same memory, so w[k·R·S + r·S + s] in
// both. The weight gradient dw is the float parameter gradient [K, 1, R, S] in every variant. Sums are float, stored
// once.
// Padding is symmetric (the caller pads x explicitly otherwise); output (ho, wo) tap (r, s) reads input row
// ho·strideH - padH + r·dilationH and column wo·strideW - padW + s·dilationW, zero outside the input.
//
// Every kernel takes the geometry as (int N, int C, int H, int W, int K, int Ho, int Wo, int R, int S, int padH,
// int padW, int strideH, int strideW, int dilationH, int dilationW). The _3x3 kernels are the same code compiled for
// R = S = 3 (mobilenet's every depthwise convolution): their tap loops unroll and the filter stays in registers; give
// them R = S = 3. depthwise_backward_data_3x3 is also compiled for strides 1 and 2, which it picks at run time.
//
//   depthwise_forward(const act_t* x, const act_t* w, act_t* y, geometry), depthwise_forward_3x3
//       y = conv(x, w), written whole. One thread per y element, in memory order (grid-stride): the R·S taps of one
//       channel. Neighbouring threads take neighbouring columns (NCHW) or channels (NHWC), so x and y are read and
//       written coalesced; the taps' overlapping reads of x come from cache, w (K·R·S values) stays in cache.
//       Traffic: y written once, x read about once from DRAM, w once.
//   depthwise_backward_data(const act_t* w, const act_t* dy, act_t* dx, geometry, int accumulate), ..._3x3
//       dx[n, c, h, w] (+)= Σ over j < M, r, s of w[c·M + j, r, s]·dy[n, c·M + j, ho, wo] where h = ho·strideH - padH
//       + r·dilationH (and likewise w): the outputs that read (h, w), gathered (no atomics). One thread per dx element
//       in memory order; dx read (accumulate only) and written once, dy read about once from DRAM.
//   depthwise_filter_partials(const act_t* x, const act_t* dy, float* partials, geometry, int chunkLength), ..._3x3
//       Stage one of dw = Σ over n, ho, wo of dy[n, k, ho, wo]·x[n, k / M, row, column] (per_channel.cuh's two stages
//       over ChannelChunks: output channel k's P = N·Ho·Wo positions, m = n·Ho·Wo + ho·Wo + wo, in chunks of
//       chunkLength). Each thread reads a dy element once and adds its products with the R·S inputs it meets into R·S
//       register sums (TAP_GROUP taps at a time: larger filters walk their chunk once per group of taps, the later
//       walks from cache); the block's sums per tap go to partials[(k·R·S + r·S + s)·chunks + chunk].
//         NCHW: one block per (k, chunk), blockIdx = k·chunks + chunk; ChunkWalk, then one block-wide tree for all
//               of a group's taps at once (block_tap_sums: a ninth of the barriers of one block_sum per tap).
//         NHWC: one block per chunk of rows m for all K channels, threads over consecutive channels (RowLanes), so dy
//               and x are read whole rows at a time.
//       Traffic: dy read once, x about once (its taps' overlap from cache), partials K·R·S·chunks floats.
//   depthwise_filter_gradient(const float* partials, float* dw, int K, int R, int S, int chunks, int accumulate)
//       Stage two: dw[b] (+)= Σ over chunks of partials[b·chunks + chunk] for every weight b = k·R·S + r·S + s, one
//       block per output channel k (grid K): thread t adds chunks t, t + THREADS, ... of each tap, then one tree for
//       the taps (block_tap_sums), as sum_of_chunks does for one sum. No atomics: the same inputs give the same dw
//       on every run.
// The kernels with int accumulate write their result without reading it when it is 0 (a fresh gradient:
// prior_gradient, block.cuh) and add into it when it is 1.

// Taps a filter-gradient thread sums in registers at a time: all of a 3×3 filter.
#define TAP_GROUP 9

// The convolution's sizes, as every kernel here takes them.
struct Depthwise {
    int N, C, H, W, K, Ho, Wo, R, S, padH, padW, strideH, strideW, dilationH, dilationW;

    __device__ int multiplier() const {
        return K / C;
    }

    // The input channel output channel k reads (no division in the usual multiplier 1).
    __device__ int input_channel(int k) const {
        int M = multiplier();
        return M == 1 ? k : k / M;
    }
};

// Where an element of an [N, channels, rows, cols] activation is: item, channel, row, column.
struct Pixel {
    int n, c, row, col;
};

// The memory position of element (n, c, row, col), as layout.cuh's act_offset with s = row·cols + col, in 32 bits.
// The element at memory position index (pixel_at) likewise, in unsigned 32-bit divisions: a 64-bit division is a long
// instruction sequence, and these kernels do one per element.
#ifdef STRIATE_NHWC
__device__ __forceinline__ int pixel_offset(int n, int c, int row, int col, int channels, int rows, int cols) {
    return ((n * rows + row) * cols + col) * channels + c;
}

__device__ __forceinline__ Pixel pixel_at(unsigned int index, unsigned int channels, unsigned int rows,
                                          unsigned int cols) {
    Pixel at;
    at.c = (int) (index % channels);
    unsigned int rest = index / channels;
    at.col = (int) (rest % cols);
    rest /= cols;
    at.row = (int) (rest % rows);
    at.n = (int) (rest / rows);
    return at;
}
#else
__device__ __forceinline__ int pixel_offset(int n, int c, int row, int col, int channels, int rows, int cols) {
    return ((n * channels + c) * rows + row) * cols + col;
}

__device__ __forceinline__ Pixel pixel_at(unsigned int index, unsigned int channels, unsigned int rows,
                                          unsigned int cols) {
    Pixel at;
    at.col = (int) (index % cols);
    unsigned int rest = index / cols;
    at.row = (int) (rest % rows);
    rest /= rows;
    at.c = (int) (rest % channels);
    at.n = (int) (rest / channels);
    return at;
}
#endif

// Σ over the taps of output (n, k, ho, wo) of w·x.
__device__ __forceinline__ float output_sum(const act_t* x, const act_t* w, Depthwise g, Pixel out) {
    int c = g.input_channel(out.c);
    const act_t* filter = w + out.c * g.R * g.S;
    int top = out.row * g.strideH - g.padH;
    int left = out.col * g.strideW - g.padW;
    float sum = 0.0f;
#pragma unroll
    for (int r = 0; r < g.R; r++) {
        int row = top + r * g.dilationH;
        if (row < 0 || row >= g.H) {
            continue;
        }
#pragma unroll
        for (int s = 0; s < g.S; s++) {
            int col = left + s * g.dilationW;
            if (col >= 0 && col < g.W) {
                sum += to_float(filter[r * g.S + s]) * to_float(x[pixel_offset(out.n, c, row, col, g.C, g.H, g.W)]);
            }
        }
    }
    return sum;
}

__device__ __forceinline__ void forward(const act_t* x, const act_t* w, act_t* y, Depthwise g) {
    long long total = (long long) g.N * g.K * g.Ho * g.Wo;
    GRID_STRIDE_LOOP(index, total) {
        Pixel out = pixel_at((unsigned int) index, g.K, g.Ho, g.Wo);
        y[index] = to_act(output_sum(x, w, g, out));
    }
}

// The output index along one axis that reads input position `at` through tap `tap`, or -1 when none does (between
// strides, or outside the output).
__device__ __forceinline__ int output_reading(int at, int tap, int pad, int stride, int dilation, int outputs) {
    int numerator = at + pad - tap * dilation;
    if (numerator < 0 || numerator % stride != 0) {
        return -1;
    }
    int out = numerator / stride;
    return out < outputs ? out : -1;
}

// Σ over the outputs that read input element (n, c, row, col) of w·dy.
__device__ __forceinline__ float input_gradient_sum(const act_t* w, const act_t* dy, Depthwise g, Pixel in) {
    int M = g.multiplier();
    float sum = 0.0f;
    for (int j = 0; j < M; j++) {
        int k = in.c * M + j;
        const act_t* filter = w + k * g.R * g.S;
#pragma unroll
        for (int r = 0; r < g.R; r++) {
            int ho = output_reading(in.row, r, g.padH, g.strideH, g.dilationH, g.Ho);
            if (ho < 0) {
                continue;
            }
#pragma unroll
            for (int s = 0; s < g.S; s++) {
                int wo = output_reading(in.col, s, g.padW, g.strideW, g.dilationW, g.Wo);
                if (wo >= 0) {
                    sum += to_float(filter[r * g.S + s])
                            * to_float(dy[pixel_offset(in.n, k, ho, wo, g.K, g.Ho, g.Wo)]);
                }
            }
        }
    }
    return sum;
}

__device__ __forceinline__ void backward_data(const act_t* w, const act_t* dy, act_t* dx, Depthwise g,
                                              int accumulate) {
    long long total = (long long) g.N * g.C * g.H * g.W;
    GRID_STRIDE_LOOP(index, total) {
        Pixel in = pixel_at((unsigned int) index, g.C, g.H, g.W);
        dx[index] = to_act(prior_gradient(dx, index, accumulate) + input_gradient_sum(w, dy, g, in));
    }
}

// The taps first ... first + TAP_GROUP - 1 of the filter (those below R·S), as rows and columns.
struct TapGroup {
    int first;
    int count;
    int row[TAP_GROUP];
    int col[TAP_GROUP];

    __device__ __forceinline__ TapGroup(int firstTap, int R, int S) {
        first = firstTap;
        count = R * S - first < TAP_GROUP ? R * S - first : TAP_GROUP;
#pragma unroll
        for (int t = 0; t < TAP_GROUP; t++) {
            row[t] = (first + t) / S;
            col[t] = (first + t) % S;
        }
    }
};

// sums[t] += dy·x at output (n, k, ho, wo) for each tap t of the group: the products its weight gradient collects.
__device__ __forceinline__ void add_tap_products(float* sums, const TapGroup& taps, float gradient, const act_t* x,
                                                 Depthwise g, int n, int k, int ho, int wo) {
    int c = g.input_channel(k);
    int top = ho * g.strideH - g.padH;
    int left = wo * g.strideW - g.padW;
#pragma unroll
    for (int t = 0; t < TAP_GROUP; t++) {
        int row = top + taps.row[t] * g.dilationH;
        int col = left + taps.col[t] * g.dilationW;
        if (t < taps.count && row >= 0 && row < g.H && col >= 0 && col < g.W) {
            sums[t] += gradient * to_float(x[pixel_offset(n, c, row, col, g.C, g.H, g.W)]);
        }
    }
}

// Σ over the block of each thread's sums[t], for every t at once (one tree, not TAP_GROUP block_sums: a ninth of the
// barriers), returned in every thread's sums. A fixed tree as block_sum's: the same values give the same totals on
// every run. Every thread of the block must call it; scratch is free again on return.
__device__ __forceinline__ void block_tap_sums(float* sums, float (*scratch)[THREADS]) {
#pragma unroll
    for (int t = 0; t < TAP_GROUP; t++) {
        scratch[t][threadIdx.x] = sums[t];
    }
    __syncthreads();
    for (int half = THREADS / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
#pragma unroll
            for (int t = 0; t < TAP_GROUP; t++) {
                scratch[t][threadIdx.x] += scratch[t][threadIdx.x + half];
            }
        }
        __syncthreads();
    }
#pragma unroll
    for (int t = 0; t < TAP_GROUP; t++) {
        sums[t] = scratch[t][0];
    }
    __syncthreads();
}

#ifdef STRIATE_NHWC
__device__ __forceinline__ void filter_partials(const act_t* x, const act_t* dy, float* partials, Depthwise g,
                                                int chunkLength) {
    __shared__ float scratch[THREADS];
    int positions = g.Ho * g.Wo;
    long long count = (long long) g.N * positions;
    int chunks = chunk_count(chunkLength, count);
    int taps = g.R * g.S;
    RowLanes lanes(blockIdx.x, chunkLength, count, g.K);
    for (int first = 0; first < g.K; first += lanes.width) {
        int k = lanes.channel(first);
        bool reads = lanes.reads(first, g.K);
        for (int firstTap = 0; firstTap < taps; firstTap += TAP_GROUP) {
            TapGroup group(firstTap, g.R, g.S);
            float sums[TAP_GROUP];
#pragma unroll
            for (int t = 0; t < TAP_GROUP; t++) {
                sums[t] = 0.0f;
            }
            for (long long m = lanes.begin + lanes.lane; reads && m < lanes.end; m += lanes.lanes) {
                int n = (int) m / positions;
                int position = (int) m % positions;
                float gradient = to_float(dy[m * g.K + k]);
                add_tap_products(sums, group, gradient, x, g, n, k, position / g.Wo, position % g.Wo);
            }
#pragma unroll
            for (int t = 0; t < TAP_GROUP; t++) {
                float total = lanes.sum(sums[t], scratch);
                if (t < group.count && lanes.writes(first, g.K)) {
                    partials[((long long) k * taps + firstTap + t) * chunks + blockIdx.x] = total;
                }
            }
        }
    }
}
#else
__device__ __forceinline__ void filter_partials(const act_t* x, const act_t* dy, float* partials, Depthwise g,
                                                int chunkLength) {
    __shared__ float scratch[TAP_GROUP][THREADS];
    int positions = g.Ho * g.Wo;
    long long count = (long long) g.N * positions;
    int chunks = chunk_count(chunkLength, count);
    int k = blockIdx.x / chunks;
    int chunk = blockIdx.x % chunks;
    int taps = g.R * g.S;
    for (int firstTap = 0; firstTap < taps; firstTap += TAP_GROUP) {
        TapGroup group(firstTap, g.R, g.S);
        float sums[TAP_GROUP];
#pragma unroll
        for (int t = 0; t < TAP_GROUP; t++) {
            sums[t] = 0.0f;
        }
        for (ChunkWalk walk(chunk, chunkLength, count, positions); walk.more(); walk.next(positions)) {
            float gradient = to_float(dy[walk.index(g.K, k, positions)]);
            add_tap_products(sums, group, gradient, x, g, walk.n, k, walk.s / g.Wo, walk.s % g.Wo);
        }
        block_tap_sums(sums, scratch);
#pragma unroll
        for (int t = 0; t < TAP_GROUP; t++) {
            if (t < group.count && threadIdx.x == 0) {
                partials[((long long) k * taps + firstTap + t) * chunks + chunk] = sums[t];
            }
        }
    }
}
#endif

extern "C" __global__ void depthwise_forward(const act_t* x, const act_t* w, act_t* y, int N, int C, int H, int W,
                                             int K, int Ho, int Wo, int R, int S, int padH, int padW, int strideH,
                                             int strideW, int dilationH, int dilationW) {
    Depthwise g = {N, C, H, W, K, Ho, Wo, R, S, padH, padW, strideH, strideW, dilationH, dilationW};
    forward(x, w, y, g);
}

extern "C" __global__ void depthwise_forward_3x3(const act_t* x, const act_t* w, act_t* y, int N, int C, int H,
                                                 int W, int K, int Ho, int Wo, int R, int S, int padH, int padW,
                                                 int strideH, int strideW, int dilationH, int dilationW) {
    Depthwise g = {N, C, H, W, K, Ho, Wo, 3, 3, padH, padW, strideH, strideW, dilationH, dilationW};
    forward(x, w, y, g);
}

extern "C" __global__ void depthwise_backward_data(const act_t* w, const act_t* dy, act_t* dx, int N, int C, int H,
                                                   int W, int K, int Ho, int Wo, int R, int S, int padH, int padW,
                                                   int strideH, int strideW, int dilationH, int dilationW,
                                                   int accumulate) {
    Depthwise g = {N, C, H, W, K, Ho, Wo, R, S, padH, padW, strideH, strideW, dilationH, dilationW};
    backward_data(w, dy, dx, g, accumulate);
}

extern "C" __global__ void depthwise_backward_data_3x3(const act_t* w, const act_t* dy, act_t* dx, int N, int C,
                                                       int H, int W, int K, int Ho, int Wo, int R, int S, int padH,
                                                       int padW, int strideH, int strideW, int dilationH,
                                                       int dilationW, int accumulate) {
    // Strides 1 and 2 (mobilenet's) as constants: finding the outputs that read a tap is then a shift, not a division.
    if (strideH == 1 && strideW == 1) {
        Depthwise g = {N, C, H, W, K, Ho, Wo, 3, 3, padH, padW, 1, 1, dilationH, dilationW};
        backward_data(w, dy, dx, g, accumulate);
    } else if (strideH == 2 && strideW == 2) {
        Depthwise g = {N, C, H, W, K, Ho, Wo, 3, 3, padH, padW, 2, 2, dilationH, dilationW};
        backward_data(w, dy, dx, g, accumulate);
    } else {
        Depthwise g = {N, C, H, W, K, Ho, Wo, 3, 3, padH, padW, strideH, strideW, dilationH, dilationW};
        backward_data(w, dy, dx, g, accumulate);
    }
}

extern "C" __global__ void depthwise_filter_partials(const act_t* x, const act_t* dy, float* partials, int N, int C,
                                                     int H, int W, int K, int Ho, int Wo, int R, int S, int padH,
                                                     int padW, int strideH, int strideW, int dilationH,
                                                     int dilationW, int chunkLength) {
    Depthwise g = {N, C, H, W, K, Ho, Wo, R, S, padH, padW, strideH, strideW, dilationH, dilationW};
    filter_partials(x, dy, partials, g, chunkLength);
}

extern "C" __global__ void depthwise_filter_partials_3x3(const act_t* x, const act_t* dy, float* partials, int N,
                                                         int C, int H, int W, int K, int Ho, int Wo, int R, int S,
                                                         int padH, int padW, int strideH, int strideW,
                                                         int dilationH, int dilationW, int chunkLength) {
    Depthwise g = {N, C, H, W, K, Ho, Wo, 3, 3, padH, padW, strideH, strideW, dilationH, dilationW};
    filter_partials(x, dy, partials, g, chunkLength);
}

extern "C" __global__ void depthwise_filter_gradient(const float* partials, float* dw, int K, int R, int S,
                                                     int chunks, int accumulate) {
    __shared__ float scratch[TAP_GROUP][THREADS];
    int k = blockIdx.x;
    int taps = R * S;
    for (int firstTap = 0; firstTap < taps; firstTap += TAP_GROUP) {
        TapGroup group(firstTap, R, S);
        float sums[TAP_GROUP];
#pragma unroll
        for (int t = 0; t < TAP_GROUP; t++) {
            sums[t] = 0.0f;
            if (t < group.count) {
                const float* chunkPartials = partials + ((long long) k * taps + firstTap + t) * chunks;
                for (int chunk = threadIdx.x; chunk < chunks; chunk += THREADS) {
                    sums[t] += chunkPartials[chunk];
                }
            }
        }
        block_tap_sums(sums, scratch);
#pragma unroll
        for (int t = 0; t < TAP_GROUP; t++) {
            long long weight = (long long) k * taps + firstTap + t;
            if (t < group.count && threadIdx.x == 0) {
                dw[weight] = (accumulate ? dw[weight] : 0.0f) + sums[t];
            }
        }
    }
}
