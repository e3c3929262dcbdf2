"""Publishing: gates + sign-offs + embargo decide what goes live; a target puts it live.

plan.py decides, embargo.py tells the time (Europe/London), site.py renders the static site,
local.py is the local-folder target, manifest.py is the provenance record. target.py is the
interface every target implements.
"""
