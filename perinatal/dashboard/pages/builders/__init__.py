"""One builder per dashboard page: it reads through perinatal.dashboard.selectors (one
engine call per page for its figures) and shapes what it reads for its template, so that a
view only checks the request, calls its page's builder and renders. Figures are shown as
the engine rounded them: no figure is computed twice or rounded again.

- national: the national page (England's tiles and its regions)
- organisation: England's, a region's, an ICB's and a trust's page over time
- trusts: the table of every trust for one metric and period, with its funnel plot
- definitions: how each measure is defined
- uploads: the list of uploads, one upload's page and its status JSON

Shared by several pages: tiles (a metric's latest figures as a card), hierarchy (where an
organisation sits and how pages link it), series (a metric over time and its charts),
periods (the periods the pages offer) and wording (names, units and figures in words).
"""
