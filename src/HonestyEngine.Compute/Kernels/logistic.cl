// Per-sample logistic terms for z = x w (computed by project_*) plus intercept b:
// loss[i] = log(1 + exp(z)) - y z (overflow-free form), r[i] = sigmoid(z) - y (the gradient weight).
__kernel void logistic_residual(__global const float* restrict z, __global const float* restrict y,
                                const int n, const float b,
                                __global float* restrict r, __global float* restrict loss)
{
    const int i = get_global_id(0);
    if (i >= n) return;
    const float zi = z[i] + b;
    const float yi = y[i];
    const float e = exp(-fabs(zi));
    loss[i] = fmax(zi, 0.0f) + log1p(e) - yi * zi;
    const float s = zi >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
    r[i] = s - yi;
}

// bfloat16 activations, stored as ushort (the upper half of a float32): widening is a 16-bit shift, exact.
// z = x w for one probe, in the two shapes of project.cl, and the gradient slices of xt_vector_partial.
inline float16 widen_bf16x16(__global const ushort* p)
{
    return as_float16(convert_uint16(vload16(0, p)) << 16);
}

inline float widen_bf16(const ushort v)
{
    return as_float((uint)v << 16);
}

inline float sum16_bf16(float16 v)
{
    float8 a = v.lo + v.hi;
    float4 b = a.lo + a.hi;
    float2 c = b.lo + b.hi;
    return c.x + c.y;
}

__kernel void bf16_dot_rows(__global const ushort* restrict x, const int n, const int d,
                            __global const float* restrict w, __global float* restrict z)
{
    const int row = get_global_id(0);
    if (row >= n) return;
    __global const ushort* xr = x + (size_t)row * d;
    const int d16 = d & ~15;
    float16 acc = (float16)(0.0f);
    for (int j = 0; j < d16; j += 16)
        acc = fma(widen_bf16x16(xr + j), vload16(0, w + j), acc);
    float s = sum16_bf16(acc);
    for (int j = d16; j < d; j++) s = fma(widen_bf16(xr[j]), w[j], s);
    z[row] = s;
}

// Local size must be a power of two; scratch holds one float per work-item.
__kernel void bf16_dot_groups(__global const ushort* restrict x, const int n, const int d,
                              __global const float* restrict w, __global float* restrict z,
                              __local float* scratch)
{
    const int row = get_group_id(0);
    const int lid = get_local_id(0);
    const int ls = get_local_size(0);
    __global const ushort* xr = x + (size_t)row * d;
    float s = 0.0f;
    for (int j = lid; j < d; j += ls) s = fma(widen_bf16(xr[j]), w[j], s);
    scratch[lid] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int offset = ls / 2; offset > 0; offset >>= 1)
    {
        if (lid < offset) scratch[lid] += scratch[lid + offset];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) z[row] = scratch[0];
}

// partial[s, j] = sum over the rows of slice s of x[i, j] r[i].
__kernel void bf16_xt_vector_partial(__global const ushort* restrict x, const int n, const int d,
                                     __global const float* restrict r, const int rows_per_slice,
                                     __global float* restrict partial)
{
    const int j = get_global_id(0);
    const int s = get_global_id(1);
    if (j >= d) return;
    const int r0 = s * rows_per_slice;
    const int r1 = min(n, r0 + rows_per_slice);
    float acc = 0.0f;
    for (int i = r0; i < r1; i++) acc = fma(widen_bf16(x[(size_t)i * d + j]), r[i], acc);
    partial[(size_t)s * d + j] = acc;
}
