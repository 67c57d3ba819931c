"""Charts of the chef's pages: a month trend as a line (the incomplete current month's
segment dashed and its label marked), and counts per handläggare as stacked bars.

Charts are not read by screen readers: each chart carries its figures as text in its
accessible description, and takes a Tab stop so that the description can be reached."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

LINE_COLOUR = "#1f5f9e"
INCOMPLETE_MARK = "*"


@dataclass(frozen=True)
class TrendLine:
    """A trend to draw: one value (or None: nothing to show) per month."""

    title: str
    months: Sequence[str]
    """'dec 2025' … the categories, oldest first."""
    values: Sequence[float | None]
    unit: str = ""
    """'dagar' … after each value in the text summary."""
    incomplete_note: str = ""
    """'ofullständig månad (t.o.m. 23 nov)' when the last month is not over, else ''."""


def number_text(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:g}".replace(".", ",")
    return f"{text} {unit}" if unit else text


def trend_summary(line: TrendLine) -> str:
    """'Bidragshushåll: dec 2025 412, jan 2026 420, …, nov 2026 430 (ofullständig månad
    (t.o.m. 23 nov))': the chart as text."""
    points = [
        f"{month} {number_text(value, line.unit)}"
        for month, value in zip(line.months, line.values, strict=True)
    ]
    if line.incomplete_note and points:
        points[-1] += f" ({line.incomplete_note})"
    return f"{line.title}: " + ", ".join(points)


def trend_chart_view(line: TrendLine) -> QChartView:
    """The trend as a line over the months: the last segment dashed and the last month's
    label starred when that month is incomplete (the note stands under the chart's title)."""
    chart = QChart()
    title = f"<b>{line.title}</b>"
    if line.incomplete_note:
        title += f"<br><small>{INCOMPLETE_MARK} {line.months[-1]}: {line.incomplete_note}</small>"
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(2, 2, 2, 2))
    chart.legend().hide()
    points = [(i, v) for i, v in enumerate(line.values) if v is not None]
    whole_months = len(line.values) - (1 if line.incomplete_note else 0)
    complete = QLineSeries()
    complete.setName(line.title)
    complete.setPointsVisible(True)
    pen = QPen(QColor(LINE_COLOUR))
    pen.setWidth(2)
    complete.setPen(pen)
    for i, value in points:
        if i < whole_months:
            complete.append(QPointF(i, value))
    chart.addSeries(complete)
    series = [complete]
    if line.incomplete_note:
        incomplete = QLineSeries()
        incomplete.setName(f"{line.title} ({line.incomplete_note})")
        incomplete.setPointsVisible(True)
        dashed = QPen(QColor(LINE_COLOUR))
        dashed.setWidth(2)
        dashed.setStyle(Qt.PenStyle.DashLine)
        incomplete.setPen(dashed)
        for i, value in points[-2:]:
            if i >= whole_months - 1:
                incomplete.append(QPointF(i, value))
        chart.addSeries(incomplete)
        series.append(incomplete)
    months = QCategoryAxis()
    months.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    months.setRange(-0.3, len(line.months) - 0.7)
    months.setStartValue(-0.3)
    for i, month in enumerate(line.months):
        label = month.replace(" ", "<br>")
        if line.incomplete_note and i == len(line.months) - 1:
            label += INCOMPLETE_MARK
        months.append(label, i)
    months.setLabelsAngle(0)
    values = QValueAxis()
    top = max((v for _i, v in points), default=0)
    values.setRange(0, max(top * 1.15, 1))
    values.setLabelFormat("%d")
    values.applyNiceNumbers()
    chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    for s in series:
        s.attachAxis(months)
        s.attachAxis(values)
    return _view(chart, line.title, trend_summary(line))


@dataclass(frozen=True)
class BarGroup:
    name: str
    values: Sequence[int]
    colour: str


def stacked_bars_view(
    title: str, categories: Sequence[str], groups: Sequence[BarGroup]
) -> QChartView:
    """Horizontal stacked bars, one per category (read top-down), a part per group."""
    chart = QChart()
    chart.setTitle(f"<b>{title}</b>")
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(2, 2, 2, 2))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)  # seen before the chart scrolls
    series = QHorizontalStackedBarSeries()
    for group in groups:
        bar_set = QBarSet(group.name)
        bar_set.append([float(v) for v in reversed(group.values)])
        bar_set.setColor(QColor(group.colour))
        bar_set.setBorderColor(QColor(group.colour))
        series.append(bar_set)
    series.setBarWidth(0.7)
    chart.addSeries(series)
    axis = QBarCategoryAxis()
    axis.append(list(reversed(categories)) or [""])
    axis.setTruncateLabels(False)  # names in full: elided they all read "…"
    values = QValueAxis()
    totals = [sum(g.values[i] for g in groups) for i in range(len(categories))]
    values.setRange(0, max(max(totals, default=0), 1))
    values.setLabelFormat("%d")
    values.applyNiceNumbers()
    chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis)
    series.attachAxis(values)
    lines = [
        f"{category}: " + ", ".join(f"{g.name} {g.values[i]}" for g in groups)
        for i, category in enumerate(categories)
    ]
    return _view(chart, title, f"{title}. " + "; ".join(lines) if lines else f"{title}: inga")


def _view(chart: QChart, name: str, description: str) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    view.setAccessibleName(name)
    view.setAccessibleDescription(description)
    view.setToolTip(description)
    return view
