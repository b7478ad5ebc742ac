"""The lesson figures' own bounds (not settings): one source for the host's checks and the API schema.

A sweep (Fig. 3-8, 3-10) compares at most SWEEP_MAX_WIDTHS widths (or SAMPLES_MAX random weight settings)
for at most SWEEP_MAX_EPOCHS epochs; the deep-versus-shallow experiment (Table 3-2) at most
EXPERIMENT_MAX_DEPTH depths up to that depth, for at most EXPERIMENT_MAX_EPOCHS epochs. Widths are bounded
by the server's max_units setting.
"""

SWEEP_MAX_WIDTHS = 8
SAMPLES_MAX = SWEEP_MAX_WIDTHS
SWEEP_MAX_EPOCHS = 2000
EXPERIMENT_MAX_DEPTH = 6
EXPERIMENT_MAX_EPOCHS = 1000
