"""Framework-free statistics for outcome surveillance (docs/rules/surveillance.md).

- :mod:`.moss_design`, :mod:`.moss`: MOSS Poisson CUSUM thresholds, CUSUM, signals, excess events
  (docs/rules/surveillance.md §1)
- :mod:`.spc`: Making Data Count XmR charts (docs/rules/surveillance.md §2)
- :mod:`.funnel`: funnel plots (docs/rules/surveillance.md §3)
- :mod:`.cusum`: tabular and Bernoulli log-likelihood CUSUMs (docs/rules/surveillance.md §4)
- :mod:`.r_rounding`, :mod:`.months`: the numerics and calendar months (and quarters) they rely on (England
  working days are in `perinatal.kernel.working_days`)
"""

from .cusum import BernoulliCusum, TabularCusum, bernoulli_cusum, bernoulli_llr_weight, tabular_cusum
from .funnel import (
    FunnelGroup,
    FunnelInputError,
    FunnelLimits,
    FunnelPlot,
    FunnelPoint,
    Overdispersion,
    aggregate_groups,
    funnel_plot,
)
from .months import YearMonth, YearQuarter
from .moss import (
    ExcessEventsDay,
    MonthlyCounts,
    MonthRate,
    MossRow,
    MossRun,
    ReferenceRates,
    SignalSummary,
    SkippedSiteYear,
    denominators,
    excess_events,
    moss_cusum,
    reference_rate,
    run_moss,
    summarise_signals,
)
from .moss_design import (
    METHOD,
    DesignFailedError,
    MossThresholds,
    PoissonCusumDesign,
    design_poisson_cusum,
    expected_events,
    moss_thresholds,
    poisson_cusum_arl,
)
from .r_rounding import round_r
from .spc import SpcChart, SpcChartPoint, SpcInputError, SpcPoint, SpcSegment, xmr_chart, xmr_limits

__all__ = [
    "BernoulliCusum",
    "DesignFailedError",
    "ExcessEventsDay",
    "FunnelGroup",
    "FunnelInputError",
    "FunnelLimits",
    "FunnelPlot",
    "FunnelPoint",
    "METHOD",
    "MonthRate",
    "MonthlyCounts",
    "MossRow",
    "MossRun",
    "MossThresholds",
    "Overdispersion",
    "PoissonCusumDesign",
    "ReferenceRates",
    "SignalSummary",
    "SkippedSiteYear",
    "SpcChart",
    "SpcChartPoint",
    "SpcInputError",
    "SpcPoint",
    "SpcSegment",
    "TabularCusum",
    "YearMonth",
    "YearQuarter",
    "aggregate_groups",
    "bernoulli_cusum",
    "bernoulli_llr_weight",
    "denominators",
    "design_poisson_cusum",
    "excess_events",
    "expected_events",
    "funnel_plot",
    "moss_cusum",
    "moss_thresholds",
    "poisson_cusum_arl",
    "reference_rate",
    "round_r",
    "run_moss",
    "summarise_signals",
    "tabular_cusum",
    "xmr_chart",
    "xmr_limits",
]
