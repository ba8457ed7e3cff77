// What the per-channel kernels share (batchnorm.cu, and conv.cu's bias of a bf16 convolution), prepended to every
// source after block.cuh (KernelText). An activation is read as [N, C, S] (layout.cuh).
//
//   channel_of(index, C, S)   the channel of the element at memory position index, in this variant's layout
//
// Per-channel sums run in two stages so that the whole GPU works on them, whatever C is. A channel's M = N·S values are
// numbered m = n·S + s (n-major: m is also the row of an NHWC tensor) and cut into K chunks of chunkLength
// (ChannelChunks chooses it), chunk k holding m = k·chunkLength ... (the last may be shorter). Stage one writes float
// partials per (channel, chunk), laid out [quantity, C, K]; stage two has one block per channel and adds the chunks'
// partials in chunk order. No atomics, so every sum is added in the same order on every run (deterministic results).
//
//   chunk_count(chunkLength, count), chunk_size(chunk, chunkLength, count)
//       K for channels of `count` values, and the number of values of chunk k.
//   sum_of_chunks(chunkPartials, chunks, scratch)
//       Stage two's sum of one channel's K partials, returned to every thread of the block: thread t adds chunks t,
//       t + THREADS, ... in order, then block_sum's fixed tree (every thread must call it).
//
// Stage one's blocks differ per layout (ChannelChunks.blocks gives the grid):
//   NCHW: one block per (channel c, chunk k), blockIdx = c·K + k. A channel's values lie side by side within an image,
//         so the block's threads read neighbouring addresses: ChunkWalk, and the block's sum with block_sum.
//   NHWC: one block per chunk k of rows, for all C channels: row m holds its C channels side by side at m·C, so threads
//         over consecutive channels read consecutive addresses (one block per channel would read with stride C: 2
//         useful bytes of every 32-byte sector). RowLanes: with C below THREADS, THREADS / C row lanes read
//         consecutive rows at once and their sums are combined in shared memory in lane order; from THREADS channels
//         up, the block takes the channels THREADS at a time (passes).

#ifdef STRIATE_NHWC
// Channels-last: the channel is the position modulo C. In 32-bit arithmetic when the index fits: a 64-bit division is
// a long instruction sequence on the GPU, and the elementwise passes do one per element.
__device__ int channel_of(long long index, int C, int S) {
    if (index <= 0x7fffffffLL) {
        return (int) ((unsigned int) index % (unsigned int) C);
    }
    return (int) (index % C);
}
#else
__device__ int channel_of(long long index, int C, int S) {
    if (index <= 0x7fffffffLL) {
        return (int) (((unsigned int) index / (unsigned int) S) % (unsigned int) C);
    }
    return (int) ((index / S) % C);
}
#endif

__device__ long long chunk_size(int chunk, int chunkLength, long long count) {
    long long rest = count - (long long) chunk * chunkLength;
    return rest < chunkLength ? rest : chunkLength;
}

__device__ int chunk_count(int chunkLength, long long count) {
    return (int) ((count + chunkLength - 1) / chunkLength);
}

__device__ float sum_of_chunks(const float* chunkPartials, int chunks, float* scratch) {
    float sum = 0.0f;
    for (int k = threadIdx.x; k < chunks; k += THREADS) {
        sum += chunkPartials[k];
    }
    return block_sum(sum, scratch);
}

#ifdef STRIATE_NHWC
// One thread's share of an NHWC chunk block: in each pass the block covers channels first ... first + width - 1
// (width = min(C, THREADS)); thread t reads channel first + t % width in row lane t / width, rows lane, lane + lanes,
// ... of the chunk. Threads from lanes·width up read nothing. Every thread of the block calls sum() in every pass.
struct RowLanes {
    int width;
    int lanes;
    int lane;
    int offset;
    long long begin;
    long long end;

    __device__ RowLanes(int chunk, int chunkLength, long long count, int C) {
        width = C < THREADS ? C : THREADS;
        lanes = THREADS / width;
        lane = threadIdx.x / width;
        offset = threadIdx.x % width;
        begin = (long long) chunk * chunkLength;
        end = begin + chunk_size(chunk, chunkLength, count);
    }

    // The passes' first channels are 0, width, 2·width, ... below C.
    __device__ int channel(int first) const {
        return first + offset;
    }

    // Whether this thread reads values of its channel of the pass starting at `first`.
    __device__ bool reads(int first, int C) const {
        return lane < lanes && first + offset < C;
    }

    // Whether this thread writes its channel's partials (its lane 0 holds the combined sums).
    __device__ bool writes(int first, int C) const {
        return lane == 0 && first + offset < C;
    }

    // Σ value over the lanes of this thread's channel in lane order, returned to every lane of it (0 to idle threads).
    // Lane 0 adds and shares the sum: with many lanes (small C) every lane adding them all would cost more shared
    // memory reads than the block's loads. scratch is THREADS floats of __shared__ memory, free again on return.
    __device__ float sum(float value, float* scratch) const {
        scratch[threadIdx.x] = value;
        __syncthreads();
        float total = 0.0f;
        if (lane == 0) {
            for (int l = 0; l < lanes; l++) {
                total += scratch[l * width + offset];
            }
        }
        __syncthreads();
        if (lane == 0) {
            scratch[offset] = total;
        }
        __syncthreads();
        total = lane < lanes ? scratch[offset] : 0.0f;
        __syncthreads();
        return total;
    }
};
#else
// One block's walk over its chunk of channel c: thread t visits the chunk's values t, t + THREADS, ... as (n, s),
// stepping without a division per value (THREADS = step·S + carry positions, applied with one wrap-around).
struct ChunkWalk {
    long long m;
    long long end;
    int n;
    int s;
    int stepN;
    int stepS;

    __device__ ChunkWalk(int chunk, int chunkLength, long long count, int S) {
        long long begin = (long long) chunk * chunkLength;
        long long last = begin + chunkLength;
        end = last < count ? last : count;
        m = begin + threadIdx.x;
        n = (int) (m / S);
        s = (int) (m % S);
        stepN = THREADS / S;
        stepS = THREADS % S;
    }

    __device__ bool more() const {
        return m < end;
    }

    __device__ long long index(int C, int c, int S) const {
        return ((long long) n * C + c) * S + s;
    }

    __device__ void next(int S) {
        m += THREADS;
        n += stepN;
        s += stepS;
        if (s >= S) {
            s -= S;
            n += 1;
        }
    }
};
#endif
