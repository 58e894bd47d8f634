"""Settings of the HTTP benchmark's server: the production settings, plus one
bare view to compare every route with (bench/urls.py)."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
