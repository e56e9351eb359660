"""Linear algebra: dot, batch_dot, linalg_gemm, linalg_gemm2."""
