// The indices of the k largest scores of each row of [N, K] scores, largest first; equal scores in index order, as the
// reference (which picks, k times, the first strictly larger untaken score). Scores are act_t (storage.cuh): float,
// or bf16 in bf16 work, where rounding makes ties more common; they compare as the floats they stand for (exact).
// Scores are assumed finite (logits).
//
//   top_k(const act_t* scores, int rows, int cols, int k, int* out)
//       out[r·k + j] = index of the j-th largest score of row r; k <= cols. One thread per row: pick j is the best
//       score ranked strictly after pick j-1 in (score descending, index ascending) order, so no per-row state.

extern "C" __global__ void top_k(const act_t* scores, int rows, int cols, int k, int* out) {
    GRID_STRIDE_LOOP(r, rows) {
        const act_t* row = scores + r * cols;
        int previous = -1;
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int c = 0; c < cols; c++) {
                float score = to_float(row[c]);
                bool rankedAfterPrevious = previous < 0 || score < to_float(row[previous])
                        || (score == to_float(row[previous]) && c > previous);
                if (rankedAfterPrevious && (best < 0 || score > to_float(row[best]))) {
                    best = c;
                }
            }
            out[r * k + j] = best;
            previous = best;
        }
    }
}
