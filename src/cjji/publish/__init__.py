"""Publishing: gates + sign-offs + embargo decide what goes live; a target puts it live.

plan.py decides, embargo.py tells the time (Europe/London), site.py renders the static site,
local.py is the local-folder target, manifest.py is the provenance record. target.py is the
interface every target implements.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cjji.publish.target import Target

# name -> factory(site=Path, root=Path, policy=Policy, base_url=str | None) -> Target.
# A target reads anything else it needs (addresses, credentials) from its own settings or the
# environment. Register a new target here.
TargetFactory = Callable[..., Target]


def _local(**options: Any) -> Target:
    from cjji.publish.local import LocalTarget

    return LocalTarget(Path(options["site"]), options["root"], options["policy"], options.get("base_url"))


def _wordpress(**options: Any) -> Target:
    from cjji.publish.wordpress import WordPressTarget

    return WordPressTarget.from_environment()  # CJJI_WP_URL, CJJI_WP_USER, CJJI_WP_APP_PASSWORD


TARGETS: dict[str, TargetFactory] = {
    "local": _local,
    "wordpress": _wordpress,
}
