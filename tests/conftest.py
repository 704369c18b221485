"""Suite-wide test settings."""

from hypothesis import HealthCheck, settings

# Deterministic examples keep CI reproducible; no deadline because the machine is shared.
settings.register_profile(
    "smworld",
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("smworld")
