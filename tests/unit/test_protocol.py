"""Pure protocol framing and parsing (edgeq.transport.protocol).

Official-format lines come from a public MLPerf Tiny runner log (EEMBC runner, kws01 DUT):
`m-[Expecting 490 bytes]`, `m-lap-us-67410227`, `m-results-[0.000,...,0.992]`.
"""
import struct

import pytest

from edgeq.errors import EdgeqError
from edgeq.transport import protocol as p


def test_frame_appends_terminator_and_rejects_unsendable():
    assert p.frame("db load 490") == b"db load 490%"
    for bad in ("", "name%", "db \x00", "caf\u00e9", "a\nb"):
        with pytest.raises(ValueError):
            p.frame(bad)


def test_hex_chunks_fit_command_buffer_and_cover_data():
    data = bytes(range(256)) * 3
    chunks = p.hex_chunks(data, cmd_max=80)
    assert all(len(c) <= 80 for c in chunks)
    assert b"".join(bytes.fromhex(c[3:]) for c in chunks) == data
    assert len(p.hex_chunks(b"\x01", 128)) == 1
    with pytest.raises(ValueError):
        p.hex_chunks(data, cmd_max=4)


def test_official_infer_reply_from_mlperf_runner_log():
    lines = ("m-warmup-start-10", "m-warmup-done", "m-infer-start-1", "m-lap-us-67410227", "m-lap-us-67565820",
             "m-infer-done",
             "m-results-[0.000,0.000,0.000,0.000,0.000,0.007,0.000,0.000,0.000,0.000,0.000,0.992]")
    run = p.parse_infer(p.Reply("infer 1", lines))
    assert (run.runs, run.warmups, run.elapsed_us) == (1, 10, 67565820 - 67410227)
    assert run.results.values[5] == 0.007 and run.results.values[11] == 0.992
    assert len(run.results.values) == 12 and run.results.raw == ()


def test_raw_lines_parse_in_order_and_reject_gaps():
    reply = p.Reply("results", ("m-results-[1.000,-2.500]", "m-edgeq-raw-0-[7f80]", "m-edgeq-raw-1-[00ff10]"))
    assert p.parse_results(reply).raw == (b"\x7f\x80", b"\x00\xff\x10")
    with pytest.raises(EdgeqError):
        p.parse_results(p.Reply("results", ("m-results-[1.000]", "m-edgeq-raw-1-[00]")))
    with pytest.raises(EdgeqError, match="0 'm-results-"):
        p.parse_results(p.Reply("results", ("m-edgeq-raw-0-[00]",)))


def test_errors_are_collected_and_reported():
    reply = p.Reply("db load 11", ("e-[db load expects exactly 10 bytes (the model input), not 11]",))
    assert reply.errors == ("db load expects exactly 10 bytes (the model input), not 11",)
    err = p.reply_error(reply)
    assert err is not None and "db load 11" in err.message and "10 bytes" in err.message
    assert p.reply_error(p.Reply("name", ("m-name-dut-[edgeq]",))) is None


def test_info_decodes_layouts_with_exact_scales():
    scale = 0.00390625 * 1.1
    bits = struct.unpack("<I", struct.pack("<f", scale))[0]
    lines = ("m-edgeq-protocol-[1]", "m-edgeq-model-[kws]", "m-edgeq-hash-[ab12]", "m-edgeq-arena-[22000]",
             "m-edgeq-ops-[13]", "m-edgeq-cmd-max-[128]",
             "m-edgeq-timer-[source=systick-icount,unit=instructions,units_per_tick=40,ticks_per_second=25000000]",
             f"m-edgeq-input-[index=0,bytes=490,dtype=int8,scale=0x{bits:08x},zero_point=-128]",
             "m-edgeq-output-[index=0,bytes=48,dtype=float32,scale=0x00000000,zero_point=0]")
    info = p.parse_info(p.Reply("edgeq info", lines))
    assert info.inputs[0].scale == struct.unpack("<f", struct.pack("<f", scale))[0]
    assert (info.inputs[0].zero_point, info.input_bytes, info.outputs[0].count) == (-128, 490, 12)
    assert info.timer == p.TimerInfo("systick-icount", "instructions", 40, 25_000_000)
    assert (info.arena_bytes, info.op_count, info.model_hash) == (22000, 13, "ab12")
    with pytest.raises(EdgeqError, match="m-edgeq-arena-"):
        p.parse_info(p.Reply("edgeq info", tuple(l for l in lines if "arena" not in l)))


def test_ticks_and_profile():
    assert p.parse_ticks(p.Reply("edgeq ticks", ("m-edgeq-ticks-[runs=3,total=30,min=9,max=11]",))) == \
        p.Ticks(3, 30, 9, 11)
    ops = ("m-edgeq-op-[index=0,name=CONV_2D,ticks=120]", "m-edgeq-op-[index=1,name=SOFTMAX,ticks=7]")
    prof = p.parse_profile(p.Reply("edgeq profile", ops + ("m-edgeq-profile-[ops=2,total=127]",)))
    assert [(o.name, o.ticks) for o in prof] == [("CONV_2D", 120), ("SOFTMAX", 7)]
    with pytest.raises(EdgeqError):
        p.parse_profile(p.Reply("edgeq profile", ops + ("m-edgeq-profile-[ops=3,total=127]",)))


def test_name_and_garbled_lines():
    assert p.parse_name(p.Reply("name", ("m-name-dut-[unspecified]",))) == ("dut", "unspecified")
    assert p.clean_line(b"m-ready\r\n") == "m-ready"
    assert p.clean_line(b"\xffm-x\n") == "\ufffdm-x"
    with pytest.raises(EdgeqError):
        p.parse_name(p.Reply("name", ("garbage",)))
