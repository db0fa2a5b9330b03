"""The API's typed schemas, from which the OpenAPI document is generated.

A class's docstring and its fields' descriptions are what clients read in the document, so
they are written for clients. One module per area: `common` (the error body), `notifications`,
`metrics`.
"""
