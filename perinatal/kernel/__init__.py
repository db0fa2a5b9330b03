"""The ground floor: framework-free helpers every other package may use (docs/adr/0018-floor-plan.md).

- `london_time`: local time in England, parsing timestamps, durations between instants
- `working_days`: England working days (deadlines, the MOSS safety check)
- `clinical`: clinical thresholds (gestation, neonatal ages, weight, blood loss)
- `nhs_numbers`: NHS number validation and display
- `tabular_problems`: a problem at a line and column of a file; a file refused whole
- `refusals`: `Refused`, the one error a service raises naming the field it refuses
- `text`: small rules of written English for messages
- `hostile_text`: text no part of the service accepts (NUL, unpaired surrogates, controls in addresses)

Nothing here imports Django or any other part of the platform.
"""
