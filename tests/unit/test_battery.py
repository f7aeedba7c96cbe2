"""Battery parsing and energy integration against real battery outputs
(../shared/fixtures/android/battery, units and sign caveats in SOURCES.md)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from edgeq.bench import battery as bt
from edgeq.errors import EdgeqError

FIX = Path(os.environ["EDGEQ_SHARED"]) / "fixtures" / "android" / "battery"


def text(name: str) -> str:
    return (FIX / name).read_text()


@pytest.mark.parametrize("name, status, external", [
    ("dumpsys_battery_pixel_c_dragon_ac_charging.txt", "charging", "AC"),
    ("dumpsys_battery_samsung_full_usb.txt", "full", "USB"),
    ("dumpsys_battery_2016_minimal_zero_voltage.txt", "charging", "AC"),
    ("acc_info_oneplus7_discharging_with_dumpsys_section.txt", "discharging", None),
])
def test_dumpsys_power_state(name, status, external):
    state = bt.parse_dumpsys_battery(text(name))
    assert state.status == status
    if external is None:
        assert state.external_power is None
    else:
        assert external in state.external_power


def test_dumpsys_values_and_vendor_duplicates():
    samsung = bt.parse_dumpsys_battery(text("dumpsys_battery_samsung_full_usb.txt"))
    assert (samsung.level, samsung.voltage_mv) == (100, 4312)
    assert bt.voltage_volts(samsung.voltage_mv) == pytest.approx(4.312)
    zero = bt.parse_dumpsys_battery(text("dumpsys_battery_2016_minimal_zero_voltage.txt"))
    with pytest.raises(EdgeqError, match="reads 0"):
        bt.voltage_volts(zero.voltage_mv)


def test_truncated_dumpsys_is_refused():
    lines = text("dumpsys_battery_pixel_c_dragon_ac_charging.txt").splitlines()
    with pytest.raises(EdgeqError, match="lacks status"):
        bt.parse_dumpsys_battery("\n".join(lines[:7]))


def test_uevent_with_and_without_prefix():
    xz = bt.parse_uevent(text("uevent_battery_sony_xperia_xz_charging_negative_current.txt"))
    assert xz["CURRENT_NOW"] == "-257109" and bt.uevent_status(xz) == "charging"
    # One file mixes mV and µV: both read as 4.35 V.
    assert bt.voltage_volts(int(xz["VOLTAGE_MAX"])) == bt.voltage_volts(int(xz["VOLTAGE_MAX_DESIGN"])) == 4.35
    mi8 = bt.parse_uevent(text("acc_info_xiaomi_mi8_charging_negative_current.txt"))
    assert mi8["STATUS"] == "Charging" and mi8["VOLTAGE_NOW"] == "3888173"
    usb = bt.parse_uevent(text("uevent_usb_sony_xperia_xz_charging.txt"))  # `cat ...` line skipped
    assert usb["CURRENT_MAX"] == "2000" and list(usb)[0] == "NAME" and len(usb) == 6
    op7 = bt.parse_uevent(text("acc_info_oneplus7_discharging_with_dumpsys_section.txt"))
    assert op7["CHARGE_COUNTER"] == "2535012"  # duplicate key: first wins


@pytest.mark.parametrize("name", [
    "uevent_battery_sony_xperia_xz_charging_negative_current.txt",
    "acc_info_xiaomi_mi8_charging_negative_current.txt",
])
def test_charging_phones_with_negative_current_are_positive_when_discharging(name):
    fields = bt.parse_uevent(text(name))
    assert bt.uevent_status(fields) == "charging"
    assert bt.discharge_sign([int(fields["CURRENT_NOW"])], charging=True) == +1


def test_redmi_k40_series_sign_and_unit():
    raws = [int(l) for l in text("current_now_series_redmi_k40_charging_then_disabled.txt").splitlines()
            if not l.startswith("#")]
    charging = raws[:6]
    assert bt.discharge_sign(charging, charging=True) == +1
    assert bt.current_unit(charging) == "uA"
    # The kernel ABI convention (negative = discharging) is recognised too.
    assert bt.discharge_sign([-150000, -160000, 3000], charging=False) == -1


def test_pixel3a_usb_power_tiny_current():
    fields = bt.parse_uevent(text("acc_info_pixel3a_not_charging_usb_power.txt"))
    assert bt.uevent_status(fields) == "not charging"
    assert bt.voltage_volts(int(fields["VOLTAGE_NOW"])) == pytest.approx(3.815175)


def test_milliamp_counters_recognised_or_declared():
    assert bt.current_unit([150, 210, 180]) == "mA"
    assert bt.current_unit([150, 210], declared="uA") == "uA"


def test_parse_sample():
    assert bt.parse_sample("-257109\n4170660\n") == (-257109, 4170660)
    for bad in ("", "-257109\n", "12\nabc\n", "1\n2\n3\n"):
        with pytest.raises(EdgeqError, match="unexpected battery counter"):
            bt.parse_sample(bad)


def series(t0, t1, n, current, voltage=3_800_000):
    return [bt.Sample(t0 + (t1 - t0) * i / (n - 1), current, voltage) for i in range(n)]


def test_energy_from_constant_power_matches_hand_arithmetic():
    idle = series(0.0, 1.0, 11, 60_000)        # 60 mA at 3.8 V = 228 mW
    active = series(1.0, 3.0, 41, 200_000)     # 200 mA at 3.8 V = 760 mW
    est = bt.estimate_energy(idle, active, latency_ms=10.0, charging=False)
    assert est.idle_power_mw == pytest.approx(228.0) and est.active_power_mw == pytest.approx(760.0)
    assert est.energy_uj == pytest.approx(532e-3 * 10e-3 * 1e6)  # 532 mW x 10 ms = 5320 µJ
    assert est.sample_period_ms == pytest.approx(50.0) and est.discharge_sign == 1
    assert any("50 ms" in c for c in est.caveats)


def test_energy_same_in_kernel_sign_and_milliamps():
    ref = bt.estimate_energy(series(0, 1, 5, 60_000), series(1, 2, 5, 200_000), 10.0, charging=False)
    neg = bt.estimate_energy(series(0, 1, 5, -60_000), series(1, 2, 5, -200_000), 10.0, charging=False)
    ma = bt.estimate_energy(series(0, 1, 5, 60), series(1, 2, 5, 200), 10.0, charging=False)
    assert neg.energy_uj == pytest.approx(ref.energy_uj) and ma.energy_uj == pytest.approx(ref.energy_uj)
    assert neg.discharge_sign == -1 and ma.current_unit == "mA"


def test_trapezoid_on_a_ramp():
    active = [bt.Sample(t, c, 4_000_000) for t, c in ((0.0, 100_000), (1.0, 300_000))]  # mean 200 mA
    est = bt.estimate_energy(series(-1, 0, 3, 100_000, 4_000_000), active, 1.0, charging=False)
    assert est.active_power_mw == pytest.approx(800.0) and est.energy_uj == pytest.approx(400.0)


def test_no_excess_power_and_too_few_samples():
    est = bt.estimate_energy(series(0, 1, 5, 200_000), series(1, 2, 5, 150_000), 10.0, charging=False)
    assert est.energy_uj is None and "baseline" in est.caveats[-1]
    with pytest.raises(EdgeqError, match="too few"):
        bt.estimate_energy(series(0, 1, 5, 60_000), [bt.Sample(1.0, 200_000, 3_800_000)], 10.0, charging=False)
    with pytest.raises(EdgeqError, match="reads 0"):
        bt.estimate_energy(series(0, 1, 5, 0), series(1, 2, 5, 0), 10.0, charging=False)
