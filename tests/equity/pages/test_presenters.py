"""The equity page's presenters on hand-built rows (docs/rules/equity.md §1): group labels,
the table's text, the share recorded, the chart, and the plain-language reading."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perinatal.equity.breakdowns.rows import ALL, NOT_STATED
from perinatal.equity.pages.presenters import (
    HIDDEN,
    KIND_GROUP,
    KIND_NOT_STATED,
    KIND_REFERENCE,
    KIND_TOTAL,
    NOT_CALCULABLE,
    NOT_COMPARED,
    REFERENCE,
    metric_breakdowns,
)
from perinatal.equity.pages.reading import CRUDE_WORDS, SMALL_COUNT
from perinatal.equity.pages.wording import group_label, mothers, people, quintile_label
from tests.charts.test_common import assert_accessible, parse, with_class
from tests.equity.pages.rows import ethnic_rows, quintile_rows, row

ETHNIC = ("ethnic_group",)
QUINTILE = ("imd_quintile",)
BOTH = ("ethnic_group", "imd_quintile")


def breakdown(rows, by=ETHNIC, **kwargs):
    [result] = metric_breakdowns(rows, by=by, subject="Trust A, 2025", **kwargs)
    return result


# --- words ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quintile", "label"),
    [("1", "1 (most deprived)"), ("2", "2"), ("4", "4"), ("5", "5 (least deprived)"), (NOT_STATED, "Not stated")],
)
def test_quintiles_are_labelled_for_people(quintile, label):
    assert quintile_label(quintile) == label


@pytest.mark.parametrize(
    ("ethnic", "quintile", "label"),
    [
        ("Black", ALL, "Black"),
        (ALL, "1", "1 (most deprived)"),
        ("White", "5", "White in quintile 5 (least deprived)"),
        ("Asian", NOT_STATED, "Asian, quintile not stated"),
        (NOT_STATED, "3", "Not stated in quintile 3"),
        (ALL, ALL, "All groups"),
    ],
)
def test_group_labels(ethnic, quintile, label):
    assert group_label(ethnic, quintile) == label


def test_the_people_a_rate_is_about():
    assert people("stillbirth_rate", "Black", ALL) == "babies of Black mothers"
    assert people("neonatal_mortality_rate", "Mixed", ALL) == "babies of mothers of Mixed ethnicity"
    assert people("pph_1500_rate", "Asian", ALL) == "Asian mothers"
    assert mothers(ALL, "1") == "mothers living in the most deprived areas (quintile 1)"
    assert mothers("White", "5") == "White mothers living in the least deprived areas (quintile 5)"
    assert mothers("Other", "3") == "mothers of Other ethnic groups living in deprivation quintile 3"


# --- the table ----------------------------------------------------------------------------------


def test_every_group_is_a_line_with_not_stated_and_the_total_last():
    result = breakdown(ethnic_rows())
    assert [line.label for line in result.lines] == [
        "White",
        "Black",
        "Asian",
        "Mixed",
        "Other",
        "Not stated",
        "All groups",
    ]
    assert [line.kind for line in result.lines] == [
        KIND_REFERENCE,
        KIND_GROUP,
        KIND_GROUP,
        KIND_GROUP,
        KIND_GROUP,
        KIND_NOT_STATED,
        KIND_TOTAL,
    ]
    assert (result.title, result.numerator_label, result.denominator_label) == (
        "Stillbirth rate",
        "Stillbirths",
        "Total births",
    )
    assert result.unit_phrase == "per 1,000 total births"
    assert result.group_heading == "Ethnic group"


def test_the_worked_example_reads_as_the_spec_gives_it():
    black = breakdown(ethnic_rows()).lines[1]
    assert (black.numerator_text, black.denominator_text) == ("12", "2,000")
    assert black.rate_text == "6.00 (3.10 to 10.48)"
    assert black.ratio_text == "2.00 (1.03 to 3.90)"
    assert black.difference_text == "3.00 (-0.55 to 6.55)"


def test_the_reference_not_stated_total_and_groups_without_a_ratio_say_why():
    lines = {line.label: line for line in breakdown(ethnic_rows()).lines}
    assert lines["White"].ratio_text == REFERENCE and lines["White"].difference_text == REFERENCE
    assert lines["Not stated"].ratio_text == NOT_COMPARED and lines["Not stated"].rate_text == "5.00 (1.03 to 14.61)"
    assert lines["All groups"].ratio_text == NOT_COMPARED
    # No deaths: no ratio, but a difference.
    assert lines["Mixed"].ratio_text == NOT_CALCULABLE
    assert lines["Mixed"].difference_text == "-3.00 (-4.07 to -1.93)"
    # No births: no rate at all.
    assert lines["Other"].rate_text == "No data" and lines["Other"].ratio_text == NOT_CALCULABLE
    assert lines["Other"].denominator_text == "0"


def test_hidden_figures_say_so():
    rows = ethnic_rows()
    rows[2] = row("Asian", ALL, "*", 1_500, suppressed=1)
    line = breakdown(rows).lines[2]
    assert line.numerator_text == "*"
    assert line.rate_text == HIDDEN and line.ratio_text == HIDDEN


# --- the share recorded -------------------------------------------------------------------------


def test_the_share_recorded_is_one_minus_not_stated_over_the_total():
    [share] = breakdown(ethnic_rows()).recorded
    assert (share.recorded, share.total) == (13_900, 14_500)
    assert share.percent == Decimal("95.86")  # 13,900 / 14,500 = 95.862…
    assert share.words == "Ethnic group is recorded for 95.86% of total births (13,900 of 14,500)."


def test_the_share_recorded_with_both_dimensions_is_given_for_each():
    rows = [
        row("White", "5", 2, 1_000, "2.00"),
        row("White", NOT_STATED, 1, 100, "10.00"),
        row(NOT_STATED, "5", 0, 300, "0.00"),
        row(NOT_STATED, NOT_STATED, 0, 100, "0.00"),
        row(ALL, ALL, 3, 1_500, "2.00"),
    ]
    shares = {share.what: share for share in breakdown(rows, by=BOTH).recorded}
    assert set(shares) == {"Ethnic group", "Deprivation quintile"}
    assert shares["Ethnic group"].recorded == 1_100
    assert shares["Deprivation quintile"].words == (
        "Deprivation quintile is recorded for 86.67% of total births (1,300 of 1,500)."
    )


def test_the_share_recorded_is_not_given_when_counts_are_hidden_or_there_are_no_births():
    rows = ethnic_rows()
    rows[5] = row(NOT_STATED, ALL, "*", "*", suppressed=1)
    [share] = breakdown(rows).recorded
    assert share.percent is None and "cannot be given" in share.words
    [empty] = breakdown([row("White"), row(NOT_STATED), row(ALL, ALL)]).recorded
    assert empty.words == "Ethnic group: there are no total births in this period."


def test_pph_counts_women():
    result = breakdown(ethnic_rows("pph_1500_rate"))
    assert result.denominator_label == "Women giving birth"
    assert result.recorded[0].words.endswith("of women giving birth (13,900 of 14,500).")


# --- the chart ----------------------------------------------------------------------------------


def test_the_chart_has_every_group_the_reference_and_the_total():
    result = breakdown(ethnic_rows())
    root = assert_accessible(result.chart.svg)
    assert result.chart.title == "Stillbirth rate by ethnic group, Trust A, 2025"
    assert root.get("id") == "equity-stillbirth-rate"
    labels = [item.text for item in with_class(root, "chart-group-label")]
    assert labels == ["White", "Black", "Asian", "Mixed", "Other", "Not stated", "All groups"]
    assert len(with_class(root, "chart-point--reference")) == 1
    assert len(with_class(root, "chart-point--total")) == 1
    assert [item.text for item in with_class(root, "chart-missing")] == ["No total births"]
    assert result.chart.table.rows[0] == ("White (reference)", "30", "10,000", "3.00", "2.02 to 4.28")


def test_the_chart_names_quintiles_for_people():
    root = parse(breakdown(quintile_rows(), by=QUINTILE).chart.svg)
    labels = [item.text for item in with_class(root, "chart-group-label")]
    assert labels[0] == "1 (most deprived)" and labels[4] == "5 (least deprived)"


# --- the reading --------------------------------------------------------------------------------


def test_the_reading_of_the_worked_example():
    reading = breakdown(ethnic_rows()).reading
    sentences = reading.sentences
    assert sentences[0] == (
        "The reference group is babies of White mothers: 3.00 per 1,000 total births "
        "(30 stillbirths among 10,000 total births)."
    )
    assert (
        "The stillbirth rate for babies of Black mothers was 2.00 times the rate for babies of White mothers "
        "(95% interval 1.03 to 3.90)."
    ) in sentences
    assert reading.crude == CRUDE_WORDS and "not adjusted for the mother's age, the baby's gestation" in reading.crude
    assert reading.points_to_mbrrace


def test_an_interval_that_includes_1_is_read_carefully_and_small_numbers_noted():
    [asian] = [s for s in breakdown(ethnic_rows()).reading.sentences if "Asian" in s]
    assert asian == (
        "The stillbirth rate for babies of Asian mothers was 1.11 times the rate for babies of White mothers "
        "(95% interval 0.43 to 2.86). The interval includes 1, so the difference could be due to chance. "
        "It rests on only 5 stillbirths, so it is uncertain."
    )
    assert SMALL_COUNT == 10


def test_an_interval_touching_1_is_not_called_clear():
    rows = ethnic_rows()
    rows[1] = row("Black", ALL, 40, 2_000, "20.00", ("14.3", "27.2"), ("1.50", "1.00", "2.25"))
    [black] = [s for s in breakdown(rows).reading.sentences if "Black" in s]
    assert "could be due to chance" in black


def test_groups_without_deaths_or_births_are_named_and_not_stated_is_not_compared():
    sentences = breakdown(ethnic_rows()).reading.sentences
    assert (
        "There were no stillbirths among babies of mothers of Mixed ethnicity (400 total births), "
        "so no rate ratio can be worked out."
    ) in sentences
    assert "There were no total births for babies of mothers of Other ethnic groups." in sentences
    assert sentences[-1] == "Records where the group is not stated are shown in the table but not compared."


def test_a_reference_group_with_few_deaths_makes_every_comparison_uncertain():
    rows = ethnic_rows()
    rows[0] = row("White", ALL, 4, 10_000, "0.40", ("0.11", "1.02"))
    sentences = breakdown(rows).reading.sentences
    assert sentences[1] == "The reference group had only 4 stillbirths, so every comparison with it is uncertain."


def test_a_reference_group_without_deaths_or_births_stops_the_comparison():
    rows = ethnic_rows()
    rows[0] = row("White", ALL, 0, 10_000, "0.00", ("0.00", "0.37"))
    sentences = breakdown(rows).reading.sentences
    assert sentences[-1] == "With no stillbirths in the reference group, no rate ratio can be worked out."
    rows[0] = row("White", ALL, 0, 0)
    assert breakdown(rows).reading.sentences == (
        "There were no total births for babies of White mothers, the reference group, so no group can be compared.",
    )


def test_quintiles_are_read_as_areas():
    sentences = breakdown(quintile_rows(), by=QUINTILE).reading.sentences
    assert sentences[0].startswith(
        "The reference group is babies of mothers living in the least deprived areas (quintile 5): 3.00"
    )
    assert (
        "The stillbirth rate for babies of mothers living in the most deprived areas (quintile 1) was 2.67 times "
        "the rate for babies of mothers living in the least deprived areas (quintile 5) (95% interval 1.67 to 4.26)."
    ) in sentences


def test_with_both_dimensions_only_clear_differences_get_a_sentence():
    rows = [
        row("White", "5", 20, 10_000, "2.00", ("1.22", "3.09")),
        row("Black", "1", 30, 5_000, "6.00", ("4.05", "8.57"), ("3.00", "1.70", "5.29")),
        row("Black", "5", 3, 1_000, "3.00", ("0.62", "8.77"), ("1.50", "0.45", "5.05")),
        row("Asian", "1", 5, 2_000, "2.50", ("0.81", "5.83"), ("1.25", "0.47", "3.33")),
        row("Asian", NOT_STATED, 1, 100, "10.00", ("0.25", "55.7")),
        row(ALL, ALL, 59, 18_100, "3.26", ("2.48", "4.21")),
    ]
    sentences = breakdown(rows, by=BOTH).reading.sentences
    assert (
        "The stillbirth rate for babies of Black mothers living in the most deprived areas (quintile 1) was 3.00 "
        "times the rate for babies of White mothers living in the least deprived areas (quintile 5) "
        "(95% interval 1.70 to 5.29)."
    ) in sentences
    assert (
        "For the other 2 groups compared, the 95% interval includes 1: these figures do not show a clear "
        "difference from babies of White mothers living in the least deprived areas (quintile 5)."
    ) in sentences
    assert not any("Asian mothers whose area" in s for s in sentences)


def test_the_haemorrhage_reading_is_about_the_women_and_does_not_point_to_mbrrace():
    reading = breakdown(ethnic_rows("pph_1500_rate")).reading
    assert reading.sentences[0].startswith("The reference group is White mothers: 3.00 per 1,000 women giving birth")
    assert any(
        s.startswith("The rate of postpartum haemorrhage of 1,500 ml or more for Black mothers")
        for s in reading.sentences
    )
    assert not reading.points_to_mbrrace


def test_hidden_groups_are_named_as_too_small():
    rows = ethnic_rows()
    rows[2] = row("Asian", ALL, "*", 1_500, suppressed=1)
    assert "The figures for babies of Asian mothers are too small to show." in breakdown(rows).reading.sentences


def test_metrics_come_in_the_order_of_the_rules():
    rows = ethnic_rows("pph_1500_rate") + ethnic_rows("stillbirth_rate") + ethnic_rows("neonatal_mortality_rate")
    result = metric_breakdowns(rows, by=ETHNIC, subject="Trust A, 2025")
    assert [b.metric_id for b in result] == ["stillbirth_rate", "neonatal_mortality_rate", "pph_1500_rate"]
    assert [b.anchor for b in result] == ["stillbirth-rate", "neonatal-mortality-rate", "pph-1500-rate"]
    neonatal = result[1]
    assert (neonatal.numerator_label, neonatal.denominator_label) == ("Neonatal deaths", "Live births")


def test_the_live_births_stillbirth_denominator_is_named():
    result = breakdown(ethnic_rows(), stillbirth_denominator="live_births")
    assert result.denominator_label == "Live births" and result.unit_phrase == "per 1,000 live births"
