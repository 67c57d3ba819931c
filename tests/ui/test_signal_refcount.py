"""Guard against a PySide6 release that loses a reference to True on each Signal.emit().

PySide6 6.12.0 on Python 3.11 does that: after a few thousand emits (each background job,
each button that emits a Python signal) the interpreter aborts with "Fatal Python error:
bool_dealloc". pyproject.toml keeps PySide6 below 6.12 for this reason; this test says
whether a newer release may be let in.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    plain = Signal()
    with_value = Signal(object)


def test_emitting_signals_keeps_the_reference_count_of_true(qtbot) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.plain.connect(lambda: received.append(None))
    emitter.with_value.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for number in range(200):
        emitter.plain.emit()
        emitter.with_value.emit(number)
    assert len(received) == 400
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
