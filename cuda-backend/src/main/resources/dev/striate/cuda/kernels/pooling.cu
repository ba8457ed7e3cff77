// Pooling kernels with exactly the reference's semantics (PyTorch's), NCHW float tensors. cuDNN's pooling is not
// used: it has no ceil mode, no asymmetric padding, no dilation, no adaptive windows, and does not document which
// of equal maxima receives the gradient, while the reference sends it to the first in row-major scan order.
// Backward kernels gather (one thread per input element, summing the outputs that read it), so they need no
// atomics, are deterministic, and ADD into dx.
//
// Window arguments: kh, kw (kernel), sh, sw (stride), pt, pl (padding before: top, left), dh, dw (dilation).
// Input [N, C, H, W], output [N, C, P, Q].
//
//   max_pool2d_forward(const float* x, float* y, int N, int C, int H, int W, int P, int Q,
//                      int kh, int kw, int sh, int sw, int pt, int pl, int dh, int dw)
//       y = max over the window's in-bounds taps (padding never wins; a NaN wins and the last NaN is kept);
//       a window of padding only gives minus infinity. One thread per output element.
//   max_pool2d_backward(const float* x, const float* dy, float* dx, same sizes and window)
//       dx[i] += Σ dy[o] over the outputs o whose argmax is input i. One thread per input element.
//   avg_pool2d_forward(const float* x, float* y, int N, int C, int H, int W, int P, int Q,
//                      int kh, int kw, int sh, int sw, int pt, int pb, int pl, int pr, int countIncludePad)
//       sum over the window clipped to the input, divided by the window cut at the end of the bottom/right padding
//       (countIncludePad != 0) or by the number of input cells; 0 for a window with no input cell.
//   avg_pool2d_backward(const float* dy, float* dx, same sizes and window)
//       dx[i] += Σ dy[o] / divisor(o) over the windows o holding input i.
//   adaptive_avg_pool2d_forward(const float* x, float* y, int N, int C, int H, int W, int P, int Q)
//       window of output p: rows floor(p·H/P) .. ceil((p+1)·H/P) - 1, and the same for columns.
//   adaptive_avg_pool2d_backward(const float* dy, float* dx, int N, int C, int H, int W, int P, int Q)
//   global_avg_pool_forward(const float* x, float* y, int NC, int cells)     y[nc] = mean of x[nc, :]
//   global_avg_pool_backward(const float* dy, float* dx, int NC, int cells)  dx[nc, s] += dy[nc] / cells

#define GRID_STRIDE_LOOP(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long) blockDim.x * gridDim.x)

// The flat input index of the argmax of output (p, q) of plane `plane` (= n·C + c), or -1 when the window holds
// padding only. Scan order and comparisons are the reference's.
__device__ long long max_pool_argmax(const float* x, long long plane, int H, int W, int p, int q,
                                     int kh, int kw, int sh, int sw, int pt, int pl, int dh, int dw) {
    long long best = -1;
    float max = 0.0f;
    for (int i = 0; i < kh; i++) {
        int h = p * sh - pt + i * dh;
        if (h < 0 || h >= H) {
            continue;
        }
        for (int j = 0; j < kw; j++) {
            int v = q * sw - pl + j * dw;
            if (v < 0 || v >= W) {
                continue;
            }
            long long index = (plane * H + h) * W + v;
            float value = x[index];
            if (best < 0 || value > max || value != value) {
                best = index;
                max = value;
            }
        }
    }
    return best;
}

extern "C" __global__ void max_pool2d_forward(const float* x, float* y, int N, int C, int H, int W, int P, int Q,
                                              int kh, int kw, int sh, int sw, int pt, int pl, int dh, int dw) {
    long long total = (long long) N * C * P * Q;
    GRID_STRIDE_LOOP(o, total) {
        int q = (int) (o % Q);
        int p = (int) ((o / Q) % P);
        long long plane = o / ((long long) P * Q);
        long long best = max_pool_argmax(x, plane, H, W, p, q, kh, kw, sh, sw, pt, pl, dh, dw);
        y[o] = best < 0 ? __int_as_float(0xff800000) : x[best];
    }
}

extern "C" __global__ void max_pool2d_backward(const float* x, const float* dy, float* dx,
                                               int N, int C, int H, int W, int P, int Q,
                                               int kh, int kw, int sh, int sw, int pt, int pl, int dh, int dw) {
    long long total = (long long) N * C * H * W;
    GRID_STRIDE_LOOP(index, total) {
        int v = (int) (index % W);
        int h = (int) ((index / W) % H);
        long long plane = index / ((long long) H * W);
        float sum = 0.0f;
        // Output row p reads row h through tap i when h = p·sh - pt + i·dh.
        for (int i = 0; i < kh; i++) {
            int rowNumerator = h + pt - i * dh;
            if (rowNumerator < 0 || rowNumerator % sh != 0 || rowNumerator / sh >= P) {
                continue;
            }
            int p = rowNumerator / sh;
            for (int j = 0; j < kw; j++) {
                int colNumerator = v + pl - j * dw;
                if (colNumerator < 0 || colNumerator % sw != 0 || colNumerator / sw >= Q) {
                    continue;
                }
                int q = colNumerator / sw;
                if (max_pool_argmax(x, plane, H, W, p, q, kh, kw, sh, sw, pt, pl, dh, dw) == index) {
                    sum += dy[(plane * P + p) * Q + q];
                }
            }
        }
        dx[index] += sum;
    }
}

// The window of output (p, q) clipped to the input: [rowStart, rowEnd) x [colStart, colEnd), and its divisor.
struct AvgCell {
    int rowStart, rowEnd, colStart, colEnd, divisor;
};

__device__ AvgCell avg_pool_cell(int H, int W, int p, int q, int kh, int kw, int sh, int sw,
                                 int pt, int pb, int pl, int pr, int countIncludePad) {
    AvgCell cell;
    int rowStart = p * sh - pt;
    int colStart = q * sw - pl;
    int rowEnd = min(rowStart + kh, H + pb);
    int colEnd = min(colStart + kw, W + pr);
    int paddedCount = (rowEnd - rowStart) * (colEnd - colStart);
    cell.rowStart = max(rowStart, 0);
    cell.colStart = max(colStart, 0);
    cell.rowEnd = min(rowEnd, H);
    cell.colEnd = min(colEnd, W);
    if (cell.rowStart >= cell.rowEnd || cell.colStart >= cell.colEnd) {
        cell.rowEnd = cell.rowStart;
        cell.colEnd = cell.colStart;
        cell.divisor = 0;
    } else {
        int inputCount = (cell.rowEnd - cell.rowStart) * (cell.colEnd - cell.colStart);
        cell.divisor = countIncludePad ? paddedCount : inputCount;
    }
    return cell;
}

extern "C" __global__ void avg_pool2d_forward(const float* x, float* y, int N, int C, int H, int W, int P, int Q,
                                              int kh, int kw, int sh, int sw, int pt, int pb, int pl, int pr,
                                              int countIncludePad) {
    long long total = (long long) N * C * P * Q;
    GRID_STRIDE_LOOP(o, total) {
        int q = (int) (o % Q);
        int p = (int) ((o / Q) % P);
        long long plane = o / ((long long) P * Q);
        AvgCell cell = avg_pool_cell(H, W, p, q, kh, kw, sh, sw, pt, pb, pl, pr, countIncludePad);
        float sum = 0.0f;
        for (int h = cell.rowStart; h < cell.rowEnd; h++) {
            for (int v = cell.colStart; v < cell.colEnd; v++) {
                sum += x[(plane * H + h) * W + v];
            }
        }
        y[o] = cell.divisor == 0 ? 0.0f : sum / cell.divisor;
    }
}

extern "C" __global__ void avg_pool2d_backward(const float* dy, float* dx, int N, int C, int H, int W, int P, int Q,
                                               int kh, int kw, int sh, int sw, int pt, int pb, int pl, int pr,
                                               int countIncludePad) {
    long long total = (long long) N * C * H * W;
    GRID_STRIDE_LOOP(index, total) {
        int v = (int) (index % W);
        int h = (int) ((index / W) % H);
        long long plane = index / ((long long) H * W);
        float sum = 0.0f;
        // Output row p's window starts at p·sh - pt and is kh long; only those can hold row h.
        int firstP = max(0, (h + pt - kh + sh) / sh);
        int lastP = min(P - 1, (h + pt) / sh);
        int firstQ = max(0, (v + pl - kw + sw) / sw);
        int lastQ = min(Q - 1, (v + pl) / sw);
        for (int p = firstP; p <= lastP; p++) {
            for (int q = firstQ; q <= lastQ; q++) {
                AvgCell cell = avg_pool_cell(H, W, p, q, kh, kw, sh, sw, pt, pb, pl, pr, countIncludePad);
                if (cell.divisor != 0 && h >= cell.rowStart && h < cell.rowEnd && v >= cell.colStart
                        && v < cell.colEnd) {
                    sum += dy[(plane * P + p) * Q + q] / cell.divisor;
                }
            }
        }
        dx[index] += sum;
    }
}

__device__ int adaptive_start(int index, int inSize, int outSize) {
    return (index * inSize) / outSize;
}

__device__ int adaptive_end(int index, int inSize, int outSize) {
    return ((index + 1) * inSize + outSize - 1) / outSize;
}

extern "C" __global__ void adaptive_avg_pool2d_forward(const float* x, float* y, int N, int C, int H, int W,
                                                       int P, int Q) {
    long long total = (long long) N * C * P * Q;
    GRID_STRIDE_LOOP(o, total) {
        int q = (int) (o % Q);
        int p = (int) ((o / Q) % P);
        long long plane = o / ((long long) P * Q);
        int rowStart = adaptive_start(p, H, P);
        int rowEnd = adaptive_end(p, H, P);
        int colStart = adaptive_start(q, W, Q);
        int colEnd = adaptive_end(q, W, Q);
        float sum = 0.0f;
        for (int h = rowStart; h < rowEnd; h++) {
            for (int v = colStart; v < colEnd; v++) {
                sum += x[(plane * H + h) * W + v];
            }
        }
        y[o] = sum / ((rowEnd - rowStart) * (colEnd - colStart));
    }
}

extern "C" __global__ void adaptive_avg_pool2d_backward(const float* dy, float* dx, int N, int C, int H, int W,
                                                        int P, int Q) {
    long long total = (long long) N * C * H * W;
    GRID_STRIDE_LOOP(index, total) {
        int v = (int) (index % W);
        int h = (int) ((index / W) % H);
        long long plane = index / ((long long) H * W);
        float sum = 0.0f;
        for (int p = 0; p < P; p++) {
            int rowStart = adaptive_start(p, H, P);
            int rowEnd = adaptive_end(p, H, P);
            if (h < rowStart || h >= rowEnd) {
                continue;
            }
            for (int q = 0; q < Q; q++) {
                int colStart = adaptive_start(q, W, Q);
                int colEnd = adaptive_end(q, W, Q);
                if (v >= colStart && v < colEnd) {
                    sum += dy[(plane * P + p) * Q + q] / ((rowEnd - rowStart) * (colEnd - colStart));
                }
            }
        }
        dx[index] += sum;
    }
}

extern "C" __global__ void global_avg_pool_forward(const float* x, float* y, int NC, int cells) {
    GRID_STRIDE_LOOP(plane, NC) {
        float sum = 0.0f;
        for (int s = 0; s < cells; s++) {
            sum += x[plane * cells + s];
        }
        y[plane] = sum / cells;
    }
}

extern "C" __global__ void global_avg_pool_backward(const float* dy, float* dx, int NC, int cells) {
    long long total = (long long) NC * cells;
    GRID_STRIDE_LOOP(index, total) {
        dx[index] += dy[index / cells] / cells;
    }
}
