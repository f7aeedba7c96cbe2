/*
 * dut.c — MLPerf Tiny DUT protocol for edgeq firmware (see PROTOCOL.md for every command and line).
 *
 * The official command set (name, profile, timestamp, db load N, db HEX, infer N [W], results) keeps
 * the reply strings of the MLPerf Tiny API so its runner can drive edgeq firmware; edgeq adds
 * `edgeq info|ticks|profile` in the same framing. Design rules:
 *  - every command, valid or not, ends with exactly one "m-ready" line;
 *  - output is printable ASCII plus CR LF; received bytes outside printable ASCII make the command
 *    invalid and are never echoed;
 *  - no write goes past a buffer: overlong commands and surplus or wrong-size input are rejected
 *    with "e-[...]" before anything is stored;
 *  - no printf: numbers are formatted here, so ports need no libc formatting (newlib-nano lacks
 *    64-bit and float conversions by default);
 *  - no double, no 64-bit division and no string functions from libc: on a Cortex-M they would link
 *    several kilobytes of soft-float, libgcc division and libc (more than this whole file), so
 *    results are formatted from the float's bits with integer arithmetic and 64-bit values are
 *    divided by shift-and-subtract.
 */
#include "dut.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "edgeq_model.h"
#include "edgeq_port.h"

#ifndef EDGEQ_INPUT_BYTES
#error "define EDGEQ_INPUT_BYTES (total input bytes of the model) when compiling dut.c"
#endif

#if EDGEQ_INPUT_BYTES < 1
#error "EDGEQ_INPUT_BYTES must be at least 1"
#endif

#define MAX_ARGS 4u
/* Every command handler has the dispatch table's signature; most ignore their arguments. */
#define UNUSED_ARGS ((void)argv, (void)argc)
#define OUT_BUF 64u

/* Reply strings shared with the MLPerf Tiny API (EEMBC / mlcommons/tiny benchmark/api). */
#define FW_VERSION "ULPMark for tinyML Firmware V0.0.1"
#define DEVICE_NAME "dut"
#define VENDOR_NAME "edgeq"
#define DEFAULT_WARMUPS 10u

/* ---- state ------------------------------------------------------------------------------------ */

static char g_cmd[EDGEQ_DUT_CMD_MAX + 1];
static uint32_t g_cmd_len;
static int g_cmd_overflow;
static int g_cmd_bad_byte;

/* Inputs are staged here and copied into the model's input tensors before every inference: the arena
 * may reuse an input's memory once its last reader has run, so the tensor itself does not keep it. */
static uint8_t g_staging[EDGEQ_INPUT_BYTES];
static uint32_t g_expected; /* bytes announced by the pending `db load`, 0 when none */
static uint32_t g_received;
static int g_input_ready;   /* a complete input has been loaded */
static int g_have_results;  /* the output tensors hold the result of an inference on that input */

static uint32_t g_runs;     /* statistics of the timed runs of the last `infer` */
static uint64_t g_ticks_total;
static uint64_t g_ticks_min;
static uint64_t g_ticks_max;

static char g_out[OUT_BUF];
static uint32_t g_out_len;

/* ---- output ----------------------------------------------------------------------------------- */

static void out_flush(void)
{
    if (g_out_len > 0u) {
        edgeq_port_write(g_out, g_out_len);
        g_out_len = 0u;
    }
}

static void out_char(char c)
{
    if (g_out_len == OUT_BUF) {
        out_flush();
    }
    g_out[g_out_len++] = c;
}

/* Strings that may come from outside (model names, command tokens) are filtered to printable ASCII. */
static void out_str(const char *s)
{
    for (; *s != '\0'; ++s) {
        char c = *s;
        out_char((c >= 0x20 && c <= 0x7e) ? c : '?');
    }
}

static void out_end_line(void)
{
    out_char('\r');
    out_char('\n');
    out_flush();
}

/* *v / d (d > 0) and the remainder. 32-bit values use the core's divider; wider ones shift and
 * subtract, since libgcc's 64-bit division alone is larger than this file's number formatting. */
static uint32_t divmod_u64(uint64_t *v, uint32_t d)
{
    uint64_t n = *v;
    uint64_t q = 0u;
    uint64_t r = 0u;
    uint32_t i;
    if ((n >> 32) == 0u) {
        *v = (uint32_t)n / d;
        return (uint32_t)n % d;
    }
    for (i = 0u; i < 64u; ++i) {
        r = (r << 1) | (n >> 63);
        n <<= 1;
        q <<= 1;
        if (r >= d) {
            r -= d;
            q |= 1u;
        }
    }
    *v = q;
    return (uint32_t)r;
}

static void out_u64(uint64_t v)
{
    char digits[20];
    uint32_t n = 0u;
    do {
        digits[n++] = (char)('0' + divmod_u64(&v, 10u));
    } while (v != 0u);
    while (n > 0u) {
        out_char(digits[--n]);
    }
}

static void out_i32(int32_t v)
{
    uint32_t magnitude = (uint32_t)v;
    if (v < 0) {
        out_char('-');
        magnitude = 0u - magnitude;
    }
    out_u64(magnitude);
}

static void out_hex_byte(uint8_t b)
{
    static const char hex[] = "0123456789abcdef";
    out_char(hex[b >> 4]);
    out_char(hex[b & 0x0fu]);
}

static void out_hex_u32(uint32_t v)
{
    uint32_t shift;
    out_str("0x");
    for (shift = 32u; shift > 0u; shift -= 8u) {
        out_hex_byte((uint8_t)(v >> (shift - 8u)));
    }
}

static uint32_t float_bits(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

/* "%.3f" as the MLPerf Tiny results line prints it (exact decimal value rounded half to even, like
 * printf); magnitudes of 1e15 and more print as (-)inf (the m-edgeq-raw- line carries the exact
 * bytes). Works on the IEEE-754 bits: |value| = m * 2^e with m < 2^24, so value * 1000 is an exact
 * integer m * 1000 < 2^34 shifted by e. */
static void out_f3(float value)
{
    uint32_t bits = float_bits(value);
    uint32_t exponent = (bits >> 23) & 0xffu;
    uint64_t m = bits & 0x7fffffu;
    int32_t e;
    uint64_t milli;

    if (exponent == 0xffu && m != 0u) {
        out_str("nan");
        return;
    }
    if ((bits >> 31) != 0u) {
        out_char('-');
    }
    if (exponent == 0u) {
        e = -149;                  /* subnormal */
    } else {
        m |= 0x800000u;
        e = (int32_t)exponent - 150;
    }
    if (e >= 0) {
        if (e > 26 || (m << e) >= 1000000000000000u) {   /* m >= 2^23, so e > 26 means >= 2^50 */
            out_str("inf");
            return;
        }
        milli = (m << e) * 1000u;
    } else if (e <= -40) {
        milli = 0u;                /* m * 1000 < 2^34: below half a thousandth */
    } else {
        uint32_t s = (uint32_t)-e;
        uint64_t scaled = m * 1000u;
        uint64_t rest = scaled & (((uint64_t)1u << s) - 1u);
        uint64_t half = (uint64_t)1u << (s - 1u);
        milli = scaled >> s;
        if (rest > half || (rest == half && (milli & 1u) != 0u)) {
            milli++;
        }
    }
    {
        uint32_t frac = divmod_u64(&milli, 1000u);
        out_u64(milli);
        out_char('.');
        out_char((char)('0' + frac / 100u));
        out_char((char)('0' + frac / 10u % 10u));
        out_char((char)('0' + frac % 10u));
    }
}

static void out_error(const char *text)
{
    out_str("e-[");
    out_str(text);
    out_str("]");
    out_end_line();
}

static void out_line(const char *text)
{
    out_str(text);
    out_end_line();
}

/* ---- parsing helpers -------------------------------------------------------------------------- */

/* Strict unsigned decimal: digits only, at most 4294967295. Returns 0 on success. */
static int parse_u32(const char *s, uint32_t *value)
{
    uint64_t v = 0u;
    if (*s == '\0') {
        return -1;
    }
    for (; *s != '\0'; ++s) {
        if (*s < '0' || *s > '9') {
            return -1;
        }
        v = v * 10u + (uint64_t)(*s - '0');
        if (v > 0xffffffffu) {
            return -1;
        }
    }
    *value = (uint32_t)v;
    return 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static int same(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

static const char *dtype_name(edgeq_dtype_t dtype)
{
    switch (dtype) {
    case EDGEQ_DTYPE_FLOAT32: return "float32";
    case EDGEQ_DTYPE_INT8: return "int8";
    case EDGEQ_DTYPE_UINT8: return "uint8";
    case EDGEQ_DTYPE_INT16: return "int16";
    case EDGEQ_DTYPE_INT32: return "int32";
    default: return "unknown";
    }
}

/* ---- model glue ------------------------------------------------------------------------------- */

static uint32_t model_input_bytes(void)
{
    uint32_t total = 0u;
    uint32_t i;
    for (i = 0u; i < edgeq_model_num_inputs(); ++i) {
        total += edgeq_model_input(i).bytes;
    }
    return total;
}

static void copy_inputs(void)
{
    uint32_t offset = 0u;
    uint32_t i;
    for (i = 0u; i < edgeq_model_num_inputs(); ++i) {
        edgeq_tensor_t t = edgeq_model_input(i);
        memcpy(t.data, g_staging + offset, t.bytes);
        offset += t.bytes;
    }
}

static uint64_t run_inference(void)
{
    uint64_t start;
    copy_inputs();
    start = edgeq_port_ticks();
    edgeq_model_invoke();
    return edgeq_port_ticks() - start;
}

/* ---- commands --------------------------------------------------------------------------------- */

static void print_lap(void)
{
    const edgeq_port_timer_t *timer = edgeq_port_timer();
    uint64_t seconds = edgeq_port_ticks();
    uint64_t fraction = (uint64_t)divmod_u64(&seconds, timer->ticks_per_second) * 1000000u;
    (void)divmod_u64(&fraction, timer->ticks_per_second);
    out_str("m-lap-us-");
    out_u64(seconds * 1000000u + fraction);
    out_end_line();
}

static void print_results(void)
{
    uint32_t i;
    uint32_t k;
    int first = 1;

    out_str("m-results-[");
    for (i = 0u; i < edgeq_model_num_outputs(); ++i) {
        edgeq_tensor_t t = edgeq_model_output(i);
        const uint8_t *p = (const uint8_t *)t.data;
        for (k = 0u; k < t.bytes;) {
            float v;
            if (!first) {
                out_char(',');
            }
            first = 0;
            switch (t.dtype) {
            case EDGEQ_DTYPE_FLOAT32:
                memcpy(&v, p + k, sizeof v);
                k += 4u;
                break;
            case EDGEQ_DTYPE_INT8:
                v = t.scale * (float)((int32_t)(int8_t)p[k] - t.zero_point);
                k += 1u;
                break;
            case EDGEQ_DTYPE_UINT8:
                v = t.scale * (float)((int32_t)p[k] - t.zero_point);
                k += 1u;
                break;
            case EDGEQ_DTYPE_INT16: {
                int16_t q;
                memcpy(&q, p + k, sizeof q);
                v = t.scale * (float)((int32_t)q - t.zero_point);
                k += 2u;
                break;
            }
            default: {
                /* q - zero_point needs 33 bits; hi * 65536 + lo are both exact floats, so their sum
                 * is (float)(q - zero_point) rounded once, without libgcc's int64 conversion. */
                int32_t q;
                int64_t d;
                memcpy(&q, p + k, sizeof q);
                d = (int64_t)q - t.zero_point;
                v = t.scale * ((float)(int32_t)(d >> 16) * 65536.0f + (float)(int32_t)(d & 0xffff));
                k += 4u;
                break;
            }
            }
            out_f3(v);
        }
    }
    out_str("]");
    out_end_line();

    for (i = 0u; i < edgeq_model_num_outputs(); ++i) {
        edgeq_tensor_t t = edgeq_model_output(i);
        const uint8_t *p = (const uint8_t *)t.data;
        out_str("m-edgeq-raw-");
        out_u64(i);
        out_str("-[");
        for (k = 0u; k < t.bytes; ++k) {
            out_hex_byte(p[k]);
        }
        out_str("]");
        out_end_line();
    }
}

static void cmd_timestamp(char **argv, uint32_t argc)
{
    UNUSED_ARGS;
    print_lap();
}

static void cmd_name(char **argv, uint32_t argc)
{
    UNUSED_ARGS;
    out_line("m-name-" DEVICE_NAME "-[" VENDOR_NAME "]");
}

static void cmd_profile(char **argv, uint32_t argc)
{
    UNUSED_ARGS;
    out_line("m-profile-[" FW_VERSION "]");
    out_str("m-model-[");
    out_str(edgeq_model_name());
    out_str("]");
    out_end_line();
}

static void cmd_help(char **argv, uint32_t argc)
{
    UNUSED_ARGS;
    out_line("m-help-[name: print the device name]");
    out_line("m-help-[profile: print the firmware and model version]");
    out_line("m-help-[timestamp: print m-lap-us-N]");
    out_line("m-help-[db load N: expect N input bytes (exactly the model's input size)]");
    out_line("m-help-[db HH..: load hex bytes]");
    out_line("m-help-[infer N [W=10]: run W warmups, then N timed inferences, print results]");
    out_line("m-help-[results: print the outputs (dequantized and raw hex)]");
    out_line("m-help-[edgeq info|ticks|profile: model facts, ticks of the last infer, per-operator ticks]");
}

static void cmd_db(char **argv, uint32_t argc)
{
    if (argc < 2u) {
        out_error("Command 'db' requires a subcommand");
        return;
    }
    if (same(argv[1], "load")) {
        uint32_t n;
        if (argc != 3u || parse_u32(argv[2], &n) != 0) {
            out_error("Command 'db load' requires the # of bytes");
            return;
        }
        g_expected = 0u;
        g_received = 0u;
        g_input_ready = 0;
        if (n != (uint32_t)EDGEQ_INPUT_BYTES) {
            out_str("e-[db load expects exactly ");
            out_u64((uint32_t)EDGEQ_INPUT_BYTES);
            out_str(" bytes (the model input), not ");
            out_u64(n);
            out_str("]");
            out_end_line();
            return;
        }
        g_expected = n;
        out_str("m-[Expecting ");
        out_u64(n);
        out_str(" bytes]");
        out_end_line();
        return;
    }
    {
        const char *hex = argv[1];
        size_t digits;
        size_t i;
        int bad_digit = 0;
        for (digits = 0u; hex[digits] != '\0'; ++digits) {
            bad_digit |= hex_value(hex[digits]) < 0;
        }
        if (argc != 2u) {
            out_error("Command 'db' takes one hex string");
            return;
        }
        if (g_expected == 0u) {
            out_error("No load in progress: send 'db load N' first");
            return;
        }
        if ((digits & 1u) != 0u) {
            out_error("Insufficent number of hex digits");
            return;
        }
        if (bad_digit) {
            out_error("Invalid hex digit");
            return;
        }
        if (digits / 2u > (size_t)(g_expected - g_received)) {
            out_str("e-[Too many bytes: ");
            out_u64(digits / 2u);
            out_str(" sent, ");
            out_u64(g_expected - g_received);
            out_str(" expected; load aborted]");
            out_end_line();
            g_expected = 0u;
            g_received = 0u;
            return;
        }
        for (i = 0u; i < digits; i += 2u) {
            g_staging[g_received++] = (uint8_t)((hex_value(hex[i]) << 4) | hex_value(hex[i + 1u]));
        }
        if (g_received == g_expected) {
            g_expected = 0u;
            g_input_ready = 1;
            g_have_results = 0;
            out_line("m-load-done");
        }
    }
}

static int require_input(void)
{
    if (!g_input_ready) {
        if (g_expected != 0u) {
            out_str("e-[Input incomplete: ");
            out_u64(g_received);
            out_str(" of ");
            out_u64(g_expected);
            out_str(" bytes loaded]");
            out_end_line();
        } else {
            out_error("No input loaded: send 'db load N' and 'db HEX' first");
        }
        return 0;
    }
    return 1;
}

static void cmd_infer(char **argv, uint32_t argc)
{
    uint32_t n = 1u;
    uint32_t w = DEFAULT_WARMUPS;
    uint32_t i;

    if (argc > 3u) {
        out_error("Command 'infer' takes N [W]");
        return;
    }
    if (argc >= 2u && (parse_u32(argv[1], &n) != 0 || n == 0u)) {
        out_error("Inference iterations must be >0");
        return;
    }
    if (argc == 3u && parse_u32(argv[2], &w) != 0) {
        out_error("Inference warmup must be >=0");
        return;
    }
    if (!require_input()) {
        return;
    }
    out_str("m-warmup-start-");
    out_u64(w);
    out_end_line();
    for (i = 0u; i < w; ++i) {
        (void)run_inference();
    }
    out_line("m-warmup-done");
    out_str("m-infer-start-");
    out_u64(n);
    out_end_line();
    g_runs = n;
    g_ticks_total = 0u;
    g_ticks_min = UINT64_MAX;
    g_ticks_max = 0u;
    print_lap();
    for (i = 0u; i < n; ++i) {
        uint64_t t = run_inference();
        g_ticks_total += t;
        g_ticks_min = t < g_ticks_min ? t : g_ticks_min;
        g_ticks_max = t > g_ticks_max ? t : g_ticks_max;
    }
    print_lap();
    out_line("m-infer-done");
    g_have_results = 1;
    print_results();
}

static void cmd_results(char **argv, uint32_t argc)
{
    UNUSED_ARGS;
    if (!g_have_results) {
        out_error("No results: run 'infer' on a loaded input first");
        return;
    }
    print_results();
}

static void print_tensor_layout(const char *kind, uint32_t index, edgeq_tensor_t t)
{
    out_str("m-edgeq-");
    out_str(kind);
    out_str("-[index=");
    out_u64(index);
    out_str(",bytes=");
    out_u64(t.bytes);
    out_str(",dtype=");
    out_str(dtype_name(t.dtype));
    out_str(",scale=");
    out_hex_u32(float_bits(t.scale));
    out_str(",zero_point=");
    out_i32(t.zero_point);
    out_str("]");
    out_end_line();
}

static void edgeq_info(char **argv, uint32_t argc)
{
    UNUSED_ARGS;
    const edgeq_port_timer_t *timer = edgeq_port_timer();
    uint32_t i;

    out_line("m-edgeq-protocol-[1]");
    out_str("m-edgeq-model-[");
    out_str(edgeq_model_name());
    out_str("]");
    out_end_line();
    out_str("m-edgeq-hash-[");
    out_str(edgeq_model_hash());
    out_str("]");
    out_end_line();
    out_str("m-edgeq-arena-[");
    out_u64(edgeq_model_arena_bytes());
    out_str("]");
    out_end_line();
    out_str("m-edgeq-ops-[");
    out_u64(edgeq_model_op_count());
    out_str("]");
    out_end_line();
    out_str("m-edgeq-cmd-max-[");
    out_u64(EDGEQ_DUT_CMD_MAX);
    out_str("]");
    out_end_line();
    out_str("m-edgeq-timer-[source=");
    out_str(timer->source);
    out_str(",unit=");
    out_str(timer->unit);
    out_str(",units_per_tick=");
    out_u64(timer->units_per_tick);
    out_str(",ticks_per_second=");
    out_u64(timer->ticks_per_second);
    out_str("]");
    out_end_line();
    for (i = 0u; i < edgeq_model_num_inputs(); ++i) {
        print_tensor_layout("input", i, edgeq_model_input(i));
    }
    for (i = 0u; i < edgeq_model_num_outputs(); ++i) {
        print_tensor_layout("output", i, edgeq_model_output(i));
    }
}

static void edgeq_ticks(char **argv, uint32_t argc)
{
    UNUSED_ARGS;
    if (g_runs == 0u) {
        out_error("No timed runs yet: run 'infer N W' first");
        return;
    }
    out_str("m-edgeq-ticks-[runs=");
    out_u64(g_runs);
    out_str(",total=");
    out_u64(g_ticks_total);
    out_str(",min=");
    out_u64(g_ticks_min);
    out_str(",max=");
    out_u64(g_ticks_max);
    out_str("]");
    out_end_line();
}

static void edgeq_profile(char **argv, uint32_t argc)
{
    UNUSED_ARGS;
    uint64_t total = 0u;
    uint32_t i;

    if (!require_input()) {
        return;
    }
    copy_inputs();
    for (i = 0u; i < edgeq_model_op_count(); ++i) {
        uint64_t start = edgeq_port_ticks();
        uint64_t t;
        edgeq_model_run_op(i);
        t = edgeq_port_ticks() - start;
        total += t;
        out_str("m-edgeq-op-[index=");
        out_u64(i);
        out_str(",name=");
        out_str(edgeq_model_op_name(i));
        out_str(",ticks=");
        out_u64(t);
        out_str("]");
        out_end_line();
    }
    g_have_results = 1;
    out_str("m-edgeq-profile-[ops=");
    out_u64(edgeq_model_op_count());
    out_str(",total=");
    out_u64(total);
    out_str("]");
    out_end_line();
}

/* Restores the model's recurrent state (variable tensors) to its initial values, as TFLM's
 * reset_all_variables; inferences otherwise carry it over, like TFLM's invoke. */
static void edgeq_reset(char **argv, uint32_t argc)
{
    UNUSED_ARGS;
    edgeq_model_reset();
    out_line("m-edgeq-reset-done");
}

typedef struct {
    const char *name;
    uint32_t argc;  /* words including the command's own, 0 when the handler checks them */
    void (*run)(char **argv, uint32_t argc);
} command_t;

static const command_t g_edgeq_commands[] = {
    {"info", 2u, edgeq_info},
    {"ticks", 2u, edgeq_ticks},
    {"profile", 2u, edgeq_profile},
    {"reset", 2u, edgeq_reset},
};

/* `word` names the command (argv[0], or argv[1] under "edgeq"). */
static const command_t *find_command(const command_t *table, uint32_t count, const char *word, uint32_t argc)
{
    uint32_t i;
    for (i = 0u; i < count; ++i) {
        if (same(table[i].name, word) && (table[i].argc == 0u || table[i].argc == argc)) {
            return &table[i];
        }
    }
    return NULL;
}

static void cmd_edgeq(char **argv, uint32_t argc)
{
    const command_t *command = NULL;
    if (argc >= 2u) {
        command = find_command(g_edgeq_commands, sizeof g_edgeq_commands / sizeof g_edgeq_commands[0],
                               argv[1], argc);
    }
    if (command == NULL) {
        out_error("Command 'edgeq' takes one of: info, ticks, profile, reset");
        return;
    }
    command->run(argv, argc);
}

static const command_t g_commands[] = {
    {"name", 1u, cmd_name},
    {"profile", 1u, cmd_profile},
    {"help", 1u, cmd_help},
    {"timestamp", 1u, cmd_timestamp},
    {"db", 0u, cmd_db},
    {"infer", 0u, cmd_infer},
    {"results", 1u, cmd_results},
    {"edgeq", 0u, cmd_edgeq},
};

static void dispatch(char *line)
{
    char *argv[MAX_ARGS];
    uint32_t argc = 0u;
    char *p = line;
    const command_t *command;

    for (;;) {
        while (*p == ' ') {
            *p++ = '\0';
        }
        if (*p == '\0') {
            break;
        }
        if (argc == MAX_ARGS) {
            out_error("Too many arguments");
            return;
        }
        argv[argc++] = p;
        while (*p != ' ' && *p != '\0') {
            ++p;
        }
    }
    if (argc == 0u) {
        out_error("Empty command");
        return;
    }
    command = find_command(g_commands, sizeof g_commands / sizeof g_commands[0], argv[0], argc);
    if (command == NULL) {
        out_str("e-[Unknown command: ");
        out_str(argv[0]);
        out_str("]");
        out_end_line();
        return;
    }
    command->run(argv, argc);
}

/* ---- entry points ----------------------------------------------------------------------------- */

int edgeq_dut_init(void)
{
    if (model_input_bytes() != (uint32_t)EDGEQ_INPUT_BYTES) {
        out_str("e-[Firmware built for ");
        out_u64((uint32_t)EDGEQ_INPUT_BYTES);
        out_str(" input bytes but the model has ");
        out_u64(model_input_bytes());
        out_str("]");
        out_end_line();
        return 1;
    }
    out_line("m-init-done");
    out_line("m-ready");
    return 0;
}

void edgeq_dut_feed(int byte)
{
    char c = (char)byte;

    if (byte == '%') {
        g_cmd[g_cmd_len] = '\0';
        if (g_cmd_bad_byte) {
            out_error("Command contains bytes outside printable ASCII");
        } else if (g_cmd_overflow) {
            out_str("e-[Command longer than ");
            out_u64(EDGEQ_DUT_CMD_MAX);
            out_str(" characters]");
            out_end_line();
        } else {
            dispatch(g_cmd);
        }
        out_line("m-ready");
        g_cmd_len = 0u;
        g_cmd_overflow = 0;
        g_cmd_bad_byte = 0;
        return;
    }
    /* Line breaks and tabs between commands (terminals, scripts) are separators, not content. */
    if (byte == '\r' || byte == '\n' || byte == '\t') {
        c = ' ';
    } else if (byte < 0x20 || byte > 0x7e) {
        g_cmd_bad_byte = 1;
        return;
    }
    if (c == ' ' && g_cmd_len == 0u) {
        return;
    }
    if (g_cmd_len == EDGEQ_DUT_CMD_MAX) {
        g_cmd_overflow = 1;
        return;
    }
    g_cmd[g_cmd_len++] = c;
}
