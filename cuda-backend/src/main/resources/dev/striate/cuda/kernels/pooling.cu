// Pooling kernels with exactly the reference's semantics (PyTorch's), on activations laid out as layout.cuh says
// (NCHW, or channels-last in the bf16-nhwc variant). cuDNN's pooling is not used: it has no ceil mode, no asymmetric
// padding, no dilation, no adaptive windows, and does not document which of equal maxima receives the gradient, while
// the reference sends it to the first in row-major scan order.
// Backward kernels gather (one thread per input element, summing the outputs that read it), so they need no
// atomics, are deterministic, and ADD into dx. act_t (storage.cuh) is float, or bf16 in the bf16 variant: values
// are loaded as floats, each window is summed in float, and every element is stored once (rounded to bf16 there).
// Each thread takes one element in memory order (act_cell: in NHWC neighbouring threads take neighbouring channels of
// one cell) and reads the window's elements where act_offset puts them; a window is visited in the same row-major
// order in both layouts, so both give the same sums.
//
// Window arguments: kh, kw (kernel), sh, sw (stride), pt, pl (padding before: top, left), dh, dw (dilation).
// Input [N, C, H, W], output [N, C, P, Q].
//
//   max_pool2d_forward(const act_t* x, act_t* y, int N, int C, int H, int W, int P, int Q,
//                      int kh, int kw, int sh, int sw, int pt, int pl, int dh, int dw)
//       y = max over the window's in-bounds taps (padding never wins; a NaN wins and the last NaN is kept);
//       a window of padding only gives minus infinity. One thread per output element.
//   max_pool2d_backward(const act_t* x, const act_t* dy, act_t* dx, same sizes and window)
//       dx[i] += Σ dy[o] over the outputs o whose argmax is input i. One thread per input element.
//   avg_pool2d_forward(const act_t* x, act_t* y, int N, int C, int H, int W, int P, int Q,
//                      int kh, int kw, int sh, int sw, int pt, int pb, int pl, int pr, int countIncludePad)
//       sum over the window clipped to the input, divided by the window cut at the end of the bottom/right padding
//       (countIncludePad != 0) or by the number of input cells; 0 for a window with no input cell.
//   avg_pool2d_backward(const act_t* dy, act_t* dx, same sizes and window)
//       dx[i] += Σ dy[o] / divisor(o) over the windows o holding input i.
//   adaptive_avg_pool2d_forward(const act_t* x, act_t* y, int N, int C, int H, int W, int P, int Q)
//       window of output p: rows floor(p·H/P) .. ceil((p+1)·H/P) - 1, and the same for columns.
//   adaptive_avg_pool2d_backward(const act_t* dy, act_t* dx, int N, int C, int H, int W, int P, int Q)
//   global_avg_pool_forward(const act_t* x, act_t* y, int N, int C, int cells)     y[n, c] = mean of x[n, c, :]
//       one thread per (n, c), consecutive threads taking consecutive channels (y is [N, C, 1, 1]: the same memory in
//       both layouts), so that in NHWC they read neighbouring addresses x[(n·cells + s)·C + c].
//   global_avg_pool_backward(const act_t* dy, act_t* dx, int N, int C, int cells)  dx[n, c, s] += dy[n, c] / cells
// Every backward kernel takes a last argument int accumulate: 1 adds into dx as above, 0 writes dx without reading it
// (a fresh gradient: prior_gradient, block.cuh). Each writes every element of dx.

// Where an element of an [N, C, rows, cols] activation lies: item n, channel c, row and column.
struct Cell {
    long long n;
    int c, row, col;
};

// The element at memory position index.
__device__ Cell cell_at(long long index, int C, int rows, int cols) {
    ActCell at = act_cell(index, C, (long long) rows * cols);
    Cell cell;
    cell.n = at.n;
    cell.c = at.c;
    cell.row = (int) (at.s / cols);
    cell.col = (int) (at.s % cols);
    return cell;
}

// The memory position of element (n, c, row, col).
__device__ long long offset_of(long long n, int c, int row, int col, int C, int rows, int cols) {
    return act_offset(n, c, (long long) row * cols + col, C, (long long) rows * cols);
}

// A rectangle of one plane: rows [rowStart, rowEnd), columns [colStart, colEnd).
struct Window {
    int rowStart, rowEnd, colStart, colEnd;
};

__device__ bool window_holds(Window window, int row, int col) {
    return row >= window.rowStart && row < window.rowEnd && col >= window.colStart && col < window.colEnd;
}

__device__ int window_cells(Window window) {
    return (window.rowEnd - window.rowStart) * (window.colEnd - window.colStart);
}

// The sum, in float, of x over a window of channel c of item n of an [N, C, H, W] tensor, row by row.
__device__ float window_sum(const act_t* x, long long n, int c, int C, int H, int W, Window window) {
    float sum = 0.0f;
    for (int h = window.rowStart; h < window.rowEnd; h++) {
        for (int v = window.colStart; v < window.colEnd; v++) {
            sum += to_float(x[offset_of(n, c, h, v, C, H, W)]);
        }
    }
    return sum;
}

// dx[index] += sum (or = sum, when not accumulate), stored once.
__device__ void add_into(act_t* dx, long long index, float sum, int accumulate) {
    dx[index] = to_act(prior_gradient(dx, index, accumulate) + sum);
}

// The memory position in x of the argmax of output (p, q) of channel c of item n, or -1 when the window holds padding
// only. Scan order and comparisons are the reference's.
__device__ long long max_pool_argmax(const act_t* x, long long n, int c, int C, int H, int W, int p, int q,
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
            long long index = offset_of(n, c, h, v, C, H, W);
            float value = to_float(x[index]);
            if (best < 0 || value > max || value != value) {
                best = index;
                max = value;
            }
        }
    }
    return best;
}

extern "C" __global__ void max_pool2d_forward(const act_t* x, act_t* y, int N, int C, int H, int W, int P, int Q,
                                              int kh, int kw, int sh, int sw, int pt, int pl, int dh, int dw) {
    long long total = (long long) N * C * P * Q;
    GRID_STRIDE_LOOP(o, total) {
        Cell out = cell_at(o, C, P, Q);
        long long best = max_pool_argmax(x, out.n, out.c, C, H, W, out.row, out.col, kh, kw, sh, sw, pt, pl, dh, dw);
        if (best < 0) {
            y[o] = to_act(__int_as_float(0xff800000));
        } else {
            y[o] = x[best];
        }
    }
}

extern "C" __global__ void max_pool2d_backward(const act_t* x, const act_t* dy, act_t* dx,
                                               int N, int C, int H, int W, int P, int Q,
                                               int kh, int kw, int sh, int sw, int pt, int pl, int dh, int dw,
                                               int accumulate) {
    long long total = (long long) N * C * H * W;
    GRID_STRIDE_LOOP(index, total) {
        Cell in = cell_at(index, C, H, W);
        float sum = 0.0f;
        // Output row p reads row h through tap i when h = p·sh - pt + i·dh.
        for (int i = 0; i < kh; i++) {
            int rowNumerator = in.row + pt - i * dh;
            if (rowNumerator < 0 || rowNumerator % sh != 0 || rowNumerator / sh >= P) {
                continue;
            }
            int p = rowNumerator / sh;
            for (int j = 0; j < kw; j++) {
                int colNumerator = in.col + pl - j * dw;
                if (colNumerator < 0 || colNumerator % sw != 0 || colNumerator / sw >= Q) {
                    continue;
                }
                int q = colNumerator / sw;
                if (max_pool_argmax(x, in.n, in.c, C, H, W, p, q, kh, kw, sh, sw, pt, pl, dh, dw) == index) {
                    sum += to_float(dy[offset_of(in.n, in.c, p, q, C, P, Q)]);
                }
            }
        }
        add_into(dx, index, sum, accumulate);
    }
}

// The window of output (p, q) clipped to the input, and its divisor (0 for a window with no input cell, which is
// then empty).
struct AvgWindow {
    Window cells;
    int divisor;
};

__device__ AvgWindow avg_pool_window(int H, int W, int p, int q, int kh, int kw, int sh, int sw,
                                     int pt, int pb, int pl, int pr, int countIncludePad) {
    int rowStart = p * sh - pt;
    int colStart = q * sw - pl;
    int rowEnd = min(rowStart + kh, H + pb);
    int colEnd = min(colStart + kw, W + pr);
    int paddedCount = (rowEnd - rowStart) * (colEnd - colStart);
    AvgWindow window;
    window.cells.rowStart = max(rowStart, 0);
    window.cells.colStart = max(colStart, 0);
    window.cells.rowEnd = min(rowEnd, H);
    window.cells.colEnd = min(colEnd, W);
    if (window.cells.rowStart >= window.cells.rowEnd || window.cells.colStart >= window.cells.colEnd) {
        window.cells.rowEnd = window.cells.rowStart;
        window.cells.colEnd = window.cells.colStart;
        window.divisor = 0;
    } else {
        window.divisor = countIncludePad ? paddedCount : window_cells(window.cells);
    }
    return window;
}

extern "C" __global__ void avg_pool2d_forward(const act_t* x, act_t* y, int N, int C, int H, int W, int P, int Q,
                                              int kh, int kw, int sh, int sw, int pt, int pb, int pl, int pr,
                                              int countIncludePad) {
    long long total = (long long) N * C * P * Q;
    GRID_STRIDE_LOOP(o, total) {
        Cell out = cell_at(o, C, P, Q);
        AvgWindow window = avg_pool_window(H, W, out.row, out.col, kh, kw, sh, sw, pt, pb, pl, pr,
                                           countIncludePad);
        float sum = window_sum(x, out.n, out.c, C, H, W, window.cells);
        y[o] = to_act(window.divisor == 0 ? 0.0f : sum / window.divisor);
    }
}

extern "C" __global__ void avg_pool2d_backward(const act_t* dy, act_t* dx, int N, int C, int H, int W, int P, int Q,
                                               int kh, int kw, int sh, int sw, int pt, int pb, int pl, int pr,
                                               int countIncludePad, int accumulate) {
    long long total = (long long) N * C * H * W;
    GRID_STRIDE_LOOP(index, total) {
        Cell in = cell_at(index, C, H, W);
        float sum = 0.0f;
        // Output row p's window starts at p·sh - pt and is kh long; only those can hold row h.
        int firstP = max(0, (in.row + pt - kh + sh) / sh);
        int lastP = min(P - 1, (in.row + pt) / sh);
        int firstQ = max(0, (in.col + pl - kw + sw) / sw);
        int lastQ = min(Q - 1, (in.col + pl) / sw);
        for (int p = firstP; p <= lastP; p++) {
            for (int q = firstQ; q <= lastQ; q++) {
                AvgWindow window = avg_pool_window(H, W, p, q, kh, kw, sh, sw, pt, pb, pl, pr, countIncludePad);
                if (window.divisor != 0 && window_holds(window.cells, in.row, in.col)) {
                    sum += to_float(dy[offset_of(in.n, in.c, p, q, C, P, Q)]) / window.divisor;
                }
            }
        }
        add_into(dx, index, sum, accumulate);
    }
}

// The window of adaptive output (p, q): rows floor(p·H/P) .. ceil((p+1)·H/P) - 1, and the same for columns.
__device__ Window adaptive_window(int H, int W, int P, int Q, int p, int q) {
    Window window;
    window.rowStart = (p * H) / P;
    window.rowEnd = ((p + 1) * H + P - 1) / P;
    window.colStart = (q * W) / Q;
    window.colEnd = ((q + 1) * W + Q - 1) / Q;
    return window;
}

extern "C" __global__ void adaptive_avg_pool2d_forward(const act_t* x, act_t* y, int N, int C, int H, int W,
                                                       int P, int Q) {
    long long total = (long long) N * C * P * Q;
    GRID_STRIDE_LOOP(o, total) {
        Cell out = cell_at(o, C, P, Q);
        Window window = adaptive_window(H, W, P, Q, out.row, out.col);
        y[o] = to_act(window_sum(x, out.n, out.c, C, H, W, window) / window_cells(window));
    }
}

extern "C" __global__ void adaptive_avg_pool2d_backward(const act_t* dy, act_t* dx, int N, int C, int H, int W,
                                                        int P, int Q, int accumulate) {
    long long total = (long long) N * C * H * W;
    GRID_STRIDE_LOOP(index, total) {
        Cell in = cell_at(index, C, H, W);
        float sum = 0.0f;
        for (int p = 0; p < P; p++) {
            for (int q = 0; q < Q; q++) {
                Window window = adaptive_window(H, W, P, Q, p, q);
                if (window_holds(window, in.row, in.col)) {
                    sum += to_float(dy[offset_of(in.n, in.c, p, q, C, P, Q)]) / window_cells(window);
                }
            }
        }
        add_into(dx, index, sum, accumulate);
    }
}

extern "C" __global__ void global_avg_pool_forward(const act_t* x, act_t* y, int N, int C, int cells) {
    long long total = (long long) N * C;
    GRID_STRIDE_LOOP(index, total) {
        long long n = index / C;
        int c = (int) (index % C);
        float sum = 0.0f;
        for (int s = 0; s < cells; s++) {
            sum += to_float(x[act_offset(n, c, s, C, cells)]);
        }
        y[index] = to_act(sum / cells);
    }
}

extern "C" __global__ void global_avg_pool_backward(const act_t* dy, act_t* dx, int N, int C, int cells,
                                                    int accumulate) {
    long long total = (long long) N * C * cells;
    GRID_STRIDE_LOOP(index, total) {
        ActCell at = act_cell(index, C, cells);
        add_into(dx, index, to_float(dy[at.n * C + at.c]) / cells, accumulate);
    }
}
