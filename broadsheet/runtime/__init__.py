"""The runtime: the processes behind `broadsheet serve` and `broadsheet worker` (the supervisor),
the scheduler that runs every app's periodic hooks, and the reaper of tasks whose worker died.
It imports no app: apps declare their hooks on their AppConfig (`core.periodic.Periodic`)."""
