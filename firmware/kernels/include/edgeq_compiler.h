/*
 * edgeq_compiler.h — the compiler hints the kernels share. Internal to the kernels.
 *
 * EDGEQ_NOINLINE keeps a hot loop in its own function, so it gets the registers (GCC otherwise inlines it
 * into a caller whose other live values push the loop's pointers and strides onto the stack); `unused` so a
 * kernel may keep a variant it does not call on every path. EDGEQ_INLINE marks a loop body that must be
 * inlined into its out-of-line caller (GCC's size heuristics would otherwise add a second call level).
 * Both are plain C elsewhere.
 */
#ifndef EDGEQ_COMPILER_H
#define EDGEQ_COMPILER_H

#if defined(__GNUC__)
#define EDGEQ_NOINLINE __attribute__((noinline, unused))
#define EDGEQ_INLINE static inline __attribute__((always_inline))
#else
#define EDGEQ_NOINLINE
#define EDGEQ_INLINE static inline
#endif

#endif /* EDGEQ_COMPILER_H */
